"""Assembly: merging, concept table, determinism, replacement. Builders reused by graph tests."""
from __future__ import annotations

import random

from pipeline.assembly import ArticleRef, Assembler, assemble
from pipeline.model import DocumentContext, Extraction, Mention, Relation, dumps_jsonl

# Concepts used by the hand-written mini corpus below: (type, id, canonical name).
C = {
    "msc": ("CELL_TYPE", "CL:0000134", "mesenchymal stem cell"),
    "tgf": ("CYTOKINE", "HGNC:11766", "TGF-β1"),
    "hsca": ("PROCESS", "GO:0035733", "hepatic stellate cell activation"),
    "fib": ("DISEASE", "MESH:D008103", "liver fibrosis"),
    "hgf": ("CYTOKINE", "HGNC:4893", "HGF"),
    "hcc": ("DISEASE", "MESH:D006528", "hepatocellular carcinoma"),
    "alf": ("DISEASE", "MESH:D017114", "acute liver failure"),
    "alt": ("OUTCOME", "LOCAL:alt", "alanine aminotransferase"),
}


def mention(key: str, text: str, start: int) -> Mention:
    typ, cid, name = C[key]
    return Mention(start, start + len(text), text, typ, cid, name)


def doc(pmid: str, year: int | None, study: str, species: tuple[str, ...], rels: list[tuple],
        extra: tuple[tuple[str, str], ...] = ()) -> tuple[ArticleRef, Extraction]:
    """One article: ``rels`` = (subj key, subj text, PRED, obj key, obj text, sentence, flags)."""
    pos = 0
    relations, mentions = [], []
    for skey, stext, pred, okey, otext, sentence, *flags in rels:
        s, o = mention(skey, stext, pos), mention(okey, otext, pos + 50)
        relations.append(Relation(s, pred, o, negated="neg" in flags, hedged="hedge" in flags,
                                  sentence=sentence, sentence_start=pos,
                                  sentence_end=pos + len(sentence)))
        mentions += [s, o]
        pos += 100
    for key, text in extra:
        mentions.append(mention(key, text, pos))
        pos += 100
    return ArticleRef(pmid, year), Extraction(pmid, tuple(mentions), tuple(relations),
                                              DocumentContext(species, study))


def corpus() -> list[tuple[ArticleRef, Extraction]]:
    """Seven invented abstracts covering aggregation, negation, hedging and a contradiction."""
    return [
        doc("101", 2012, "animal_model", ("mouse",), [
            ("msc", "MSCs", "DECREASES", "tgf", "TGF-β1", "Grafted MSCs lowered TGF-β1 in mice."),
            ("tgf", "TGF-β1", "INCREASES", "hsca", "HSC activation",
             "TGF-β1 drives HSC activation."),
            ("hsca", "HSC activation", "INCREASES", "fib", "fibrosis",
             "HSC activation promotes fibrosis.")], extra=(("fib", "liver fibrosis"),)),
        doc("102", 2015, "rct", ("human",), [
            ("msc", "MSC", "TREATS", "fib", "liver fibrosis", "MSC infusion for liver fibrosis."),
            ("msc", "MSCs", "DECREASES", "tgf", "TGF-β1",
             "MSCs may reduce circulating TGF-β1.", "hedge")]),
        doc("103", 2018, "in_vitro", (), [
            ("msc", "MSCs", "SECRETES", "hgf", "HGF", "Cultured MSCs released HGF."),
            ("hgf", "HGF", "DECREASES", "hsca", "stellate cell activation",
             "HGF blunted stellate cell activation.")]),
        doc("104", 2016, "animal_model", ("mouse",), [
            ("msc", "MSCs", "INCREASES", "hcc", "HCC", "MSCs enlarged HCC xenografts.")]),
        doc("105", 2019, "animal_model", ("rat",), [
            ("msc", "MSCs", "DECREASES", "hcc", "hepatoma", "MSCs shrank hepatoma nodules.")]),
        doc("106", 2020, "clinical_study", ("human",), [
            ("msc", "MSCs", "DECREASES", "tgf", "TGF-β1", "MSCs did not lower TGF-β1.", "neg")]),
        doc("107", 2010, "animal_model", ("rat",), [
            ("msc", "MSCs", "DECREASES", "alt", "ALT", "MSCs cut ALT in rats.")],
            extra=(("alf", "acute liver failure"), ("alf", "ALF"))),
    ]


