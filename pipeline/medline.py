"""PubMed XML (EFetch output, baseline and update files) to :class:`~pipeline.model.Article`.

:func:`parse_pubmed_xml` streams a ``<PubmedArticleSet>`` through :class:`lxml.etree.XMLPullParser`,
clearing each record once parsed, so a 200 MB baseline file runs in constant memory. It yields
:class:`ParsedArticle` (the article and its raw XML) and :class:`DeletedCitation` (PMIDs an
update file withdraws). :func:`read_articles` is the whole-document convenience.

The parser is safe by default: no DTD is loaded (the ``<!DOCTYPE ... pubmed_250101.dtd>`` line
of real EFetch output is read but never fetched), no network, no entity expansion. A document
whose internal DTD subset *declares* entities (billion laughs, external entities) is rejected
with :class:`~pipeline.errors.ParseError`; its references are never expanded.

Not supported: ``<PubmedBookArticle>`` beyond PMID, title, abstract, authors, year and
publication types; ``<OtherAbstract>`` in languages other than English; reference lists,
grants, investigators and comments/corrections are not extracted (they stay in ``raw_xml``).

Example
-------
>>> xml = b'''<PubmedArticleSet><PubmedArticle><MedlineCitation>
... <PMID Version="2">123</PMID><Article><ArticleTitle>MSCs and <i>liver</i>.</ArticleTitle>
... </Article></MedlineCitation></PubmedArticle></PubmedArticleSet>'''
>>> a = read_articles(xml)[0]
>>> (a.pmid, a.version, a.title, a.abstract)
('123', 2, 'MSCs and liver.', '')
"""
from __future__ import annotations

import gzip
import io
import logging
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Union

from lxml import etree

from .errors import ParseError
from .model import AbstractSection, Article, MeshHeading

__all__ = [
    "ParsedArticle",
    "DeletedCitation",
    "RejectedRecord",
    "MedlineRecord",
    "Source",
    "parse_pubmed_xml",
    "read_articles",
    "parse_article_element",
    "normalize_space",
    "element_text",
]

log = logging.getLogger(__name__)

Source = Union[str, os.PathLike, bytes, IO[bytes]]

_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation")
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 64 * 1024  # bytes fed to the parser at a time
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_YEAR_RE = re.compile(r"\b(1[5-9]\d\d|2\d\d\d)\b")
_SPACE_RE = re.compile(r"\s+")
_ENCODING_HINT = (" (the bytes do not match the declared encoding, or the file is not UTF-8 and"
                  " has no <?xml ... encoding=\"...\"?> declaration: add one, or re-encode the"
                  " file as UTF-8)")


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """One ``<PubmedArticle>``: the parsed :class:`Article` and the record's XML as text."""

    article: Article
    raw_xml: str


@dataclass(frozen=True, slots=True)
class DeletedCitation:
    """One ``<DeleteCitation>`` block: PMIDs withdrawn by an update file."""

    pmids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A record left out of the stream because it is damaged; ``reason`` says where and why.

    The records around it are still yielded, so one bad record costs only itself.
    """

    pmid: str
    reason: str


MedlineRecord = Union[ParsedArticle, DeletedCitation, RejectedRecord]


# ----------------------------------------------------------------------------- text helpers

def normalize_space(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends.

    >>> normalize_space("  IL-6\\n   and  TNF-α ")
    'IL-6 and TNF-α'
    """
    return _SPACE_RE.sub(" ", text).strip()


_EXPONENT_RE = re.compile(r"[-−–]?\d+(?:\.\d+)?")


