"""``mscgraph run``: placeholder until its issue lands."""
from __future__ import annotations

import argparse

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``run`` subcommand."""
    p = sub.add_parser("run", help="(not implemented yet)")
    p.set_defaults(func=lambda args: print("not implemented yet") or 2)
