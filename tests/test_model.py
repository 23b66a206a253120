from pipeline.model import (Article, Concept, DocumentContext, Evidence, Extraction, MeshHeading,
                            Mention, Relation, Statement)
import pytest


def _rel():
    s = Mention(0, 4, "MSCs", "CELL_TYPE", "CL:0000134", "mesenchymal stem cell")
    o = Mention(13, 16, "HGF", "CYTOKINE", "HGNC:4893", "HGF")
    return Relation(s, "SECRETES", o, sentence="MSCs secrete HGF.", sentence_end=17)


def test_round_trips():
    a = Article("1", "T", "A", mesh_headings=(MeshHeading("D1", "Liver", True, ("q",)),), year=2020)
    assert Article.from_json(a.to_json()) == a
    r = _rel()
    assert Relation.from_json(r.to_json()) == r
    x = Extraction("1", (r.subject, r.object), (r,), DocumentContext(("human",), "rct"))
    assert Extraction.from_json(x.to_json()) == x
    e = Evidence.from_relation(r, "1", year=2020)
    assert Evidence.from_json(e.to_json()) == e
    st = Statement(Concept.from_mention(r.subject), "SECRETES", Concept.from_mention(r.object), [e])
    assert Statement.from_json(st.to_json()).matches_key() == st.matches_key()


def test_article_text_and_validation():
    assert Article("1", "Title", "").text == "Title"
    assert Article("1", "Title", "Abs").text == "Title\nAbs"
    with pytest.raises(ValueError):
        Relation(_rel().subject, "CAUSES", _rel().object)
    with pytest.raises(ValueError):
        Statement(Concept("a", "a", "X"), "INCREASES", Concept("b", "b", "Y"), ["not evidence"])


def test_text_concept_key():
    m = Mention(0, 3, "Foo", "OUTCOME")
    assert m.concept_key == "TEXT:foo"
