#!/usr/bin/env python3
"""Rebuild ``pipeline/data/lexicon.tsv.gz`` and ``xrefs.tsv.gz`` from ``../shared/resources``.

Thin wrapper over ``mscgraph lexicon build`` (see :func:`pipeline.lexicon.builder.build_lexicon`)::

    python scripts/build_lexicon.py [--resources ../shared/resources] [--out PATH]
"""
from __future__ import annotations

import sys

from pipeline.cli import main

if __name__ == "__main__":
    sys.exit(main(["lexicon", "build", *sys.argv[1:]]))