def element_text(elem: etree._Element | None) -> str:
    """Text of ``elem`` with inline markup (``<i>``, ``<sup>``, MathML ...) flattened.

    Text of children and their tails is kept; comments and processing instructions are not;
    whitespace is normalized. ``None`` gives ``""``.

    >>> element_text(etree.fromstring("<T>TGF-<i>β</i>1 <sup>+</sup> cells</T>"))
    'TGF-β1 + cells'
    >>> element_text(etree.fromstring("<T>1 x 10<sup>6</sup> CD4<sup>+</sup> cells</T>"))
    '1 x 10^6 CD4+ cells'
    """
    if elem is None:
        return ""
    parts: list[str] = []
    _flatten(elem, parts)
    return normalize_space("".join(parts))


def _flatten(elem: etree._Element, parts: list[str]) -> None:
    """Append the text of ``elem`` (not its tail) to ``parts``.

    A numeric superscript after a digit is written as an exponent (``10<sup>6</sup>`` ->
    ``10^6``) so numbers keep their meaning; ``CD4<sup>+</sup>`` stays ``CD4+``.
    """
    if elem.text:
        parts.append(elem.text)
    for child in elem:
        if not isinstance(child.tag, str):  # comment or processing instruction
            if child.tail:
                parts.append(child.tail)
            continue
        # not etree.QName: it refuses a prefixed tag whose namespace was never declared
        if child.tag.rpartition("}")[2] == "sup":
            inner = "".join(child.itertext()).strip()
            before = "".join(parts)[-1:]
            if before.isdigit() and _EXPONENT_RE.fullmatch(inner):
                parts.append("^")
        _flatten(child, parts)
        if child.tail:
            parts.append(child.tail)


def _texts(parent: etree._Element | None, path: str) -> tuple[str, ...]:
    if parent is None:
        return ()
    return tuple(t for t in (element_text(e) for e in parent.iterfind(path)) if t)


# ----------------------------------------------------------------------------- dates

def _number(text: str, what: str) -> int | None:
    """``text`` as a whole number, ``None`` when it is not one.

    ``str.isdigit`` is true for superscripts and other scripts' digits, which ``int`` may
    refuse; such a value is a damaged field, so it is a :class:`ParseError`, not a guess.

    >>> _number(" 12 ", "Day"), _number("Spring", "Month")
    (12, None)
    """
    text = text.strip()
    if not text.isdigit():
        return None
    if not text.isascii():
        raise ParseError(f"{what} {text!r} is written with non-ASCII digits")
    return int(text)


def _month_number(value: str) -> int | None:
    n = _number(value, "Month")
    if n is not None:
        return n if 1 <= n <= 12 else None
    return _MONTHS.get(value.strip().lower()[:3])


def _date_parts(elem: etree._Element | None) -> tuple[int | None, str]:
    """``(year, "YYYY[-MM[-DD]]")`` from a ``Year/Month/Day`` or ``MedlineDate`` element."""
    if elem is None:
        return None, ""
    year_text = (elem.findtext("Year") or "").strip()
    if not year_text:
        medline = elem.findtext("MedlineDate") or ""
        m = _YEAR_RE.search(medline)
        if not m:
            return None, ""
        year = int(m.group(1))
        month_word = medline[m.end():].strip().split("-")[0].split(" ")[0]
        month = _month_number(month_word) if month_word else None
        return year, f"{year:04d}-{month:02d}" if month else f"{year:04d}"
    year = _number(year_text, "Year")
    if year is None:
        return None, ""
    month = _month_number(elem.findtext("Month") or "")
    if month is None:
        return year, f"{year:04d}"
    day = _number(elem.findtext("Day") or "", "Day")
    if day is not None and 1 <= day <= 31:
        return year, f"{year:04d}-{month:02d}-{day:02d}"
    return year, f"{year:04d}-{month:02d}"


# ----------------------------------------------------------------------------- fields