def test_statements_merged_sorted_and_scored():
    stmts = assemble(corpus())
    keys = [s.matches_key() for s in stmts]
    assert keys == sorted(keys) and len(keys) == len(set(keys)) == 9
    down = next(s for s in stmts if s.matches_key() == ("CL:0000134", "DECREASES", "HGNC:11766"))
    assert down.pmids == ["101", "102", "106"]
    assert [e.negated for e in down.evidence] == [False, False, True]
    assert down.evidence[1].hedged and down.evidence[1].study_type == "rct"
    assert down.evidence[0].year == 2012 and down.evidence[0].species == ("mouse",)
    assert down.subject.name == "mesenchymal stem cell" and 0 < down.belief < 1


def test_concepts_count_mentions_not_only_relation_arguments():
    asm = Assembler()
    for a, x in corpus():
        asm.add(a, x)
    concepts = asm.concepts()
    fib = concepts["MESH:D008103"]
    assert fib.mention_count == 3 and fib.article_count == 2 and fib.pmids == ("101", "102")
    assert fib.synonyms == ("fibrosis", "liver fibrosis") and fib.type == "DISEASE"
    alf = concepts["MESH:D017114"]  # only mentioned, never in a relation
    assert alf.mention_count == 2 and alf.synonyms == ("ALF", "acute liver failure")
    assert list(concepts) == sorted(concepts)


def test_most_common_name_and_type_win():
    a, x = doc("1", 2020, "rct", (), [("msc", "MSCs", "SECRETES", "hgf", "HGF", "s.")])
    odd = Mention(500, 503, "HGF", "MOLECULE", "HGNC:4893", "hepatocyte growth factor")
    asm = Assembler()
    asm.add(a, Extraction("1", x.mentions + (odd,), x.relations, x.context))
    a2, x2 = doc("2", 2020, "rct", (), [("msc", "MSCs", "SECRETES", "hgf", "HGF", "t.")])
    asm.add(a2, x2)
    hgf = asm.concepts()["HGNC:4893"]
    assert (hgf.name, hgf.type, hgf.mention_count) == ("HGF", "CYTOKINE", 3)


def test_self_loops_and_duplicate_evidence_dropped():
    a, x = doc("1", 2020, "rct", (), [("msc", "MSCs", "INCREASES", "msc", "MSC", "loop.")])
    assert assemble([(a, x)]) == []
    a, x = doc("2", 2020, "rct", (), [("msc", "MSCs", "SECRETES", "hgf", "HGF", "s.")])
    twice = Extraction("2", x.mentions, x.relations * 2, x.context)
    (st,) = assemble([(a, twice)])
    assert len(st.evidence) == 1


def test_input_order_does_not_matter():
    items = corpus()
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)
    assert dumps_jsonl(assemble(items)) == dumps_jsonl(assemble(shuffled))


def test_reextracted_article_replaces_previous_evidence_and_remove():
    items = corpus()
    newer = doc("104", 2016, "animal_model", ("mouse",), [
        ("msc", "MSCs", "DECREASES", "hcc", "HCC", "On re-reading, MSCs shrank HCC.")])
    asm = Assembler()
    for a, x in items + [newer]:
        asm.add(a, x)
    keys = {s.matches_key(): s for s in asm.statements()}
    assert ("CL:0000134", "INCREASES", "MESH:D006528") not in keys
    assert keys[("CL:0000134", "DECREASES", "MESH:D006528")].pmids == ["104", "105"]
    assert asm.remove(["104", "999"]) == 1 and "104" not in asm.pmids


def test_from_statements_round_trip_of_evidence():
    stmts = assemble(corpus())
    asm = Assembler()
    for st in stmts:
        asm.add_statement(st)
    again = asm.statements()
    assert dumps_jsonl(again) == dumps_jsonl(stmts)
