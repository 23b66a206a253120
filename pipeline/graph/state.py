"""The graph's aggregates saved between runs, so a night costs what is new.

:func:`load_graph` (and :func:`update_graph`, which also gives the edges saved before, for
the nightly digest) reads the saved :class:`~pipeline.graph.aggregate.GraphAggregate` (a pickle
next to the exports), compares its per-article stamps with the store's
(:meth:`~pipeline.graph.sources.StoreSource.stamps`), adds the new and re-extracted articles,
removes the deleted ones, and saves it again. A file of another layout
(:data:`~pipeline.graph.aggregate.AGGREGATE_VERSION`), another belief model or that cannot be
read is ignored: the graph is then built from every extraction (and saved).

The file is written by this package for this package (pickle): do not load one from elsewhere.

Example
-------
>>> STATE_FILE
'graph_state.pkl'
"""
from __future__ import annotations

import gc
import logging
import os
import pickle
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Iterator

from ..belief import BeliefScorer
from ..errors import PipelineError
from . import KnowledgeGraph
from .aggregate import AGGREGATE_VERSION, GraphAggregate, Key
from .sources import StoreSource

__all__ = ["STATE_FILE", "load_graph", "update_graph", "save_state", "read_state"]

log = logging.getLogger(__name__)

#: File name of the saved aggregates in the export directory.
STATE_FILE = "graph_state.pkl"


def _header(agg: GraphAggregate) -> dict[str, Any]:
    return {"version": AGGREGATE_VERSION, "scorer": repr(agg.scorer)}


def save_state(kg: KnowledgeGraph, path: str | Path) -> Path:
    """Write ``kg``'s aggregate and derived nodes and edges to ``path`` atomically."""
    agg = kg.aggregate
    if agg is None:
        raise PipelineError("only a graph built from the store or from extractions has an "
                            "aggregate to save (KnowledgeGraph.from_store)")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(_header(agg), fh, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump((agg, kg.derived), fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return path


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: unpickling millions of containers otherwise
    triggers it over and over (4x slower); nothing is cyclic garbage meanwhile."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_state(path: str | Path, scorer: BeliefScorer | None = None) -> tuple[Any, Any] | None:
    """``(aggregate, derived)`` as saved, or None (missing, unreadable, or another version or
    scorer)."""
    path = Path(path)
    if not path.exists():
        return None
    want = _header(GraphAggregate(scorer))
    try:
        with open(path, "rb") as fh, _no_gc():
            header = pickle.load(fh)
            if header != want:
                log.info("graph state %s is of another version or scorer; rebuilding", path)
                return None
            agg, derived = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        log.warning("cannot read graph state %s (%s); rebuilding the graph", path, exc)
        return None
    return (agg, derived) if isinstance(agg, GraphAggregate) else None


def load_graph(store: Any, path: str | Path, *, scorer: BeliefScorer | None = None
               ) -> KnowledgeGraph:
    """The graph of ``store``'s extractions, updated from the state saved at ``path`` (built
    from scratch without one), which is then saved again (:func:`update_graph` without the
    previous edges)."""
    return update_graph(store, path, scorer=scorer)[0]


def update_graph(store: Any, path: str | Path, *, scorer: BeliefScorer | None = None
                 ) -> tuple[KnowledgeGraph, dict[Key, dict[str, Any]] | None]:
    """The graph of ``store``'s extractions and the edges (by key) of the graph saved at
    ``path`` before this update (None without a usable saved state: built from scratch).

    Only new or changed extractions are read, deleted articles are removed, and only the
    statements they touch are re-scored; the result equals :meth:`KnowledgeGraph.from_store`.
    The state is saved again when anything changed.
    """
    source = StoreSource(store)
    saved = read_state(path, scorer)
    if saved is None:
        kg, before = KnowledgeGraph.from_store(store, scorer=scorer), None
    else:
        kg = KnowledgeGraph.from_aggregate(saved[0], source, scorer=scorer, derived=saved[1])
        before = saved[1][2]  # updates replace the edge table, never change it
        added, removed = kg.sync(source.stamps(), source.extractions)
        log.info("graph updated: %d articles added or replaced, %d removed", added, removed)
        if not (added or removed):
            return kg, before
    save_state(kg, path)
    return kg, before