def _abstract(article_el: etree._Element | None,
              citation: etree._Element) -> tuple[str, tuple[AbstractSection, ...]]:
    abstract_el = article_el.find("Abstract") if article_el is not None else None
    if abstract_el is None:
        abstract_el = citation.find("Abstract")  # PubmedBookArticle/BookDocument
    if abstract_el is None:
        for other in citation.iterfind("OtherAbstract"):
            if (other.get("Language") or "eng").lower() == "eng":
                abstract_el = other
                break
    if abstract_el is None:
        return "", ()
    sections = []
    for part in abstract_el.iterfind("AbstractText"):
        text = element_text(part)
        label = normalize_space(part.get("Label") or "")
        if text or label:
            sections.append(AbstractSection(text=text, label=label,
                                            category=part.get("NlmCategory") or ""))
    abstract = "\n".join(f"{s.label}: {s.text}" if s.label else s.text for s in sections)
    return abstract, tuple(sections)


def _authors(parent: etree._Element | None) -> tuple[str, ...]:
    if parent is None:
        return ()
    out = []
    for author in parent.iterfind("AuthorList/Author"):
        if (author.get("ValidYN") or "Y") == "N":
            continue
        collective = element_text(author.find("CollectiveName"))
        if collective:
            out.append(collective)
            continue
        last = element_text(author.find("LastName"))
        initials = element_text(author.find("Initials")) or element_text(author.find("ForeName"))
        name = f"{last} {initials}".strip()
        if name:
            out.append(name)
    return tuple(out)


def _mesh(citation: etree._Element) -> tuple[MeshHeading, ...]:
    out = []
    for heading in citation.iterfind("MeshHeadingList/MeshHeading"):
        desc = heading.find("DescriptorName")
        if desc is None:
            continue
        qualifiers = heading.findall("QualifierName")
        major = desc.get("MajorTopicYN") == "Y" or any(
            q.get("MajorTopicYN") == "Y" for q in qualifiers)
        out.append(MeshHeading(descriptor_id=desc.get("UI") or "", name=element_text(desc),
                               major=major,
                               qualifiers=tuple(t for t in map(element_text, qualifiers) if t)))
    return tuple(out)


def _article_ids(elem: etree._Element) -> tuple[str, str]:
    """``(doi, pmcid)`` from ``PubmedData/ArticleIdList`` (never the reference list)."""
    doi = pmcid = ""
    for path in ("PubmedData/ArticleIdList/ArticleId", "PubmedBookData/ArticleIdList/ArticleId"):
        for aid in elem.iterfind(path):
            kind = aid.get("IdType")
            if kind == "doi" and not doi:
                doi = element_text(aid)
            elif kind == "pmc" and not pmcid:
                pmcid = element_text(aid)
    return doi, pmcid


