"""Worker processes for extraction: each loads the pipeline once and takes batches by reference.

Threads of one process take turns on the spaCy pipeline (the GIL and :data:`extract._PIPE_LOCK`),
so the cores are used through processes: :func:`worker_pool` starts them (``spawn``: no forked
SQLAlchemy or spaCy state) and builds the extractor in each at start-up. What travels to a
worker is small: a store URL and a PMID span (:func:`pipeline.extract.extract_span_at`), or one
batch of annotate input; results come back in the order asked for (:func:`ordered_map`), so a
parallel run writes what a serial one writes.

A pool can be registered under a key (:func:`registered_pool`) for code that can only pass
plain values along, like a Prefect task running in a thread: :func:`run_in_pool` runs a call
there.

Example
-------
>>> with worker_pool(2) as pool:                                  # doctest: +SKIP
...     lines = list(ordered_map(pool, annotate_in_worker, [[("1", "MSCs lower ALT.")]]))
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import sys
import threading
import time
import uuid
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, TypeVar

from .extract import Extractor, get_extractor

__all__ = ["is_in_memory", "available_memory", "default_workers", "WORKER_MEMORY",
           "worker_pool", "ordered_map", "annotate_lines", "annotate_in_worker",
           "registered_pool", "run_in_pool"]

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

_POOLS: dict[str, ProcessPoolExecutor] = {}


def is_in_memory(store_url: str | None) -> bool:
    """Whether ``store_url`` is an in-memory SQLite store (no worker process can open it).

    >>> is_in_memory("sqlite://"), is_in_memory("sqlite:///a.sqlite")
    (True, False)
    """
    url = (store_url or "").rstrip("/")
    return url in ("sqlite:", "sqlite:/") or ":memory:" in url or "mode=memory" in url


#: Memory budgeted per extraction worker process: the pipeline takes ~0.4 GB once loaded and
#: ~0.5 GB after 3,870 distinct abstracts, its caches growing (bounded) on longer runs.
WORKER_MEMORY = 1 << 30


def available_memory() -> int | None:
    """Bytes this process can still take (Linux ``MemAvailable``, capped by the cgroup v2
    limit of a container), None where unknown.

    >>> m = available_memory(); m is None or m > 0
    True
    """
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            found += [int(line.split()[1]) * 1024 for line in fh
                      if line.startswith("MemAvailable:")]
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as fh:
            limit = fh.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as fh:
            used = int(fh.read().strip())
        if limit != "max":
            found.append(max(0, int(limit) - used))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def default_workers() -> int:
    """The cores this process may run on (the default number of worker processes), fewer
    when the memory available does not hold :data:`WORKER_MEMORY` for each; at least 1.

    >>> default_workers() >= 1
    True
    """
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        cores = max(1, os.cpu_count() or 1)
    memory = available_memory()
    if memory is None or memory >= cores * WORKER_MEMORY:
        return cores
    workers = max(1, memory // WORKER_MEMORY)
    log.info("%d extraction worker(s) for %d cores: %.1f GB of memory available, %.0f GB "
             "budgeted per worker (--workers N to choose)", workers, cores, memory / 2**30,
             WORKER_MEMORY / 2**30)
    return workers


def _exit_with(parent: int) -> None:
    """End this worker once ``parent`` is gone: a pool worker waits on a queue that a killed
    parent never closes, so it would otherwise idle forever, pipeline in memory."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _skip_teardown() -> None:
    """Leave without freeing the pipeline object by object (0.7 s of a pool's shutdown; a
    pool worker that gets here ends with status 0 anyway), log handlers flushed first."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _load_pipeline(relations: bool, parent: int) -> None:
    """Worker initializer: build the (cached) extractor before the first batch arrives."""
    import atexit
    import warnings
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    atexit.register(_skip_teardown)  # the last registered runs first
    warnings.filterwarnings("ignore", message=r"\[W0(28|36)\]")  # spaCy notices, once per worker
    logging.getLogger("pipeline").setLevel(logging.WARNING)
    get_extractor(relations).nlp  # noqa: B018 - built for its side effect (the cache)


@contextmanager
def worker_pool(workers: int, *, relations: bool = True) -> Iterator[ProcessPoolExecutor]:
    """``workers`` processes, each with the pipeline loaded once; stopped when the block ends
    (queued calls are cancelled if the block ends by an error)."""
    pool = ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_load_pipeline, initargs=(relations, os.getpid()))
    ok = False
    try:
        yield pool
        ok = True
    finally:
        pool.shutdown(wait=True, cancel_futures=not ok)


def ordered_map(pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T], *,
                ahead: int | None = None) -> Iterator[R]:
    """``fn(item)`` for each item, computed in ``pool``, yielded in the order of ``items``.

    At most ``ahead`` calls (default: twice the workers) are in flight, so a long input is
    streamed, never held in memory.

    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as pool:
    ...     list(ordered_map(pool, abs, [-3, 1, -2]))
    [3, 1, 2]
    """
    limit = ahead or 2 * getattr(pool, "_max_workers", 2)
    queue: deque[Future[R]] = deque()
    for item in items:
        queue.append(pool.submit(fn, item))
        if len(queue) >= limit:
            yield queue.popleft().result()
    while queue:
        yield queue.popleft().result()


def annotate_lines(extractor: Extractor, batch: list[tuple[str, str]]) -> list[str]:
    """The output lines of ``mscgraph annotate`` for ``(doc_id, text)`` pairs, in order; empty
    texts bypass the pipeline but keep their place."""
    results = extractor.extract_texts([(i, t) for i, t in batch if t.strip()],
                                      batch_size=max(1, len(batch)))
    return [json.dumps((next(results) if text.strip()
                        else extractor.extract_text(text, doc_id)).to_json(),
                       ensure_ascii=False) for doc_id, text in batch]


def annotate_in_worker(batch: list[tuple[str, str]], relations: bool = True) -> list[str]:
    """:func:`annotate_lines` with the extractor this worker loaded at start-up."""
    return annotate_lines(get_extractor(relations), batch)


@contextmanager
def registered_pool(workers: int, **kwargs: Any) -> Iterator[str | None]:
    """A :func:`worker_pool` under a fresh key for :func:`run_in_pool` (None and no pool when
    ``workers`` <= 1)."""
    if workers <= 1:
        yield None
        return
    key = uuid.uuid4().hex
    with worker_pool(workers, **kwargs) as pool:
        _POOLS[key] = pool
        try:
            yield key
        finally:
            del _POOLS[key]


def run_in_pool(key: str, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """``fn(*args, **kwargs)`` in the pool registered as ``key``, waiting for the result.

    Raises :class:`LookupError` when no pool of this process has that key (it ended, or
    the caller runs in another process: give it None and run there instead).
    """
    pool = _POOLS.get(key)
    if pool is None:
        raise LookupError(f"no worker pool {key!r} in process {os.getpid()}; run the call "
                          "in this process instead (pool key None)")
    return pool.submit(fn, *args, **kwargs).result()
