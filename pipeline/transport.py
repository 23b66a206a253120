"""One HTTP exchange with an overall deadline, redirects kept on the same host.

:func:`fetch` is the transport under :class:`~pipeline.pubmed_client.EutilsClient`. It uses
:mod:`urllib.request` (so proxies from the environment still apply) with three changes:

* an overall deadline per exchange: when it passes, the exchange's sockets are shut down and
  :class:`DeadlineExceeded` is raised, however short each wait between bytes was (the
  socket timeout alone lets a server trickle one byte every few seconds forever);
* a redirect is followed only to the same host (an http to https upgrade included): the
  query string carries the API key and the contact e-mail;
* nothing else: HTTP errors, socket errors and broken responses are raised as urllib raises
  them, for the caller to classify.

Example
-------
>>> origin("https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?term=x")
'https://eutils.ncbi.nlm.nih.gov:443'
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import urllib.parse
import urllib.request
from typing import IO, Callable, Mapping

from .errors import FetchError

__all__ = ["fetch", "DeadlineExceeded", "origin", "is_loopback_url", "shorten"]


class DeadlineExceeded(TimeoutError):
    """The exchange did not finish within its overall deadline."""


def fetch(req: urllib.request.Request, *, timeout: float, deadline: float) -> bytes:
    """The body of ``req``'s answer, within ``deadline`` seconds in all.

    ``timeout`` bounds each wait for the server (connecting, each read).

    Raises
    ------
    DeadlineExceeded
        The deadline passed before the whole answer was in.
    FetchError
        The server redirected to another host (not followed; ``transient`` is false).
    urllib.error.HTTPError, OSError, http.client.HTTPException
        As :func:`urllib.request.urlopen` raises them.
    """
    with _Watchdog(deadline) as watchdog:
        opener = urllib.request.build_opener(_WatchedHTTPHandler(watchdog),
                                             _WatchedHTTPSHandler(watchdog),
                                             _SameHostRedirects())
        try:
            with opener.open(req, timeout=min(timeout, deadline)) as resp:
                body = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            if watchdog.expired.is_set():
                raise DeadlineExceeded(f"no complete answer within {deadline:g}s") from exc
            raise
    if watchdog.expired.is_set():  # cut short without an error from below
        raise DeadlineExceeded(f"no complete answer within {deadline:g}s")
    return body


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters (an ellipsis marks the cut).

    >>> shorten("a" * 10, 6)
    'aaa...'
    """
    return text if len(text) <= limit else text[:max(limit - 3, 0)] + "..."


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this machine (``localhost``, ``127.0.0.0/8``, ``::1``).

    >>> is_loopback_url("http://127.0.0.1:8000/x"), is_loopback_url("http://example.org/")
    (True, False)
    """
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url`` (nothing of its path or query)."""
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname}:{port}"


class _Watchdog:
    """Shuts the connections of one HTTP exchange down when its deadline passes.

    A blocked read then returns at once, so no server can hold an attempt longer than the
    deadline by sending a byte now and then (the socket timeout only bounds each wait).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = threading.Event()
        # sockets, not connections: urllib drops a connection's socket once the headers are in
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Watchdog":
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        """Cut ``sock`` at the deadline (at once if it has passed)."""
        with self._lock:
            self._socks.append(sock)
            if self.expired.is_set():
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired.set()
            for sock in self._socks:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed
        pass


def _watched(base: type[http.client.HTTPConnection],
             watchdog: _Watchdog) -> Callable[..., http.client.HTTPConnection]:
    """A connection class like ``base`` whose connections ``watchdog`` can cut."""
    class Watched(base):  # type: ignore[valid-type,misc]
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)
    return Watched


class _WatchedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._conn_class = _watched(http.client.HTTPConnection, watchdog)

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._conn_class, req)


class _WatchedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._conn_class = _watched(http.client.HTTPSConnection, watchdog)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._conn_class, req, context=self._context)


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same host (an http to https upgrade included).

    The query string carries the API key and the e-mail; another host must not get them.
    """

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int,
                         msg: str, headers: Mapping[str, str],
                         newurl: str) -> urllib.request.Request | None:
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        upgrade = (old.scheme, new.scheme) == ("http", "https") and old.hostname == new.hostname
        if not upgrade and origin(req.full_url) != origin(newurl):
            fp.close()
            raise FetchError(
                f"E-utilities at {origin(req.full_url)} redirected (HTTP {code}) to another "
                f"host, {shorten(origin(newurl))}; not followed, so your API key and e-mail "
                "were not sent there. Set MSCGRAPH_EUTILS_URL to the address you mean to use",
                transient=False)
        return super().redirect_request(req, fp, code, msg, headers, newurl)
