"""Atomic file writes for every export (a reader never sees a half-written file).

Files get the mode ``open()`` would give them (``0o666`` minus the umask), not the ``0o600``
of the temporary file, so that others can read the exports where the umask allows it.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

__all__ = ["atomic_write", "current_umask"]


def current_umask() -> int:
    """The process umask (from ``/proc/self/status`` where Linux has it).

    >>> 0 <= current_umask() <= 0o777
    True
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    # elsewhere the umask can only be read by setting it: other threads may briefly see 022
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_write(path: str | Path, mode: str = "wb", **kw: Any) -> Iterator[IO[Any]]:
    """Write to a temporary file next to ``path`` and move it into place on success.

    The file ends up with mode ``0o666 & ~umask``, as with a plain ``open(path, "w")``.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_write(p, "w") as fh:
    ...     _ = fh.write("done")
    >>> p.read_text(), oct(p.stat().st_mode & 0o777) == oct(0o666 & ~current_umask())
    ('done', True)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with open(fd, mode, **({"encoding": "utf-8"} if "b" not in mode else {}), **kw) as fh:
            os.fchmod(fh.fileno(), 0o666 & ~current_umask())
            yield fh
        os.replace(tmp, path)
    except BaseException:  # a failed write (or a bad mode) leaves no temporary file behind
        Path(tmp).unlink(missing_ok=True)
        raise
