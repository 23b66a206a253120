"""``mscgraph train relations``: rebuild the learned relation model from the training data.

  mscgraph train relations [--shared ../shared] [--output pipeline/data/relation_model.json.gz]

Reads the project's stand-off annotations (``corpora/annotations/``) with their texts and the
development gold from ``--shared``, cross-validates the probability threshold and writes the
model. The same inputs give the same file.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``train`` subcommand (one action: ``relations``)."""
    p = sub.add_parser("train", help="train the learned relation model",
                       description="Rebuild models from the training data in ../shared.")
    acts = p.add_subparsers(dest="action", metavar="ACTION")
    r = acts.add_parser("relations", help="train the relation classifier (rules + model)",
                        description=__doc__.split("\n\n")[0])
    r.add_argument("--shared", type=Path, default=Path("../shared"),
                   help="folder with resources/corpora/ and corpora/gold/ (default ../shared)")
    r.add_argument("--output", type=Path, default=None,
                   help="model file (default pipeline/data/relation_model.json.gz)")
    r.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    r.set_defaults(func=_relations)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def _relations(args: argparse.Namespace) -> int:
    from ..errors import ConfigError
    from ..nlp.relations.model import DEFAULT_MODEL_PATH
    from ..nlp.relations.training import train_relation_model

    if not (args.shared / "corpora" / "gold" / "dev.jsonl").is_file():
        raise ConfigError(f"no training data under {args.shared} (corpora/gold/dev.jsonl); "
                          "pass --shared with the folder that holds it")
    out = args.output or DEFAULT_MODEL_PATH
    report = train_relation_model(args.shared, out, folds=args.folds,
                                  progress=lambda msg: print(msg, file=sys.stderr))
    print(f"wrote {report.path}: {report.documents} documents, {report.examples:,} candidate "
          f"pairs ({report.positives:,} positive), threshold {report.threshold}")
    print("cross-validated (s, p, o) per document:")
    for name, s in report.cv.items():
        print(f"  {name:<20} P {s['p']:.3f}  R {s['r']:.3f}  F1 {s['f1']:.3f}")
    print("learning curve (training documents per fold -> cross-validated F1):")
    for row in report.learning_curve:
        print(f"  {row['training_documents']:>5}  P {row['p']:.3f}  R {row['r']:.3f}  "
              f"F1 {row['f1']:.3f}")
    return 0
