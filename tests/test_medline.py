"""Tests of pipeline.medline: fields, markup, dates, deletions, safety, errors, encodings."""
from __future__ import annotations

import gzip
import http.server
import io
import threading
from pathlib import Path

import pytest

from pipeline import medline
from pipeline.errors import ParseError
from pipeline.medline import (DeletedCitation, ParsedArticle, element_text, parse_pubmed_xml,
                              read_articles)
from pipeline.model import AbstractSection, Article, MeshHeading

FIX = Path(__file__).resolve().parent / "fixtures" / "medline"


def _record(pmid: str, title: str = "A title.", extra: str = "", version: str = "1") -> str:
    return (f'<PubmedArticle><MedlineCitation><PMID Version="{version}">{pmid}</PMID>'
            f"<Article><ArticleTitle>{title}</ArticleTitle>{extra}</Article>"
            "</MedlineCitation></PubmedArticle>")


def _doc(*records: str, prolog: str = '<?xml version="1.0"?>') -> bytes:
    return f"{prolog}<PubmedArticleSet>{''.join(records)}</PubmedArticleSet>".encode()


@pytest.fixture(scope="module")
def records() -> list:
    return list(parse_pubmed_xml(FIX / "articles.xml"))


@pytest.fixture(scope="module")
def first(records) -> Article:
    return records[0].article


# ----------------------------------------------------------------------------- fields

def test_record_kinds_and_order(records):
    assert [type(r) for r in records] == [ParsedArticle] * 3 + [DeletedCitation]
    assert [r.article.pmid for r in records[:3]] == ["90000001", "90000002", "90000003"]
    assert records[3] == DeletedCitation(("80000001", "80000002"))


def test_pmid_version_and_date_revised(first):
    assert (first.pmid, first.version, first.date_revised) == ("90000001", 2, "2023-05-07")


def test_structured_abstract_keeps_labels(first):
    assert [s.label for s in first.sections] == ["BACKGROUND", "METHODS", "RESULTS",
                                                  "CONCLUSIONS"]
    assert first.sections[0] == AbstractSection("Liver fibrosis follows chronic injury.",
                                                "BACKGROUND", "BACKGROUND")
    paragraphs = first.abstract.split("\n")
    assert len(paragraphs) == 4
    assert paragraphs[0] == "BACKGROUND: Liver fibrosis follows chronic injury."
    assert paragraphs[3].startswith("CONCLUSIONS: Cell therapy")


def test_inline_markup_flattened_with_tails_and_unicode(first):
    assert first.title == "Umbilical cord MSCs reduce TGF-β1 signalling in CCl4-injured mice"
    methods = first.sections[1].text
    assert "CCl4 and then 10^6 MSCs" in methods  # <sub> flattened, numeric <sup> as exponent
    assert "NF-κB and IFN-γ" in methods        # <b> inside a word, Greek letters kept
    assert "lower ALT (p<0.05) and less collagen" in first.sections[2].text  # MathML
    assert first.keywords == ("fibrosis", "stromal cells")


def test_bibliographic_fields(first):
    assert first.journal == "Journal of Invented Hepatology"
    assert (first.year, first.pub_date) == (2021, "2021-03-09")
    assert first.authors == ("Okafor AB", "Lindqvist P", "Invented Liver Consortium")
    # ArticleIdList wins over ELocationID; reference-list ids are never taken
    assert (first.doi, first.pmcid) == ("10.9999/jih.2021.001", "PMC9000001")
    assert first.language == "eng"
    assert first.publication_types == ("Journal Article", "Evaluation Study")
    assert first.chemicals == ("Transforming Growth Factor beta1",)


def test_mesh_headings_major_from_descriptor_or_qualifier(first):
    assert first.mesh_headings == (
        MeshHeading("D008103", "Liver Cirrhosis", True, ("therapy", "pathology")),
        MeshHeading("D059630", "Mesenchymal Stem Cells", True, ()),
        MeshHeading("D051379", "Mice", False, ()),
    )


