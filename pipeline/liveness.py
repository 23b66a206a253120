"""Whether the process behind a store lock's owner string is still alive (same host only)."""
from __future__ import annotations

import os
import socket

__all__ = ["owner_is_dead"]


def owner_is_dead(owner: str) -> bool:
    """True when a lock owner (``host:pid:thread:uuid``) is a process on this host that is gone.

    A run killed with SIGKILL cannot release its lock; without this check the next run would
    wait for the lock's TTL.

    >>> owner_is_dead(f"{socket.gethostname()}:{os.getpid()}:main:x")
    False
    """
    parts = owner.split(":")
    if len(parts) < 2 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, owned by another user
        return False
    return False
