"""``mscgraph eval``: placeholder until its issue lands."""
from __future__ import annotations

import argparse

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``eval`` subcommand."""
    p = sub.add_parser("eval", help="(not implemented yet)")
    p.set_defaults(func=lambda args: print("not implemented yet") or 2)