def test_medline_date_vernacular_title_elocation_doi_no_abstract(records):
    a = records[1].article
    assert (a.year, a.pub_date) == (2001, "2001-01")
    assert a.title == "Cellules stromales et foie : une note inventée"
    assert a.abstract == "" and a.sections == ()
    assert a.doi == "10.9999/iacb.2001.17"
    assert a.authors == ("Study Group on Invented Stromal Cells",)
    assert a.language == "fre" and a.mesh_headings == ()


def test_article_date_fallback_and_whitespace(records):
    a = records[2].article
    assert (a.year, a.pub_date) == (2022, "2022-11-02")
    assert a.abstract == ("Extracellular vesicles kept hepatocytes alive under oxidative "
                          "stress in culture.")


@pytest.mark.parametrize("pubdate, year, iso", [
    ("<MedlineDate>1998 Dec-1999 Jan</MedlineDate>", 1998, "1998-12"),
    ("<MedlineDate>Spring 2004</MedlineDate>", 2004, "2004"),
    ("<Year>2010</Year><Month>11</Month>", 2010, "2010-11"),
    ("<Year>2010</Year><Season>Summer</Season>", 2010, "2010"),
])
def test_pub_date_forms(pubdate, year, iso):
    extra = f"<Journal><JournalIssue><PubDate>{pubdate}</PubDate></JournalIssue></Journal>"
    a = read_articles(_doc(_record("1", extra=extra)))[0]
    assert (a.year, a.pub_date) == (year, iso)


def test_raw_xml_is_the_record(records):
    raw = records[0].raw_xml
    assert raw.startswith("<PubmedArticle>") and raw.endswith("</PubmedArticle>")
    assert "TGF-<i>β</i>1" in raw
    [again] = parse_pubmed_xml(raw.encode("utf-8"))  # a bare record parses on its own
    assert again == records[0]
    assert medline.parse_article_element(medline.etree.fromstring(raw)) == records[0].article


def test_article_json_round_trip(records):
    for r in records[:3]:
        assert Article.from_json(r.article.to_json()) == r.article


def test_book_article():
    [a] = read_articles(FIX / "book.xml")
    assert (a.pmid, a.title, a.year) == ("92000001", "Stromal cell therapy", 2019)
    assert a.journal == "An Invented Handbook of Liver Regeneration"
    assert a.authors == ("Tanaka Y",) and a.publication_types == ("Review",)
    assert a.abstract.startswith("This invented chapter")


def test_element_text_helpers():
    el = medline.etree.fromstring("<T>  a<i>b</i> c <!-- x --><sup>2</sup>\n d </T>")
    assert element_text(el) == "ab c 2 d"
    assert element_text(None) == ""


def test_undeclared_namespace_prefix_in_a_title():
    # libxml2 reports the undeclared prefix at the end of the document, after the record
    doc = _doc(_record("5", title="a <mml:math><mml:mi>x</mml:mi></mml:math><sup>2</sup> b"))
    got = []
    with pytest.raises(ParseError, match="Namespace prefix mml"):
        for r in parse_pubmed_xml(doc):
            got.append(r.article.title)
    assert got == ["a x2 b"]


def test_missing_pmid_is_a_parse_error():
    bad = _doc("<PubmedArticle><MedlineCitation><Article/></MedlineCitation></PubmedArticle>")
    with pytest.raises(ParseError, match="without a PMID"):
        read_articles(bad)


# ----------------------------------------------------------------------------- sources

def test_sources_path_str_bytes_fileobj_gz(tmp_path):
    data = (FIX / "articles.xml").read_bytes()
    gz = tmp_path / "articles.xml.gz"
    gz.write_bytes(gzip.compress(data))
    expected = read_articles(FIX / "articles.xml")
    assert len(expected) == 3
    assert read_articles(str(FIX / "articles.xml")) == expected
    assert read_articles(data) == expected
    assert read_articles(io.BytesIO(data)) == expected
    assert read_articles(gz) == expected
    assert read_articles(gzip.compress(data)) == expected
    with gz.open("rb") as fh, gzip.GzipFile(fileobj=fh) as stream:
        assert read_articles(stream) == expected


