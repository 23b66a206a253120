"""NCBI E-utilities client: ESearch and EFetch for PubMed through one network chokepoint.

Every request goes through :meth:`EutilsClient._request`, which

* waits for the client's :class:`RateLimiter` (NCBI allows 3 requests/s, 10 with an API key);
* sends ``tool``, ``email`` and (when set) ``api_key``; long id lists go by POST;
* retries HTTP 429 and 5xx, timeouts, connection errors and truncated or invalid XML bodies
  with exponential backoff (``settings.backoff * 2**attempt``), honouring ``Retry-After``;
* raises :class:`~pipeline.errors.FetchError` at once for any other 4xx, and after
  ``settings.max_tries`` failed attempts otherwise.

The API key never appears in log messages, exceptions or anything this module returns: URLs
shown to people are shortened and go through :func:`redact`. Credentials go only where they
were configured to go: a redirect to another host (or from https to http) is refused, and a
plain ``http://`` base URL with an API key is refused unless it is a loopback test server.

Each attempt has an overall deadline (``settings.deadline``): a server that trickles its answer
byte by byte is cut off then, however short each wait between bytes (the transport, with the
redirect rule, is :mod:`pipeline.transport`). A connection refused (or
an unknown host) at a base URL other than NCBI's fails at once, pointing at
``MSCGRAPH_EUTILS_URL``.

ESearch caps retrievable ids at 9,999 per search. :meth:`EutilsClient.search_windows` halves the
``[mindate, maxdate]`` window (on ``datetype``) until each window holds at most that many hits,
so large result sets are not silently cut.

Not supported: databases other than PubMed for EFetch parsing checks (any ``db`` may be passed,
but the body check expects ``<PubmedArticleSet>``), JSON output, ELink/ESummary.

Example
-------
>>> r = parse_esearch(b"<eSearchResult><Count>2</Count><RetMax>2</RetMax><RetStart>0</RetStart>"
...                   b"<IdList><Id>11</Id><Id>12</Id></IdList></eSearchResult>")
>>> r.count, r.ids
(2, ('11', '12'))
>>> redact("https://x/esearch.fcgi?term=a&api_key=SECRET&tool=t", "SECRET")
'https://x/esearch.fcgi?term=a&api_key=***&tool=t'
"""
from __future__ import annotations

import email.utils
import http.client
import logging
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterator, Mapping, Sequence
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .config import DEFAULT_EUTILS_URL, Settings
from .errors import ConfigError, FetchError, ParseError
from .transport import DeadlineExceeded, fetch, is_loopback_url, origin, shorten

__all__ = [
    "ESEARCH_CAP",
    "SearchResult",
    "SearchWindow",
    "RateLimiter",
    "EutilsClient",
    "parse_esearch",
    "format_date",
    "redact",
]

log = logging.getLogger(__name__)

#: ESearch/EFetch-with-history cannot page past this many records of one search.
ESEARCH_CAP = 9999
#: Longest ``Retry-After`` we honour (seconds); longer values are clipped.
MAX_RETRY_AFTER = 120.0
#: Id lists longer than this go by POST (NCBI's advice: > 200 UIDs).
POST_THRESHOLD = 200
#: Earliest date a full (non-incremental) search starts from.
EARLIEST_DATE = date(1800, 1, 1)

_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
#: ``<ERROR>`` texts NCBI sends with HTTP 200 when its backend hiccups (worth a retry).
_TRANSIENT_ERROR = re.compile(r"backend failed|temporar|try again|timed? ?out|unavailable",
                              re.IGNORECASE)


@dataclass(frozen=True)
class SearchResult:
    """One ESearch answer: total ``count``, history handle, and the ids returned.

    ``ids`` holds at most ``retmax`` ids starting at ``retstart``; ``webenv`` and ``query_key``
    are empty unless ``usehistory`` was requested.
    """

    count: int
    webenv: str = ""
    query_key: str = ""
    ids: tuple[str, ...] = ()
    retstart: int = 0
    query_translation: str = ""


@dataclass(frozen=True)
class SearchWindow:
    """A date window of a search small enough to retrieve whole (``count <= ESEARCH_CAP``)."""

    mindate: date
    maxdate: date
    datetype: str
    result: SearchResult

    @property
    def complete(self) -> bool:
        """False when even a single day holds more than :data:`ESEARCH_CAP` hits."""
        return self.result.count <= ESEARCH_CAP

    @property
    def shortfall(self) -> int:
        """Ids ESearch counted (up to its cap) but did not return: 0 for a whole answer."""
        return max(0, min(self.result.count, ESEARCH_CAP) - len(set(self.result.ids)))


def format_date(d: date) -> str:
    """E-utilities date format.

    >>> format_date(date(2024, 3, 9))
    '2024/03/09'
    """
    return d.strftime("%Y/%m/%d")


