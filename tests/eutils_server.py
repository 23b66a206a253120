"""A local E-utilities replay server for tests: ESearch + EFetch over synthetic PubMed records.

Runs a threaded :mod:`http.server` on ``127.0.0.1`` (port 0) and answers
``esearch.fcgi`` and ``efetch.fcgi`` under ``/entrez/eutils/`` the way NCBI does, closely
enough for the client: ``usehistory``/``WebEnv``/``query_key``, ``retstart``/``retmax``,
``mindate``/``maxdate``/``datetype`` (``edat``, ``mdat``, ``pdat``), ``id`` lists by GET or POST.
Like NCBI, no more than :attr:`EutilsReplayServer.cap` (9,999) ids of one search can be
retrieved, so only date-window splitting gets all records of a large search.

Records are generated from templates (``synthetic_article``): every title and abstract is text
written for these tests. Faults are injected per test with :meth:`EutilsReplayServer.inject`.

Example
-------
>>> with EutilsReplayServer.running(make_records(3)) as srv:
...     srv.base_url.startswith("http://127.0.0.1:")
True
"""
from __future__ import annotations

import contextlib
import datetime as dt
import html
import itertools
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

__all__ = ["Record", "Fault", "Hit", "EutilsReplayServer", "make_records", "synthetic_article",
           "article_set"]

_TOPICS = ("bone marrow stromal cells", "umbilical cord MSCs", "adipose-derived stromal cells",
           "MSC-derived exosomes", "Wharton's jelly cells")
_MODELS = ("carbon tetrachloride fibrosis in mice", "acute liver failure in rats",
           "decompensated cirrhosis in patients", "a thioacetamide injury model",
           "concanavalin A hepatitis in mice")
_EFFECTS = ("lowered serum ALT", "reduced collagen deposition", "raised hepatocyte growth factor",
            "dampened TNF-alpha release", "improved survival")


@dataclass
class Record:
    """One synthetic PubMed record: ids, dates and a version that revisions bump."""

    pmid: str
    edat: dt.date
    mdat: dt.date
    version: int = 1
    title_suffix: str = ""


@dataclass
class Fault:
    """A fault to inject: ``kind`` in ``429 500 503 404 400 slow truncate cut error backend
    short-count short-fetch redirect trickle``.

    ``truncate`` sends a complete HTTP response holding cut XML; ``cut`` announces the whole
    body but closes the connection midway; ``error``/``backend`` answer HTTP 200 with an
    ``<ERROR>`` document (wrong root / NCBI's transient backend message). ``short-count`` is a
    well-formed ESearch answer whose ``<IdList>`` holds half the ids its ``<Count>`` promises;
    ``short-fetch`` a well-formed EFetch answer holding every other record asked for.
    ``redirect`` answers 302 to ``target`` + the request's path and query (another host);
    ``trickle`` announces a large body and sends one byte every ``delay`` seconds.

    ``endpoint`` is ``esearch``, ``efetch`` or ``any``; the first ``skip`` matching requests pass,
    then ``times`` requests fail (``None``: forever). ``retry_after`` is sent with 429/503.
    """

    kind: str
    endpoint: str = "any"
    times: int | None = 1
    skip: int = 0
    retry_after: str | None = None
    delay: float = 1.0
    target: str = ""
    seen: int = 0
    fired: int = 0


@dataclass(frozen=True)
class Hit:
    """One request the server received (for assertions on rate, params, secrets)."""

    time: float
    method: str
    endpoint: str
    params: dict[str, str]
    raw: str