def test_unreadable_sources(tmp_path):
    with pytest.raises(ParseError, match="cannot open"):
        read_articles(tmp_path / "missing.xml")
    with pytest.raises(TypeError):
        read_articles(12)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'rb'"):
        read_articles(io.StringIO("<PubmedArticleSet/>"))  # type: ignore[arg-type]
    bad_gz = tmp_path / "bad.xml.gz"
    bad_gz.write_bytes(gzip.compress(_doc(_record("1")))[:-12])
    with pytest.raises(ParseError, match="bad.xml.gz"):
        read_articles(bad_gz)


def test_streaming_releases_parsed_records(monkeypatch):
    """Each record is cleared and detached, so memory stays flat on baseline files."""
    siblings: list[int] = []
    real = medline._record

    def spy(elem, name):
        siblings.append(len(elem.getparent()))
        return real(elem, name)

    monkeypatch.setattr(medline, "_record", spy)
    n = 6000
    records = list(parse_pubmed_xml(_doc(*(_record(str(i)) for i in range(1, n + 1)))))
    assert len(records) == n
    # only the parser's read-ahead (one input chunk) is alive, never the whole file
    assert max(siblings) < n / 10


# ----------------------------------------------------------------------------- errors

def test_truncated_file_yields_complete_records_then_parse_error():
    got = []
    with pytest.raises(ParseError) as info:
        for r in parse_pubmed_xml(FIX / "truncated.xml"):
            got.append(r.article.pmid)
    assert got == ["91000001", "91000002"]
    assert "truncated.xml" in str(info.value) and "line 6" in str(info.value)


def test_malformed_in_the_middle_names_line():
    body = "\n".join([_record("1"), _record("2"), "<PubmedArticle><oops></PubmedArticle>",
                      _record("4")])
    got = []
    with pytest.raises(ParseError, match=r"<bytes>: malformed XML at line 3"):
        for r in parse_pubmed_xml(_doc(body)):
            got.append(r.article.pmid)
    assert got == ["1", "2"]


@pytest.mark.parametrize("good_before", [2, 40, 2_000])
def test_records_before_a_fault_are_yielded_whatever_the_chunking(good_before):
    # The contract holds below, around and far above the parser's read chunk: every
    # record completed before the fault comes out, then the ParseError.
    good = [_record(str(i), title="T" * 50) for i in range(1, good_before + 1)]
    body = "\n".join([*good, "<PubmedArticle><oops></PubmedArticle>", _record("999999")])
    assert len(body) > medline._CHUNK or good_before < 2_000
    got = []
    with pytest.raises(ParseError, match=rf"malformed XML at line {good_before + 1}"):
        for r in parse_pubmed_xml(_doc(body)):
            got.append(r.article.pmid)
    assert got == [str(i) for i in range(1, good_before + 1)]