def redact(text: str, secret: str) -> str:
    """Replace ``secret`` (the API key) in ``text`` by ``***``; no-op when ``secret`` is empty."""
    return text.replace(secret, "***") if secret else text


def _parse_xml(body: bytes) -> Element:
    """Parse ``body`` safely (no entity expansion, no external resources)."""
    return SafeET.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)


def parse_esearch(body: bytes) -> SearchResult:
    """Parse an ``<eSearchResult>`` document.

    Raises
    ------
    ParseError
        The body is not XML or not an ESearch result.
    FetchError
        NCBI answered with an ``<ERROR>`` (an invalid query, for instance).
    """
    try:
        root = _parse_xml(body)
    except (XMLSyntaxError, DefusedXmlException) as exc:
        raise ParseError(f"ESearch answer is not well-formed XML: {exc}") from exc
    if root.tag != "eSearchResult":
        raise ParseError(f"expected <eSearchResult>, got <{root.tag}>; check that "
                         "MSCGRAPH_EUTILS_URL points at E-utilities")
    error = root.findtext("ERROR")
    if error:
        raise FetchError(f"ESearch rejected the search: {error.strip()}; check the query term",
                         transient=False)
    count_text = root.findtext("Count")
    if count_text is None:
        raise ParseError("ESearch answer has no <Count>; check that MSCGRAPH_EUTILS_URL "
                         "points at E-utilities")
    return SearchResult(
        count=int(count_text),
        webenv=(root.findtext("WebEnv") or "").strip(),
        query_key=(root.findtext("QueryKey") or "").strip(),
        ids=tuple((e.text or "").strip() for e in root.iterfind("IdList/Id")),
        retstart=int(root.findtext("RetStart") or 0),
        query_translation=(root.findtext("QueryTranslation") or "").strip(),
    )