def synthetic_article(rec: Record) -> str:
    """``<PubmedArticle>`` XML for ``rec``; the text is built from this module's templates."""
    n = int(rec.pmid)
    topic, model, effect = (_TOPICS[n % 5], _MODELS[(n // 5) % 5], _EFFECTS[(n // 25) % 5])
    title = f"Synthetic study {rec.pmid}: {topic} in {model}{rec.title_suffix}"
    abstract = (f"We gave {topic} to animals with {model}. Treatment {effect} compared with "
                f"vehicle. Record {rec.pmid} is generated test data, version {rec.version}.")
    e, m = rec.edat, rec.mdat
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
        f'<PMID Version="{rec.version}">{rec.pmid}</PMID>'
        f"<DateRevised><Year>{m.year}</Year><Month>{m.month:02d}</Month>"
        f"<Day>{m.day:02d}</Day></DateRevised>"
        f'<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Internet"><PubDate>'
        f"<Year>{e.year}</Year><Month>{e.month:02d}</Month></PubDate></JournalIssue>"
        f"<Title>Journal of Synthetic Hepatology</Title></Journal>"
        f"<ArticleTitle>{html.escape(title)}</ArticleTitle>"
        f"<Abstract><AbstractText>{html.escape(abstract)}</AbstractText></Abstract>"
        f"<Language>eng</Language><PublicationTypeList>"
        f'<PublicationType UI="D016428">Journal Article</PublicationType>'
        f"</PublicationTypeList></Article></MedlineCitation>"
        f'<PubmedData><History><PubMedPubDate PubStatus="entrez"><Year>{e.year}</Year>'
        f"<Month>{e.month}</Month><Day>{e.day}</Day></PubMedPubDate></History>"
        f'<PublicationStatus>ppublish</PublicationStatus><ArticleIdList>'
        f'<ArticleId IdType="pubmed">{rec.pmid}</ArticleId></ArticleIdList></PubmedData>'
        f"</PubmedArticle>"
    )


def article_set(records: list[Record], deleted: tuple[str, ...] = ()) -> str:
    """A complete ``<PubmedArticleSet>`` document (with ``<DeleteCitation>`` if ``deleted``)."""
    parts = ['<?xml version="1.0" ?>\n<PubmedArticleSet>\n']
    parts.extend(synthetic_article(r) + "\n" for r in records)
    if deleted:
        parts.append("<DeleteCitation>")
        parts.extend(f'<PMID Version="1">{p}</PMID>' for p in deleted)
        parts.append("</DeleteCitation>\n")
    parts.append("</PubmedArticleSet>\n")
    return "".join(parts)


def make_records(n: int, *, start_pmid: int = 30_000_001, first_day: dt.date = dt.date(2020, 1, 1),
                 per_day: int = 100) -> list[Record]:
    """``n`` records, ``per_day`` entered per day from ``first_day`` (mdat = edat)."""
    out = []
    for i in range(n):
        day = first_day + dt.timedelta(days=i // per_day)
        out.append(Record(pmid=str(start_pmid + i), edat=day, mdat=day))
    return out


def _parse_date(text: str, *, end: bool) -> dt.date:
    parts = [int(p) for p in text.replace("-", "/").split("/") if p]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31) if end else dt.date(parts[0], 1, 1)
    if len(parts) == 2:
        if end:
            nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(parts[0], parts[1], 1)
    return dt.date(*parts[:3])


class EutilsReplayServer:
    """Threaded local E-utilities server over a mutable list of :class:`Record`.

    Attributes
    ----------
    records
        ``pmid -> Record``; edit with :meth:`revise` / :meth:`add`.
    terms
        Optional ``term -> set of pmids``; a term not listed matches every record.
    hits
        Every request received, in order.
    cap
        Most ids of one search that ESearch/EFetch-with-history hand out (NCBI: 9,999).
    """

    def __init__(self, records: list[Record] | None = None, *, cap: int = 9999,
                 port: int = 0) -> None:
        self.records: dict[str, Record] = {r.pmid: r for r in records or ()}
        self.terms: dict[str, set[str]] = {}
        self.hits: list[Hit] = []
        self.faults: list[Fault] = []
        self.cap = cap
        self.port = port
        self._history: dict[tuple[str, str], list[str]] = {}
        self._webenv_ids = itertools.count(1)
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> "EutilsReplayServer":
        handler = type("Handler", (_Handler,), {"replay": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True,
                                        name="eutils-replay")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @classmethod
    @contextlib.contextmanager
    def running(cls, records: list[Record] | None = None, **kw: object
                ) -> Iterator["EutilsReplayServer"]:
        srv = cls(records, **kw).start()  # type: ignore[arg-type]
        try:
            yield srv
        finally:
            srv.stop()

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/entrez/eutils/"

    # -- test controls ----------------------------------------------------------------------
    def inject(self, kind: str, endpoint: str = "any", *, times: int | None = 1, skip: int = 0,
               retry_after: str | None = None, delay: float = 1.0, target: str = "") -> Fault:
        """Add a fault (see :class:`Fault`); returns it so tests can read ``fired``."""
        fault = Fault(kind, endpoint, times, skip, retry_after, delay, target)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def add(self, records: list[Record]) -> None:
        with self._lock:
            self.records.update((r.pmid, r) for r in records)

    def revise(self, pmid: str, mdat: dt.date, *, suffix: str = " (revised)") -> None:
        """Simulate a revision: new modification date and title, version unchanged."""
        with self._lock:
            rec = self.records[pmid]
            rec.mdat, rec.title_suffix = mdat, suffix

    def hits_for(self, endpoint: str) -> list[Hit]:
        return [h for h in self.hits if h.endpoint == endpoint]

    # -- E-utilities --------------------------------------------------------------------------
    def _take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            for f in self.faults:
                if f.endpoint not in ("any", endpoint):
                    continue
                f.seen += 1
                if f.seen <= f.skip or (f.times is not None and f.fired >= f.times):
                    continue
                f.fired += 1
                return f
        return None

    def _matching(self, p: dict[str, str]) -> list[str]:
        term = p.get("term", "")
        with self._lock:
            pool = [self.records[i] for i in self.terms[term]] if term in self.terms \
                else list(self.records.values())
        if p.get("mindate") and p.get("maxdate"):
            lo = _parse_date(p["mindate"], end=False)
            hi = _parse_date(p["maxdate"], end=True)
            attr = "mdat" if p.get("datetype") == "mdat" else "edat"
            pool = [r for r in pool if lo <= getattr(r, attr) <= hi]
        return sorted((r.pmid for r in pool), key=int, reverse=True)

    def esearch(self, p: dict[str, str], *, short: bool = False) -> tuple[int, str]:
        if not p.get("term"):
            return 200, "<eSearchResult><ERROR>Empty term and query_key - nothing todo</ERROR>" \
                        "</eSearchResult>"
        ids = self._matching(p)
        retstart, retmax = int(p.get("retstart", 0)), int(p.get("retmax", 20))
        if retstart > self.cap - 1:
            return 200, ("<eSearchResult><ERROR>Search Backend failed: retstart cannot be "
                         f"larger than {self.cap - 1}</ERROR></eSearchResult>")
        page = ids[retstart:min(retstart + retmax, self.cap)]
        if short:
            page = page[: len(page) // 2]
        history = ""
        if p.get("usehistory") == "y":
            webenv = f"MCID_test{next(self._webenv_ids):06d}"
            with self._lock:
                self._history[(webenv, "1")] = ids
            history = f"<QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv>"
        id_xml = "".join(f"<Id>{i}</Id>\n" for i in page)
        return 200, (f'<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult>'
                     f"<Count>{len(ids)}</Count><RetMax>{len(page)}</RetMax>"
                     f"<RetStart>{retstart}</RetStart>{history}<IdList>\n{id_xml}</IdList>"
                     f"<TranslationSet/><QueryTranslation>{html.escape(p['term'])}"
                     f"</QueryTranslation></eSearchResult>\n")

    def efetch(self, p: dict[str, str], *, short: bool = False) -> tuple[int, str]:
        if p.get("id"):
            ids = [i.strip() for i in p["id"].split(",") if i.strip()]
        elif p.get("WebEnv") and p.get("query_key"):
            with self._lock:
                hist = self._history.get((p["WebEnv"], p["query_key"]))
            if hist is None:
                return 400, "Unknown WebEnv or query_key"
            start, n = int(p.get("retstart", 0)), int(p.get("retmax", 20))
            if start >= self.cap:
                return 400, f"Cannot retrieve records beyond {self.cap} of a search"
            ids = hist[start:min(start + n, self.cap)]
        else:
            return 400, "Missing id or WebEnv/query_key"
        with self._lock:
            recs = [self.records[i] for i in ids if i in self.records]
        return 200, article_set(recs[::2] if short else recs)


class _Handler(BaseHTTPRequestHandler):
    replay: EutilsReplayServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:
        self._serve(urllib.parse.urlsplit(self.path).query)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self._serve(self.rfile.read(length).decode("ascii"))

    def _serve(self, raw: str) -> None:
        srv = self.replay
        path = urllib.parse.urlsplit(self.path).path
        endpoint = path.rsplit("/", 1)[-1].replace(".fcgi", "")
        params = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
        with srv._lock:
            srv.hits.append(Hit(time.monotonic(), self.command, endpoint, params,
                                self.path + ("?" + raw if self.command == "POST" else "")))
        if not path.startswith("/entrez/eutils/") or endpoint not in ("esearch", "efetch"):
            return self._send(404, "Not Found")
        fault = srv._take_fault(endpoint)
        short = fault is not None and fault.kind in ("short-count", "short-fetch")
        status, body = (srv.esearch if endpoint == "esearch" else srv.efetch)(params,
                                                                               short=short)
        if fault is not None and not short:
            if fault.kind == "redirect":
                return self._send(302, "moved", {"Location": fault.target.rstrip("/")
                                                 + self.path})
            if fault.kind == "trickle":
                return self._trickle(fault.delay)
            if fault.kind == "slow":
                time.sleep(fault.delay)
            elif fault.kind == "truncate":
                body = body[: max(len(body) * 2 // 3, 10)]
            elif fault.kind == "error":
                status, body = 200, "<eFetchResult><ERROR>Temporary problem</ERROR></eFetchResult>"
            elif fault.kind == "backend":
                status, body = 200, ("<eSearchResult><ERROR>Search Backend failed: "
                                     "connection reset</ERROR></eSearchResult>")
            elif fault.kind == "cut":
                return self._send(200, body, cut=True)
            else:
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return self._send(int(fault.kind), f"injected {fault.kind}", headers)
        self._send(status, body)

    def _trickle(self, every: float) -> None:
        """Headers promising 1 MB, then one byte every ``every`` s until the client leaves."""
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=UTF-8")
            self.send_header("Content-Length", str(1 << 20))
            self.end_headers()
            self.wfile.write(b"<")
            for _ in range(600):
                time.sleep(every)
                self.wfile.write(b" ")
                self.wfile.flush()
        except OSError:  # the client gave up
            pass
        self.close_connection = True

    def _send(self, status: int, body: str, headers: dict[str, str] | None = None, *,
              cut: bool = False) -> None:
        data = body.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/xml; charset=UTF-8" if status == 200
                             else "text/plain")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data[: len(data) // 2] if cut else data)
            if cut:
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):  # client gave up (slow fault)
            pass


def main(argv: list[str] | None = None) -> None:
    """Serve synthetic records on 127.0.0.1 until interrupted (for trying ``mscgraph ingest``).

    ``python tests/eutils_server.py --records 500 --port 8000``, then
    ``MSCGRAPH_EUTILS_URL=http://127.0.0.1:8000/entrez/eutils/ mscgraph ingest``.
    """
    import argparse
    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--records", type=int, default=500, help="synthetic records to serve")
    ap.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free)")
    args = ap.parse_args(argv)
    srv = EutilsReplayServer(make_records(args.records), port=args.port).start()
    print(f"serving {args.records} synthetic records at {srv.base_url} (Ctrl-C stops)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
