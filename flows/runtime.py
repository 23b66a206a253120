"""What the flows need on every worker: the store, task runners, settings and retry rules.

Prefect stores flow parameters, so a flow is given a store URL without its password, or
nothing: :func:`resolve_database` turns that back into the URL of ``MSCGRAPH_DATABASE_URL``,
which every worker reads from its environment.

Example
-------
>>> parse_source("xml:a.xml,b.xml.gz")
('xml', ['a.xml', 'b.xml.gz'])
>>> public_url("postgresql+psycopg://me:s3cret@db/mscgraph")
'postgresql+psycopg://me:***@db/mscgraph'
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner
from sqlalchemy.engine import make_url

from pipeline.config import Settings
from pipeline.errors import ConfigError, FetchError
from pipeline.parallel import is_in_memory
from pipeline.store import Store

__all__ = ["parse_source", "is_transient", "retry_on_transient_fetch", "public_url",
           "resolve_database", "open_store", "make_task_runner", "settings_for",
           "TASK_RUNNERS", "SETTINGS_OVERRIDES", "prefect_api", "sigterm_interrupts"]

TASK_RUNNERS = ("thread", "process", "dask")
#: Settings a caller may override per run (never the API key: it comes from NCBI_API_KEY).
SETTINGS_OVERRIDES = ("eutils_url", "email", "timeout", "max_tries", "backoff", "batch_size")


def parse_source(source: str) -> tuple[str, list[str]]:
    """Split ``"pubmed" | "demo" | "xml:PATH[,PATH]"`` into ``(kind, paths)``."""
    kind, _, rest = (source or "pubmed").partition(":")
    kind = kind.strip().lower()
    paths = [p.strip() for p in rest.split(",") if p.strip()]
    if (kind in ("pubmed", "demo") and not rest) or (kind == "xml" and paths):
        return kind, paths
    raise ConfigError(f"unknown source {source!r}; use 'pubmed', 'demo' or 'xml:PATH[,PATH]'")


def is_transient(exc: BaseException) -> bool:
    """Whether a fetch error is worth retrying later (NCBI down, rate limit, timeouts).

    >>> is_transient(FetchError("HTTP 400 Bad Request (not retried)", transient=False))
    False
    """
    return isinstance(exc, FetchError) and exc.transient


def retry_on_transient_fetch(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry only a transient :class:`FetchError`."""
    try:
        state.result()
    except Exception as exc:  # the task's exception is re-raised by result()
        return is_transient(exc)
    return False


def public_url(url: str) -> str:
    """``url`` with its password, if any, shown as ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL: the store will say so
        return url


def resolve_database(database: str | None) -> str:
    """The store URL for a flow parameter: ``None`` or the redacted form of
    ``MSCGRAPH_DATABASE_URL`` mean that variable; a URL without a password is itself."""
    env_url = Settings.from_env().database_url
    if not database or database == public_url(env_url):
        return env_url
    if ":***@" in database:
        raise ConfigError(f"the store URL {database} names MSCGRAPH_DATABASE_URL with its "
                          "password hidden, but that variable holds another URL on this "
                          "worker: set it to the full URL of that store")
    if public_url(database) != database:
        raise ConfigError(f"the store URL {public_url(database)} holds a password; Prefect would "
                          "store it with the run: set MSCGRAPH_DATABASE_URL instead (or use "
                          "mscgraph run / flows.nightly.run_nightly, which do)")
    return database


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def open_store(database: str | None) -> Store:
    """One :class:`Store` per URL and process (engines are thread-safe and pool connections)."""
    url = resolve_database(database)
    with _STORES_LOCK:
        if url not in _STORES:
            _STORES[url] = Store(url)
        return _STORES[url]


def make_task_runner(kind: str = "thread", *, dask_address: str | None = None,
                     workers: int | None = None, store_url: str | None = None) -> TaskRunner:
    """Threads (default; ``workers`` of them, each waiting on a worker process of
    :mod:`pipeline.parallel`), processes, or Dask (a local cluster of ``workers`` processes,
    or the scheduler at ``dask_address``) for extraction.

    Raises :class:`ConfigError` for an unknown ``kind``, or for worker processes on an
    in-memory SQLite ``store_url`` (they could not share it).
    """
    if (kind or "thread").lower() != "thread" and is_in_memory(store_url):
        raise ConfigError("an in-memory SQLite store cannot be shared with worker processes; "
                          "use a file (sqlite:///path.sqlite) or PostgreSQL URL")
    kind = (kind or "thread").lower()
    if kind == "thread":
        return ThreadPoolTaskRunner(max_workers=workers or 2)
    if kind == "process":
        return ProcessPoolTaskRunner(max_workers=workers or min(4, os.cpu_count() or 1))
    if kind == "dask":
        from prefect_dask import DaskTaskRunner
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers or 2, "processes": True,
                                              "threads_per_worker": 1, "dashboard_address": None})
    raise ConfigError(f"unknown task runner {kind!r}; choose one of {', '.join(TASK_RUNNERS)}")


def settings_for(database: str | None, overrides: dict[str, Any] | None) -> Settings:
    unknown = set(overrides or {}) - set(SETTINGS_OVERRIDES)
    if unknown:
        raise ConfigError(f"unknown settings override(s) {sorted(unknown)}; allowed: "
                          f"{', '.join(SETTINGS_OVERRIDES)} (the API key comes from "
                          "NCBI_API_KEY only)")
    return Settings.from_env(database_url=resolve_database(database), **(overrides or {}))


# The watchdog of a temporary Prefect server: once the process that started it is gone, however
# it ended (kill -9 included), it stops the uvicorn serving that port. Started before the
# server, so no moment of the start-up is uncovered.
_WATCHDOG = """import os, signal, sys, time
parent, port = int(sys.argv[1]), sys.argv[2]
while os.getppid() == parent:  # reparented once the parent is gone (a zombie still answers kill)
    time.sleep(0.5)
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            args = fh.read().split(b"\\0")
    except OSError:
        continue
    if b"uvicorn" in args and port.encode() in args and b"--port" in args:
        try:
            os.kill(int(pid), signal.SIGTERM)
        except OSError:
            pass
"""


def _free_port() -> int:
    """A loopback port free right now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def prefect_api() -> Iterator[str]:
    """The Prefect API for a run: the configured ``PREFECT_API_URL``, else a temporary
    server of this process, stopped when the block ends and, through a watchdog, when this
    process dies without cleaning up (``kill -9``; Linux, where ``/proc`` exists)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield str(PREFECT_API_URL.value())
        return
    from prefect.server.api.server import SubprocessASGIServer

    port = _free_port()
    server = SubprocessASGIServer(port=port)
    watchdog = subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(port)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True) if os.path.isdir("/proc") else None
    before = os.environ.get("PREFECT_API_URL")
    try:
        server.start()
        os.environ["PREFECT_API_URL"] = server.api_url   # for worker processes
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before
        server.stop()
        if watchdog is not None:
            watchdog.kill()
            watchdog.wait()


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While the block runs, SIGTERM ends it like Ctrl-C (``KeyboardInterrupt``), so the
    ``finally`` clauses run: the lock is released, the temporary server stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