class RateLimiter:
    """Space calls at least ``1/rate`` seconds apart (thread-safe).

    >>> RateLimiter(4.0).interval
    0.25
    """

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be > 0 requests/s, got {rate}")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        """Block until the next call is allowed, then reserve its slot."""
        with self._lock:
            now = self._clock()
            delay = self._next - now
            if delay > 0:
                self._sleep(delay)
                now = self._clock()
            self._next = max(now, self._next) + self.interval


class _Retryable(Exception):
    """Internal: an attempt failed in a way worth retrying."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds, fractional allowed, or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class EutilsClient:
    """PubMed E-utilities client bound to one :class:`~pipeline.config.Settings`.

    Parameters
    ----------
    settings
        Base URL (``eutils_url``), ``email``, ``api_key``, ``tool``, ``timeout`` (per wait),
        ``deadline`` (per attempt), ``max_tries`` and ``backoff`` are read from here.
    rate
        Requests per second; default ``settings.requests_per_second`` (3, or 10 with a key).
        Never set it above NCBI's limit against the real service.
    sleep
        Injected for tests.

    Raises
    ------
    ConfigError
        An API key with a plain ``http://`` base URL that is not on this machine.

    Examples
    --------
    >>> c = EutilsClient(Settings(email="a@b.org", eutils_url="http://127.0.0.1:9/entrez/eutils/"))
    >>> c.limiter.interval > 0.3
    True
    """

    def __init__(self, settings: Settings, *, rate: float | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self.limiter = RateLimiter(rate or settings.requests_per_second, sleep=sleep)
        self.requests_made = 0
        if (settings.api_key and settings.eutils_url.startswith("http://")
                and not is_loopback_url(settings.eutils_url)):
            raise ConfigError(
                f"MSCGRAPH_EUTILS_URL {shorten(origin(settings.eutils_url))} is plain http://, "
                "so the API key would cross the network readable by anyone on the way; use "
                "https:// (plain http is allowed only for servers on this machine)")
        if not settings.email:
            log.warning("no contact e-mail set; NCBI asks for one: set NCBI_EMAIL or --email")

    # -- the chokepoint -------------------------------------------------------------------
    def _request(self, endpoint: str, params: Mapping[str, object], *,
                 expect_root: str) -> bytes:
        """GET (or POST for long id lists) ``endpoint`` and return a checked XML body.

        Raises
        ------
        FetchError
            A non-retryable 4xx at once, or the last error after ``max_tries`` attempts.
        """
        s = self.settings
        query: dict[str, str] = {k: str(v) for k, v in params.items() if v is not None}
        query["tool"] = s.tool
        if s.email:
            query["email"] = s.email
        if s.api_key:
            query["api_key"] = s.api_key
        url = s.eutils_url + endpoint
        encoded = urllib.parse.urlencode(query)
        use_post = query.get("id", "").count(",") >= POST_THRESHOLD
        shown = self._describe(endpoint, query)
        last: str = ""
        for attempt in range(s.max_tries):
            self.limiter.wait()
            self.requests_made += 1
            log.debug("%s %s (attempt %d/%d)", "POST" if use_post else "GET", shown,
                      attempt + 1, s.max_tries)
            try:
                return self._attempt(url, encoded, use_post, expect_root, shown)
            except _Retryable as exc:
                last = redact(str(exc), s.api_key)
                if attempt + 1 >= s.max_tries:
                    break
                delay = s.backoff * (2 ** attempt)
                if exc.retry_after is not None:
                    delay = max(delay, exc.retry_after)
                log.warning("%s failed (%s); retry %d/%d in %.2fs", shown, last, attempt + 1,
                            s.max_tries - 1, delay)
                self._sleep(delay)
        where = ("NCBI may be down or rate-limiting" if s.eutils_url == DEFAULT_EUTILS_URL
                 else f"The server at {shorten(origin(s.eutils_url))} may be down or too "
                      "slow: check MSCGRAPH_EUTILS_URL")
        raise FetchError(f"{shown} failed after {s.max_tries} attempts: {last}. {where}; "
                         "rerun later (ingestion resumes where it stopped)")

    def _attempt(self, url: str, encoded: str, use_post: bool, expect_root: str,
                 shown: str) -> bytes:
        """One HTTP exchange; raises :class:`_Retryable` or :class:`FetchError`."""
        if use_post:
            req = urllib.request.Request(url, data=encoded.encode("ascii"), method="POST")
        else:
            req = urllib.request.Request(f"{url}?{encoded}")
        s = self.settings
        try:
            body = fetch(req, timeout=s.timeout, deadline=s.deadline)
        except urllib.error.HTTPError as exc:
            retry_after = _retry_after_seconds(exc.headers.get("Retry-After") if exc.headers
                                               else None)
            exc.close()
            if exc.code in _RETRYABLE_STATUS:
                raise _Retryable(f"HTTP {exc.code} {exc.reason}", retry_after) from None
            raise FetchError(
                f"E-utilities answered HTTP {exc.code} {exc.reason} for {shown}; check the "
                "query, the ids and MSCGRAPH_EUTILS_URL (not retried)", transient=False) from None
        except (OSError, http.client.HTTPException) as exc:
            raise self._network_error(exc) from None
        self._check_body(body, expect_root)
        return body

    def _network_error(self, exc: BaseException) -> Exception:
        """The :class:`_Retryable` (or, for a wrong address, :class:`FetchError`) of ``exc``."""
        if isinstance(exc, DeadlineExceeded):
            return _Retryable(f"no complete answer within the {self.settings.deadline:g}s "
                              "deadline per request (MSCGRAPH_EUTILS_DEADLINE)")
        if isinstance(exc, (TimeoutError, socket.timeout)):
            return _Retryable(f"timeout after {self.settings.timeout}s ({exc})")
        if isinstance(exc, http.client.HTTPException):  # IncompleteRead, RemoteDisconnected
            return _Retryable(f"broken HTTP response: {type(exc).__name__}")
        reason = getattr(exc, "reason", exc)
        url = self.settings.eutils_url
        if isinstance(reason, (ConnectionRefusedError, socket.gaierror)) \
                and url != DEFAULT_EUTILS_URL:
            what = "connection refused" if isinstance(reason, ConnectionRefusedError) \
                else "unknown host"
            return FetchError(f"cannot reach E-utilities at {shorten(origin(url))} ({what}); "
                              "check MSCGRAPH_EUTILS_URL (or --eutils-url): it is not NCBI's "
                              f"address {DEFAULT_EUTILS_URL}", transient=False)
        return _Retryable(f"connection error: {shorten(str(reason))}")

    @staticmethod
    def _check_body(body: bytes, expect_root: str) -> None:
        """Raise :class:`_Retryable` unless ``body`` is complete XML rooted at ``expect_root``."""
        try:
            root = _parse_xml(body)
        except (XMLSyntaxError, DefusedXmlException) as exc:
            raise _Retryable(f"truncated or invalid XML ({len(body)} bytes: {exc})") from None
        detail = (root.findtext("ERROR") or "").strip()
        if root.tag != expect_root:
            raise _Retryable(f"expected <{expect_root}>, got <{root.tag}> {detail}".strip())
        if detail and _TRANSIENT_ERROR.search(detail):
            raise _Retryable(f"NCBI error: {detail}")

    def _describe(self, endpoint: str, query: Mapping[str, str]) -> str:
        """``endpoint?params`` for messages: api_key masked, long id lists shortened."""
        shown = {k: ("***" if k == "api_key" else shorten(v, 60)) for k, v in query.items()
                 if k not in ("tool", "email")}
        ids = query.get("id", "")
        if ids.count(",") >= 5:
            shown["id"] = f"<{ids.count(',') + 1} ids>"
        text = (f"{shorten(self.settings.eutils_url, 60)}{endpoint}?"
                f"{urllib.parse.urlencode(shown, safe='*<>.')}")
        return redact(text, self.settings.api_key)

    # -- E-utilities ------------------------------------------------------------------------
    def esearch(self, term: str, *, mindate: date | str | None = None,
                maxdate: date | str | None = None, datetype: str = "edat",
                retstart: int = 0, retmax: int = ESEARCH_CAP, usehistory: bool = True,
                db: str = "pubmed") -> SearchResult:
        """Run ESearch; dates as :class:`datetime.date` or ``YYYY/MM/DD`` strings.

        Raises
        ------
        FetchError
            Network failure after retries, a non-retryable HTTP error, or NCBI's ``<ERROR>``.
        """
        if (mindate is None) != (maxdate is None):
            raise ValueError("give both mindate and maxdate, or neither")
        params: dict[str, object] = {"db": db, "term": term, "retstart": retstart,
                                     "retmax": retmax}
        if usehistory:
            params["usehistory"] = "y"
        if mindate is not None and maxdate is not None:
            params.update(datetype=datetype,
                          mindate=format_date(mindate) if isinstance(mindate, date) else mindate,
                          maxdate=format_date(maxdate) if isinstance(maxdate, date) else maxdate)
        body = self._request("esearch.fcgi", params, expect_root="eSearchResult")
        return parse_esearch(body)

    def efetch(self, *, ids: Sequence[str] | None = None, webenv: str | None = None,
               query_key: str | None = None, retstart: int = 0, retmax: int | None = None,
               db: str = "pubmed") -> bytes:
        """Fetch PubMed XML by ``ids`` or from a history set (``webenv`` + ``query_key``).

        Returns the raw ``<PubmedArticleSet>`` bytes (checked to be complete XML).
        """
        params: dict[str, object] = {"db": db, "retmode": "xml", "rettype": "abstract"}
        if ids is not None:
            if webenv or query_key:
                raise ValueError("give ids or webenv/query_key, not both")
            if not ids:
                raise ValueError("efetch needs at least one id")
            params["id"] = ",".join(str(i).strip() for i in ids)
        elif webenv and query_key:
            params.update(WebEnv=webenv, query_key=query_key, retstart=retstart,
                          retmax=retmax if retmax is not None else self.settings.batch_size)
        else:
            raise ValueError("efetch needs ids or both webenv and query_key")
        return self._request("efetch.fcgi", params, expect_root="PubmedArticleSet")

    def search_windows(self, term: str, mindate: date, maxdate: date, *,
                       datetype: str = "edat") -> Iterator[SearchWindow]:
        """Yield date windows covering ``[mindate, maxdate]``, each with at most 9,999 hits.

        Each window's ``result`` comes from ESearch with ``usehistory=y`` and holds all its ids.
        A window is halved recursively while its count exceeds :data:`ESEARCH_CAP`; a single
        day that still exceeds it is yielded incomplete, with a warning.
        """
        if mindate > maxdate:
            raise ValueError(f"mindate {mindate} is after maxdate {maxdate}")
        stack = [(mindate, maxdate)]
        while stack:
            lo, hi = stack.pop()
            probe = self.esearch(term, mindate=lo, maxdate=hi, datetype=datetype,
                                 retmax=0, usehistory=False)
            if probe.count == 0:
                continue
            if probe.count > ESEARCH_CAP and lo < hi:
                mid = lo + timedelta(days=(hi - lo).days // 2)
                log.debug("%s..%s [%s] holds %d hits; splitting", lo, hi, datetype, probe.count)
                stack.append((mid + timedelta(days=1), hi))  # popped second: oldest first
                stack.append((lo, mid))
                continue
            window = self._whole_window(term, lo, hi, datetype)
            if not window.complete:
                log.warning("%s [%s] alone holds %d hits; only %d can be retrieved by ESearch",
                            lo, datetype, window.result.count, ESEARCH_CAP)
            yield window

    def _whole_window(self, term: str, lo: date, hi: date, datetype: str) -> SearchWindow:
        """ESearch one window, asking again once when fewer ids come back than counted."""
        for attempt in range(2):
            result = self.esearch(term, mindate=lo, maxdate=hi, datetype=datetype,
                                  retmax=ESEARCH_CAP, usehistory=True)
            window = SearchWindow(lo, hi, datetype, result)
            if not window.shortfall:
                break
            log.warning("ESearch %s..%s [%s] counted %d hits but returned %d ids%s", lo, hi,
                        datetype, result.count, len(result.ids),
                        "; asking again" if attempt == 0 else "")
        return window
