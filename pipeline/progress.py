"""Pacing of long runs: the one progress bar and the one chunker of the package.

:class:`Progress` is a context manager around a rich progress bar on stderr (or nothing when
disabled): a description, a total that may be unknown or grow, and ``advance``/``update``.
:func:`batched` cuts any iterable into lists of at most ``n`` items, lazily.

Example
-------
>>> with Progress("extracting", total=3, enabled=False) as bar:
...     for chunk in batched("abc", 2):
...         bar.advance(len(chunk))
>>> bar.completed
3
>>> list(batched(range(5), 2))
[[0, 1], [2, 3], [4]]
"""
from __future__ import annotations

from typing import Iterable, Iterator, TypeVar

from .errors import ConfigError

__all__ = ["Progress", "batched"]

T = TypeVar("T")


def batched(items: Iterable[T], n: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``n`` (the last one shorter), consumed lazily.

    >>> list(batched([], 3))
    []
    """
    if n < 1:
        raise ConfigError(f"batch size must be >= 1, got {n}")
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


class Progress:
    """A progress bar on stderr while the ``with`` block runs; a counter only when disabled.

    Parameters
    ----------
    description : str
        Shown left of the bar.
    total : int, optional
        Number of steps; ``None`` while unknown (see :meth:`grow`).
    enabled : bool
        Draw the bar (default); ``False`` keeps only the counters.
    transient : bool
        Remove the bar from the terminal when done (default ``False``).

    >>> with Progress("ingest", enabled=False) as bar:
    ...     bar.grow(10); bar.update(4)
    >>> (bar.total, bar.completed)
    (10, 4)
    """

    def __init__(self, description: str, total: int | None = None, *, enabled: bool = True,
                 transient: bool = False) -> None:
        self.description = description
        self.total = total
        self.completed = 0
        self._bar = None
        if enabled:
            from rich.progress import (BarColumn, MofNCompleteColumn, TextColumn,
                                       TimeElapsedColumn)
            from rich.progress import Progress as RichProgress
            self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(),
                                     MofNCompleteColumn(), TimeElapsedColumn(),
                                     transient=transient)
            self._task = self._bar.add_task(description, total=total)

    def __enter__(self) -> "Progress":
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def _show(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, total=self.total, completed=self.completed)

    def advance(self, n: int = 1) -> None:
        """``n`` more steps done."""
        self.completed += n
        self._show()

    def update(self, completed: int) -> None:
        """Set the number of steps done."""
        self.completed = completed
        self._show()

    def grow(self, n: int) -> None:
        """``n`` more steps to do (the total becomes known piece by piece)."""
        self.total = (self.total or 0) + n
        self._show()
