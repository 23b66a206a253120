"""Ingestion: named PubMed queries and PubMed XML files into the store, resumably.

* :func:`ingest_query` runs a :class:`NamedQuery` through E-utilities. The first run (or
  ``full=True``) searches every record by entry date (``edat``); later runs search records
  entered (``edat``) *or* revised (``mdat``) from the query's high-water mark minus one day up
  to ``until`` (today), fetching the union of PMIDs once. Windows over ESearch's 9,999 cap are
  halved by date (:meth:`~pipeline.pubmed_client.EutilsClient.search_windows`).
* :func:`ingest_xml_files` streams PubMed XML (``.xml``/``.xml.gz``: EFetch output, baseline
  and update files), applying ``<DeleteCitation>``; :func:`ingest_demo` loads ``corpora/demo``.

Every run is recorded in the store's runs table (query, window, counts, status, timing; never
the API key). Only a successful run advances the watermark; upserts are idempotent, so a rerun
after a crash resumes without losing or duplicating records. Runs hold the store lock
``"ingest"``.

Not supported: databases other than PubMed; PubMed's ``[crdt]`` or ``[pdat]`` windows for
incremental runs (``edat`` and ``mdat`` cover new and revised records).

Example
-------
>>> q = NamedQuery("demo_q", '"Mesenchymal Stem Cells"[MeSH] AND liver[tiab]')
>>> IngestReport(q.name, fetched=3, inserted=2, unchanged=1).summary()
'demo_q: fetched 3, inserted 2, updated 0, deleted 0, unchanged 1 [success]'
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import time
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .config import PROJECT_ROOT
from .errors import ConfigError, FetchError, ParseError, PipelineError
from .medline import DeletedCitation, ParsedArticle, RejectedRecord, parse_pubmed_xml
from .model import Article
from .progress import Progress
from .pubmed_client import EARLIEST_DATE, EutilsClient, SearchWindow
from .transport import shorten
from .store import Store, UpsertCounts, check_article

__all__ = [
    "NamedQuery",
    "IngestReport",
    "DEFAULT_QUERIES_FILE",
    "DEMO_DIR",
    "user_queries_file",
    "load_queries",
    "save_query",
    "ingest_query",
    "ingest_xml_files",
    "ingest_demo",
]

log = logging.getLogger(__name__)

DEFAULT_QUERIES_FILE = PROJECT_ROOT / "corpora" / "queries.toml"
DEMO_DIR = PROJECT_ROOT / "corpora" / "demo"
#: The store lock every ingestion run holds.
LOCK_NAME = "ingest"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: Longest query name the runs and watermarks tables hold.
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class NamedQuery:
    """A PubMed search with a stable name (the key of its runs and watermark).

    >>> NamedQuery("x", "liver[tiab]").name
    'x'
    """

    name: str
    term: str
    description: str = ""

    def __post_init__(self) -> None:
        if not _NAME_RE.match(self.name) or len(self.name) > NAME_MAX_LENGTH:
            raise ConfigError(f"query name {shorten(self.name)!r} must be letters, digits, '_',"
                              f" '.', '-', at most {NAME_MAX_LENGTH} of them (it keys the "
                              "query's runs and watermark)")
        if not self.term.strip():
            raise ConfigError(f"query {self.name!r} has an empty term; give a PubMed search")


@dataclass
class IngestReport:
    """Counts of one ingestion run (also written to the runs table)."""

    name: str
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    status: str = "success"
    run_id: int | None = None
    window: tuple[str, str] | None = None
    watermark: str | None = None
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def add(self, counts: UpsertCounts) -> None:
        """Add the counts of one upserted batch."""
        self.inserted += counts.inserted
        self.updated += counts.updated
        self.unchanged += counts.unchanged

    def counts(self) -> dict[str, int]:
        """The counts the runs table stores."""
        return {"fetched": self.fetched, "inserted": self.inserted, "updated": self.updated,
                "unchanged": self.unchanged, "deleted": self.deleted}

    def summary(self) -> str:
        """One line for people."""
        window = f" window {self.window[0]}..{self.window[1]}" if self.window else ""
        rejected = f", rejected {len(self.rejected)}" if self.rejected else ""
        return (f"{self.name}: fetched {self.fetched}, inserted {self.inserted}, updated "
                f"{self.updated}, deleted {self.deleted}, unchanged {self.unchanged}"
                f"{rejected} [{self.status}]{window}")

    def rejections(self) -> str | None:
        """The rejected records in one message (the first three named), or ``None``."""
        if not self.rejected:
            return None
        shown = "; ".join(self.rejected[:3]) + ("; ..." if len(self.rejected) > 3 else "")
        return f"{len(self.rejected)} record(s) rejected, the other records were stored: {shown}"


# ----------------------------------------------------------------------------- queries

def user_queries_file() -> Path:
    """Where ``--save-query`` writes: ``$MSCGRAPH_QUERIES_FILE`` or
    ``$XDG_CONFIG_HOME/mscgraph/queries.toml`` (default ``~/.config``)."""
    if os.environ.get("MSCGRAPH_QUERIES_FILE"):
        return Path(os.environ["MSCGRAPH_QUERIES_FILE"]).expanduser()
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "mscgraph" / "queries.toml"


def _read_queries(path: Path) -> dict[str, NamedQuery]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"cannot read queries file {path}: {e.strerror}") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"queries file {path} is not valid TOML: {e}") from e
    table = data.get("queries", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [queries] must be a table of [queries.NAME] tables")
    out: dict[str, NamedQuery] = {}
    for name, body in table.items():
        if not isinstance(body, dict) or not isinstance(body.get("term"), str):
            raise ConfigError(f"{path}: [queries.{name}] needs term = \"...\"")
        out[name] = NamedQuery(name, " ".join(body["term"].split()),
                               str(body.get("description", "")).strip())
    return out


def load_queries(path: str | os.PathLike | None = None) -> dict[str, NamedQuery]:
    """Named queries by name.

    ``path=None`` reads ``corpora/queries.toml`` and then the user file
    (:func:`user_queries_file`, if present), whose entries win. The format::

        [queries.NAME]
        description = "what it finds"
        term = '''PubMed search'''

    >>> "msc_liver" in load_queries()
    True
    """
    if path is not None:
        return _read_queries(Path(path))
    queries = _read_queries(DEFAULT_QUERIES_FILE) if DEFAULT_QUERIES_FILE.is_file() else {}
    user = user_queries_file()
    if user.is_file():
        queries.update(_read_queries(user))
    return queries


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def save_query(query: NamedQuery, path: str | os.PathLike | None = None) -> Path:
    """Add or replace ``query`` in a queries file (default :func:`user_queries_file`)."""
    target = Path(path) if path is not None else user_queries_file()
    queries = _read_queries(target) if target.is_file() else {}
    queries[query.name] = query
    lines = ["# mscgraph named queries (written by 'mscgraph ingest --save-query')", ""]
    for q in queries.values():
        key = q.name if "." not in q.name else _toml_string(q.name)  # a dot would nest tables
        lines += [f"[queries.{key}]", f"description = {_toml_string(q.description)}",
                  f"term = {_toml_string(q.term)}", ""]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


# ----------------------------------------------------------------------------- runs

@contextlib.contextmanager
def _recorded_run(store: Store, report: IngestReport, term: str) -> Iterator[None]:
    """Record the run in the store: ``running`` now, then success/failed/interrupted."""
    t0 = time.monotonic()
    window = report.window or (None, None)
    abandoned = store.close_abandoned_runs()   # the caller holds the ingest lock
    if abandoned:
        log.warning("marked %d earlier run(s) left 'running' by a killed process as "
                    "interrupted", abandoned)
    report.run_id = store.start_run(report.name, term, window[0], window[1])
    try:
        yield
    except BaseException as exc:
        report.status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        report.seconds = time.monotonic() - t0
        store.finish_run(report.run_id, report.status, error=f"{type(exc).__name__}: {exc}",
                         **report.counts())
        log.error("ingest run %d (%s) %s after %.1fs: %s", report.run_id, report.name,
                  report.status, report.seconds, exc)
        raise
    report.seconds = time.monotonic() - t0
    error = None if report.status == "success" else "stopped early (--max-records)"
    if report.rejected:
        error = "; ".join(filter(None, (error, report.rejections())))
    store.finish_run(report.run_id, report.status, error=error, **report.counts())


def _store_records(store: Store, report: IngestReport, records: Iterable[object], *,
                   source: str, batch_size: int, received: set[str] | None = None) -> int:
    """Upsert articles and apply deletions in document order; returns articles seen.

    Articles are flushed before each deletion and in batches, so a parse error later in the
    stream leaves every earlier record stored; the run's counts are written with each flush,
    so a run killed midway still shows what it stored. A record the store cannot hold is
    rejected alone (``report.rejected``). PMIDs of stored and rejected records are added to
    ``received``.
    """
    pending: list[tuple[Article, str | None]] = []
    seen = 0
    received = set() if received is None else received

    def flush() -> None:
        if pending:
            report.add(store.upsert_articles(pending, batch_size=batch_size))
            pending.clear()
            if report.run_id is not None:
                store.update_run_counts(report.run_id, **report.counts())

    try:
        for rec in records:
            if isinstance(rec, ParsedArticle):
                seen += 1
                received.add(rec.article.pmid)
                problem = check_article(rec.article)
                if problem:
                    report.rejected.append(f"{source}: {problem}")
                    continue
                pending.append((rec.article, rec.raw_xml))
                report.fetched += 1
                if len(pending) >= batch_size:
                    flush()
            elif isinstance(rec, RejectedRecord):
                seen += 1
                received.add(rec.pmid)
                report.rejected.append(rec.reason)
            elif isinstance(rec, DeletedCitation):
                flush()
                report.deleted += store.delete_articles(rec.pmids, source=source)
    except ParseError:
        flush()  # keep every complete record read before the fault
        raise
    flush()
    return seen


# ----------------------------------------------------------------------------- queries → store

def _parse_day(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value[:10])
    except ValueError as e:
        raise ConfigError(f"bad date {value!r}; use YYYY-MM-DD") from e


def _fetch_window(client: EutilsClient, window: SearchWindow, new: Sequence[str],
                  batch_size: int) -> Iterator[bytes]:
    """EFetch bodies for ``new`` ids of ``window``: by history when they are all of it."""
    res = window.result
    if res.webenv and res.query_key and len(new) == len(res.ids) == res.count:
        for start in range(0, len(new), batch_size):
            yield client.efetch(webenv=res.webenv, query_key=res.query_key, retstart=start,
                                retmax=batch_size)
    else:
        for start in range(0, len(new), batch_size):
            yield client.efetch(ids=new[start:start + batch_size])


def _fetch_all(client: EutilsClient, store: Store, report: IngestReport, window: SearchWindow,
               new: Sequence[str], batch: int, name: str, bar: Progress) -> list[str]:
    """Fetch and store ``new`` ids of ``window``; returns those EFetch never returned.

    Ids missing from the answers are asked for once more, by id, before they count as missing.
    """
    received: set[str] = set()
    for body in _fetch_window(client, window, new, batch):
        bar.advance(_store_records(store, report, parse_pubmed_xml(body),
                                   source=f"efetch:{name}", batch_size=batch, received=received))
    lost = [i for i in new if i not in received]
    if lost:
        log.warning("EFetch returned %d of %d records asked for; asking again for the %d "
                    "missing by id", len(new) - len(lost), len(new), len(lost))
        for begin in range(0, len(lost), batch):
            body = client.efetch(ids=lost[begin:begin + batch])
            bar.advance(_store_records(store, report, parse_pubmed_xml(body),
                                       source=f"efetch:{name}", batch_size=batch,
                                       received=received))
    return [i for i in lost if i not in received]


def _check_complete(unsearched: int, missing: Sequence[str], asked: int) -> None:
    """Raise :class:`FetchError` when ESearch or EFetch held records back."""
    if not unsearched and not missing:
        return
    parts = []
    if unsearched:
        parts.append(f"ESearch listed {unsearched} fewer ids than it counted")
    if missing:
        sample = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        parts.append(f"EFetch did not return {len(missing)} of {asked} records asked for, "
                     f"even when asked again by id (PMIDs {sample})")
    raise FetchError(f"{' and '.join(parts)}; the records received were stored but the "
                     "watermark was not moved: rerun later to fetch the rest")


def ingest_query(store: Store, client: EutilsClient, query: NamedQuery, *, full: bool = False,
                 since: date | str | None = None, until: date | str | None = None,
                 progress: bool = False, batch_size: int | None = None,
                 max_records: int | None = None) -> IngestReport:
    """Search PubMed for ``query`` and store new and revised records.

    Parameters
    ----------
    store, client
        Where records go and how they are fetched.
    query
        The named query; its name keys the watermark and the runs.
    full
        Ignore the watermark: search all records by entry date up to ``until``.
    since
        Start of the window (overrides the watermark); records entered or revised since.
    until
        End of the window (default today); the watermark moves here on success.
    batch_size
        Records per EFetch (default ``client.settings.batch_size``).
    max_records
        Stop after this many records (testing); the run is then ``interrupted`` and the
        watermark is not advanced.

    Returns
    -------
    IngestReport

    Raises
    ------
    FetchError, ParseError, StoreError
        The run is recorded as failed and the watermark left alone; rerun to resume. Also
        when ESearch listed fewer ids than it counted or EFetch held records back (after
        asking again by id); what came is stored first. Records the store cannot hold are
        not an error: they are left out, logged, and named in the run's ``error`` (the run
        succeeds, so one damaged record cannot hold the watermark back for good).
    """
    end = _parse_day(until) or date.today()
    start = _parse_day(since)
    mark = store.get_watermark(query.name)
    mark_day = _parse_day(mark)
    if start is None and not full and mark_day is not None:
        start = mark_day - timedelta(days=1)
    datetypes: tuple[str, ...] = ("edat", "mdat") if start is not None else ("edat",)
    start = start or EARLIEST_DATE
    if start > end:
        raise ConfigError(f"window start {start} is after its end {end}; check --since/--until")
    batch = batch_size or client.settings.batch_size
    report = IngestReport(query.name, window=(start.isoformat(), end.isoformat()))
    log.info("ingest %s: %s..%s by %s", query.name, start, end, "+".join(datetypes))
    with store.lock(LOCK_NAME), _recorded_run(store, report, query.term), \
            Progress(f"fetching {query.name}", enabled=progress, transient=True) as bar:
        fetched: set[str] = set()
        unsearched = 0  # ids ESearch counted but never listed
        missing: list[str] = []  # ids asked for that EFetch never returned
        for datetype in datetypes:
            for window in client.search_windows(query.term, start, end, datetype=datetype):
                unsearched += window.shortfall
                new = [i for i in window.result.ids if i not in fetched]
                if max_records is not None:
                    new = new[:max(0, max_records - len(fetched))]
                if not new:
                    continue
                bar.grow(len(new))
                missing += _fetch_all(client, store, report, window, new, batch, query.name,
                                      bar)
                fetched.update(new)
                if max_records is not None and len(fetched) >= max_records:
                    report.status = "interrupted"
                    break
            if report.status != "success":
                break
        _check_complete(unsearched, missing, len(fetched))
        if report.rejected:  # damaged at NCBI: failing would block every later night
            log.warning("%s: %s", query.name, report.rejections())
    if report.status == "success":
        covered = mark_day is None or start <= mark_day
        if covered and (mark_day is None or end > mark_day):
            store.set_watermark(query.name, end.isoformat())
            report.watermark = end.isoformat()
        else:
            report.watermark = mark
            if not covered:
                log.warning("window starts after the watermark %s; watermark not moved", mark)
    else:
        report.watermark = mark
        log.warning("%s stopped after %d records (--max-records); watermark not moved",
                    query.name, report.fetched)
    return report


# ----------------------------------------------------------------------------- files → store

def ingest_xml_files(store: Store, paths: Sequence[str | os.PathLike], *,
                     progress: bool = False, name: str = "xml",
                     batch_size: int = 500) -> IngestReport:
    """Stream PubMed XML files into the store, applying ``<DeleteCitation>`` blocks.

    Records are stored as they stream, so malformed XML late in a file keeps everything
    before it; the run is then recorded as failed and :class:`ParseError` re-raised.

    Raises
    ------
    ParseError
        A file is missing or malformed (the message names file and line), or records were
        rejected (raised after storing every other record; the run is recorded as failed).
    """
    files = [Path(p) for p in paths]
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise ParseError(f"no such PubMed XML file: {', '.join(missing)}; pass existing "
                         "PubMed XML files (.xml or .xml.gz)")
    report = IngestReport(name, files=[str(p) for p in files])
    term = ", ".join(p.name for p in files)[:1000]
    with store.lock(LOCK_NAME), _recorded_run(store, report, term), \
            Progress(f"loading {len(files)} file(s)", enabled=progress, transient=True) as bar:
        bar.grow(len(files))
        for path in files:
            n = _store_records(store, report, parse_pubmed_xml(path), source=path.name,
                               batch_size=batch_size)
            log.info("%s: %d records", path, n)
            bar.advance(1)
        if report.rejected:  # a file a person can mend: the run fails, naming the records
            raise ParseError(report.rejections())
    return report


def ingest_demo(store: Store, *, progress: bool = False) -> IngestReport:
    """Load the demo corpus ``corpora/demo/*.xml`` (and ``*.xml.gz``)."""
    paths = sorted([*DEMO_DIR.glob("*.xml"), *DEMO_DIR.glob("*.xml.gz")])
    if not paths:
        raise PipelineError(f"no demo corpus in {DEMO_DIR}; expected PubMed XML files there")
    return ingest_xml_files(store, paths, progress=progress, name="demo")