def parse_article_element(elem: etree._Element) -> Article:
    """Build an :class:`Article` from a ``<PubmedArticle>`` (or ``<PubmedBookArticle>``).

    Parameters
    ----------
    elem
        The record element (its children are read, it is not modified).

    Returns
    -------
    Article

    Raises
    ------
    ParseError
        When the record has no PMID or a number field holds non-ASCII digits.

    Examples
    --------
    >>> el = etree.fromstring('<PubmedArticle><MedlineCitation><PMID>7</PMID>'
    ...                       '</MedlineCitation></PubmedArticle>')
    >>> parse_article_element(el).pmid
    '7'
    """
    book = elem.tag == "PubmedBookArticle"
    citation = elem.find("BookDocument" if book else "MedlineCitation")
    if citation is None:
        raise ParseError(f"<{elem.tag}> without <{'BookDocument' if book else 'MedlineCitation'}>"
                         f" (line {elem.sourceline}); the file is not PubMed XML")
    pmid_el = citation.find("PMID")
    pmid = element_text(pmid_el)
    if not pmid:
        raise ParseError(f"<{elem.tag}> without a PMID (line {elem.sourceline}); the record is "
                         "damaged: fetch the file again")
    version = _number(pmid_el.get("Version") or "1", "PMID Version") or 1

    article_el = None if book else citation.find("Article")
    source = citation if book else article_el  # where titles, authors, languages live
    title = element_text(source.find("ArticleTitle")) if source is not None else ""
    if not title and source is not None:
        title = element_text(source.find("VernacularTitle"))
    if not title and book:
        title = element_text(citation.find("Book/BookTitle"))
    abstract, sections = _abstract(article_el, citation)

    if book:
        journal = element_text(citation.find("Book/BookTitle"))
        year, pub_date = _date_parts(citation.find("Book/PubDate"))
    else:
        journal = element_text(article_el.find("Journal/Title")) if article_el is not None else ""
        year, pub_date = (None, "")
        if article_el is not None:
            year, pub_date = _date_parts(article_el.find("Journal/JournalIssue/PubDate"))
            if year is None:
                year, pub_date = _date_parts(article_el.find("ArticleDate"))
    if year is None:
        year, pub_date = _date_parts(
            elem.find("PubmedData/History/PubMedPubDate[@PubStatus='pubmed']"))

    doi, pmcid = _article_ids(elem)
    if not doi and source is not None:
        for loc in source.iterfind("ELocationID"):
            if loc.get("EIdType") == "doi" and (loc.get("ValidYN") or "Y") == "Y":
                doi = element_text(loc)
                break
    authors = _authors(source)
    if not authors and book:
        authors = _authors(citation.find("Book"))
    languages = _texts(source, "Language")
    pub_types = _texts(source, "PublicationTypeList/PublicationType") + (
        _texts(citation, "PublicationType") if book else ())
    _, date_revised = _date_parts(citation.find("DateRevised"))
    return Article(
        pmid=pmid, version=version, title=title, abstract=abstract, sections=sections,
        journal=journal, year=year, pub_date=pub_date, authors=authors, doi=doi, pmcid=pmcid,
        language=languages[0] if languages else "", publication_types=pub_types,
        mesh_headings=_mesh(citation), keywords=_texts(citation, "KeywordList/Keyword"),
        chemicals=_texts(citation, "ChemicalList/Chemical/NameOfSubstance"),
        date_revised=date_revised,
    )


# ----------------------------------------------------------------------------- streaming