def test_corrupt_gzip_keeps_records_before_the_fault():
    data = bytearray(gzip.compress(_doc(*[_record(str(i), title="T" * 200)
                                          for i in range(1, 3_000)])))
    data[len(data) // 2] ^= 0xFF
    got = []
    with pytest.raises(ParseError, match="records before this point were read"):
        for r in parse_pubmed_xml(bytes(data)):
            got.append(r.article.pmid)
    assert got and got == [str(i) for i in range(1, len(got) + 1)]


def test_doctype_with_ncbi_dtd_parses_without_fetching(http_hits):
    url, hits = http_hits
    prolog = ('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
              f'PubMedArticle, 1st January 2025//EN" "{url}/pubmed_250101.dtd">')
    assert [a.pmid for a in read_articles(_doc(_record("5"), prolog=prolog))] == ["5"]
    assert hits == []


BILLION_LAUGHS = ('<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)))


@pytest.mark.parametrize("where", ["text", "attribute", "outside-records"])
def test_billion_laughs_is_rejected(where):
    if where == "text":
        body = _record("1", title="&lol9;")
        root = "<PubmedArticleSet>"
    elif where == "attribute":
        body, root = _record("1"), '<PubmedArticleSet a="&lol9;">'
    else:
        body, root = "&lol9;", "<PubmedArticleSet>"
    doc = (f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [{BILLION_LAUGHS}]>'
           f"{root}{body}</PubmedArticleSet>").encode()
    with pytest.raises(ParseError) as info:
        read_articles(doc)
    assert "lol" * 20 not in str(info.value)


@pytest.mark.parametrize("kind", ["general", "parameter", "declared-unused"])
def test_external_entities_are_rejected_and_never_fetched(tmp_path, http_hits, kind):
    url, hits = http_hits
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    if kind == "general":
        subset = f'<!ENTITY xxe SYSTEM "{secret.as_uri()}"><!ENTITY net SYSTEM "{url}/e">'
        body = _record("1", title="&xxe;&net;")
    elif kind == "parameter":
        subset = f'<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;'
        body = _record("1")
    else:
        subset = f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">'
        body = _record("1")
    doc = _doc(body, prolog=f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [{subset}]>')
    got: list = []
    with pytest.raises(ParseError):
        got.extend(parse_pubmed_xml(doc))
    assert got == [] and hits == []


# ----------------------------------------------------------------------------- encodings

TITLE = "Café au lait: µ-receptors in foie gras, naïve cells"


def test_declared_latin1_is_honoured():
    data = _doc(_record("1", title=TITLE),
                prolog='<?xml version="1.0" encoding="ISO-8859-1"?>').decode().encode("latin-1")
    assert b"\xe9" in data
    assert read_articles(data)[0].title == TITLE


def test_declared_utf16_and_cp1252():
    utf16 = _doc(_record("1", title=TITLE), prolog='<?xml version="1.0" encoding="UTF-16"?>')
    assert read_articles(utf16.decode().encode("utf-16"))[0].title == TITLE
    cp = _doc(_record("1", title="€ " + TITLE),
              prolog='<?xml version="1.0" encoding="windows-1252"?>').decode().encode("cp1252")
    assert read_articles(cp)[0].title == "€ " + TITLE


def test_latin1_without_declaration_is_a_clear_error():
    data = _doc(_record("1", title=TITLE)).decode().encode("latin-1")
    with pytest.raises(ParseError, match="encoding") as info:
        read_articles(data)
    assert "re-encode" in str(info.value)


def test_unknown_declared_encoding_is_a_clear_error():
    data = _doc(_record("1"), prolog='<?xml version="1.0" encoding="x-no-such-codec"?>')
    with pytest.raises(ParseError, match="x-no-such-codec"):
        read_articles(data)


# ----------------------------------------------------------------------------- real files

@pytest.mark.shared
def test_real_efetch_fixtures(shared_dir):
    expected = {
        "pubmed1.xml": ["12091962", "9997"],
        "pubmed2.xml": ["11748933", "11700088"],
        "pubmed4.xml": ["27797938"],
        "pubmed5.xml": ["28775130"],
        "pubmed6.xml": ["30108519"],
        "pubmed7.xml": ["29963580"],
        "efetch_citation_22663011.xml": ["22663011"],
    }
    folder = shared_dir / "corpora" / "fixtures" / "efetch"
    assert sorted(p.name for p in folder.glob("*.xml")) == sorted(expected)
    by_pmid = {}
    for name, pmids in expected.items():
        records = list(parse_pubmed_xml(folder / name))
        assert all(isinstance(r, ParsedArticle) for r in records)
        assert [r.article.pmid for r in records] == pmids
        for r in records:
            by_pmid[r.article.pmid] = r.article
            assert r.article.title and r.article.year and r.article.journal
    assert by_pmid["12091962"].abstract == ""
    assert by_pmid["11700088"].mesh_headings == ()
    for pmid in ("12091962", "9997", "11748933", "27797938", "22663011"):
        assert by_pmid[pmid].mesh_headings, pmid
    assert [s.label for s in by_pmid["27797938"].sections] == [
        "OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    assert by_pmid["27797938"].abstract.startswith("OBJECTIVE: ")
    nejm = by_pmid["22663011"]
    assert len(nejm.sections) == 4 and nejm.doi and nejm.chemicals
    assert "Clinical Trial, Phase III" in nejm.publication_types
    assert "METRIC Study Group" in nejm.authors
    assert by_pmid["30108519"].title.startswith('A "Blood Relationship"')
    assert by_pmid["27797938"].pmcid.startswith("PMC")


# ----------------------------------------------------------------------------- helpers

@pytest.fixture()
def http_hits():
    """A 127.0.0.1 HTTP server that records every request (to prove nothing is fetched)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            body = b'<!ENTITY leaked "LEAKED">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