def _open(source: Source) -> tuple[IO[bytes], str, bool]:
    """``(binary stream, name for messages, whether we opened it and must close it)``."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if data[:2] == _GZIP_MAGIC:
            return gzip.GzipFile(fileobj=io.BytesIO(data)), "<bytes>", True
        return io.BytesIO(data), "<bytes>", True
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            raw = path.open("rb")
        except OSError as e:
            raise ParseError(f"cannot open PubMed XML file {path}: {e.strerror}") from e
        if raw.read(2) == _GZIP_MAGIC:
            raw.seek(0)
            return gzip.GzipFile(fileobj=raw, mode="rb"), str(path), True
        raw.seek(0)
        return raw, str(path), True
    if isinstance(source, io.TextIOBase):
        raise TypeError("PubMed XML must be read as bytes (the XML declaration names the "
                        "encoding): open the file with mode 'rb'")
    if hasattr(source, "read"):
        name = str(getattr(source, "name", "<stream>"))
        return source, name, False
    raise TypeError(f"source must be a path, bytes or a binary file object, "
                    f"not {type(source).__name__}")


def _check_no_entities(root: etree._Element | None, name: str) -> None:
    if root is None:
        return
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ParseError(f"{name}: the document declares XML entities in its DOCTYPE; refusing "
                         "to parse it (entity expansion is unsafe and PubMed XML never needs it)")


def _release(elem: etree._Element) -> None:
    """Free a parsed record and the already-processed siblings before it."""
    elem.clear(keep_tail=True)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def parse_pubmed_xml(source: Source) -> Iterator[MedlineRecord]:
    """Stream the records of a PubMed XML document.

    Parameters
    ----------
    source
        A path (``.xml`` or gzip-compressed ``.xml.gz``, detected by content), the document
        as bytes, or a binary file object.

    Yields
    ------
    ParsedArticle | DeletedCitation | RejectedRecord
        In document order; a damaged record (no PMID, non-ASCII digits in a number) is a
        :class:`RejectedRecord` and the stream goes on.

    Raises
    ------
    ParseError
        On malformed XML (after yielding every complete record before the fault; the
        message names the file and line), on a document declaring entities, on an
        undecodable encoding, or when the file cannot be opened.

    Examples
    --------
    >>> xml = (b'<PubmedArticleSet><DeleteCitation><PMID Version="1">5</PMID>'
    ...        b'<PMID Version="1">6</PMID></DeleteCitation></PubmedArticleSet>')
    >>> list(parse_pubmed_xml(xml))
    [DeletedCitation(pmids=('5', '6'))]
    """
    stream, name, owned = _open(source)
    try:
        parser = etree.XMLPullParser(
            events=("end",), tag=_RECORD_TAGS, resolve_entities=False,
            no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
            remove_comments=True, remove_pis=True)
        checked = at_end = False
        fault: BaseException | None = None
        read = 0  # bytes of XML read so far: the position of a fault below the XML
        while fault is None:
            try:
                chunk = stream.read(_CHUNK)
                if chunk:
                    read += len(chunk)
                    parser.feed(chunk)
                else:
                    at_end = True
                    root = parser.close()
            except (etree.XMLSyntaxError, OSError, EOFError, UnicodeDecodeError,
                    LookupError, zlib.error) as e:
                fault = e
            # Records completed before a fault come first, whatever the chunking: the
            # parser queues their events before it reports the error in the same chunk.
            # A fault at the end of input is a truncated file: the events close() queues
            # then are records it closed by force, cut off mid-way, and are dropped.
            events = () if at_end and fault is not None else parser.read_events()
            for _, elem in events:
                if not checked:
                    _check_no_entities(elem, name)
                    checked = True
                try:
                    yield _record(elem, name)
                finally:
                    _release(elem)
            if at_end and fault is None:
                if not checked:
                    _check_no_entities(root, name)
                return
        raise _parse_error(fault, name, read) from fault
    finally:
        if owned:
            stream.close()


def _parse_error(e: BaseException, name: str, read: int) -> ParseError:
    """The :class:`ParseError` a reader fault becomes, naming the file and the position: the
    line for XML, else how far the (uncompressed) XML had been read."""
    if isinstance(e, etree.XMLSyntaxError):
        line = e.lineno if e.lineno is not None else "?"
        msg = e.msg or str(e)
        hint = _ENCODING_HINT if "encoding" in msg.lower() or "utf-8" in msg.lower() else ""
        return ParseError(f"{name}: malformed XML at line {line}: {msg}{hint}; the records "
                          "before this point were read, the rest of the file was not")
    # gzip corruption, truncated gzip stream, unknown encoding name
    return ParseError(f"{name}: cannot read PubMed XML after {read} bytes: {e}; the records "
                      "before this point were read, the rest of the file was not")


def _record(elem: etree._Element, name: str) -> MedlineRecord:
    if elem.tag == "DeleteCitation":
        return DeletedCitation(_texts(elem, "PMID"))
    try:
        article = parse_article_element(elem)
    except ParseError as e:
        pmid = element_text(elem.find("*/PMID"))
        where = f"PMID {pmid} at line {elem.sourceline}" if pmid else f"line {elem.sourceline}"
        return RejectedRecord(pmid, f"{name}: {where}: {e}; the record was skipped")
    return ParsedArticle(article, etree.tostring(elem, encoding="unicode", with_tail=False))


def read_articles(source: Source) -> list[Article]:
    """All articles of a PubMed XML document (deletions are ignored).

    Raises :class:`ParseError` for a malformed document or a damaged record.

    >>> read_articles(b"<PubmedArticleSet/>")
    []
    """
    out = []
    for r in parse_pubmed_xml(source):
        if isinstance(r, RejectedRecord):
            raise ParseError(r.reason)
        if isinstance(r, ParsedArticle):
            out.append(r.article)
    return out
