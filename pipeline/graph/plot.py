"""A concept's neighbourhood drawn with matplotlib (:func:`plot_neighbourhood`, ``kg.plot``).

Nodes are coloured by entity type and edges by predicate (the table of :mod:`.colours`, the
one the exports use), each with a legend; node size follows the article count, edge width the
evidence count, edge opacity the belief; contradicted edges are dashed. Drawing uses
matplotlib's object API on an Agg canvas (no pyplot, no display, no global backend switch), so
it works in scripts, on servers and in notebooks alike; in Jupyter show the result with
``ax.figure`` (or pass ``ax=`` an Axes of your own figure).

Not supported: interactive zoom or hover (use the HTML export), layouts other than rings
around the concept, more than ``max_nodes`` concepts (the strongest links are kept).

Example
-------
>>> from pipeline.graph import KnowledgeGraph
>>> from pipeline.model import Concept, Evidence, Statement
>>> msc, hgf = Concept("CL:0000134", "MSC", "CELL_TYPE"), Concept("HGNC:4893", "HGF", "CYTOKINE")
>>> kg = KnowledgeGraph.from_statements([Statement(msc, "SECRETES", hgf, [Evidence("1", "s")])])
>>> ax = plot_neighbourhood(kg, "MSC")
>>> ax.get_title(), sorted(t.get_text() for t in ax.texts)
('MSC: 2 concepts, 1 relation within 1 step', ['HGF', 'MSC'])
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterable, Protocol

import networkx as nx

from .colours import DEFAULT_EDGE_COLOUR, DEFAULT_NODE_COLOUR, PREDICATE_COLOURS, TYPE_COLOURS
from .filters import normalize_predicates

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


class PlottableGraph(Protocol):
    """What the drawing reads of a :class:`~pipeline.graph.KnowledgeGraph` (named here so this
    module does not import the graph that offers it as ``kg.plot()``)."""

    def to_networkx(self) -> nx.MultiDiGraph: ...

    def scope(self, concept: str, *, include_narrower: bool = True) -> list[str]: ...

    def resolve(self, name: str) -> str: ...

__all__ = ["neighbourhood", "plot_neighbourhood", "PlottableGraph", "MAX_NODES"]

#: Most concepts one drawing shows (beyond it the labels become unreadable).
MAX_NODES = 30
#: Circumference a ring of the layout gives each concept (one unit between rings).
RING_SPACING = 0.45


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def neighbourhood(kg: PlottableGraph, concept: str, depth: int = 1, *,
                  max_nodes: int = MAX_NODES, min_belief: float = 0.0,
                  predicate: str | Iterable[str] | None = None,
                  include_narrower: bool = True) -> nx.MultiDiGraph:
    """The concepts within ``depth`` relations of ``concept`` (either direction) and the
    relations among them, as a networkx graph with the knowledge graph's attributes (nodes
    also get ``hops``: how many relations away from the start they are).

    ``include_narrower`` starts from the concept and its narrower terms (``"MSCs"``: UC-,
    BM-, AD-MSCs too). Only relations with ``belief >= min_belief`` and of ``predicate`` (when
    given) are followed. When more than ``max_nodes`` concepts are reached, nearer ones win,
    then those linked by the relation of highest belief.

    >>> from pipeline.graph import KnowledgeGraph
    >>> from pipeline.model import Concept, Evidence, Statement
    >>> a, b, c = (Concept(x, x, "CYTOKINE") for x in "ABC")
    >>> kg = KnowledgeGraph.from_statements([Statement(a, "INCREASES", b, [Evidence("1", "s")]),
    ...                                      Statement(b, "INCREASES", c, [Evidence("2", "s")])])
    >>> sorted(neighbourhood(kg, "A")), sorted(neighbourhood(kg, "A", depth=2))
    (['A', 'B'], ['A', 'B', 'C'])
    """
    if depth < 0 or max_nodes < 1:
        raise ValueError(f"depth must be >= 0 and max_nodes >= 1, got {depth} and {max_nodes}")
    g = kg.to_networkx()
    preds = normalize_predicates(predicate)

    def keep(d: dict[str, Any]) -> bool:
        return d["belief"] >= min_belief and (preds is None or d["predicate"] in preds)

    start = kg.scope(concept, include_narrower=include_narrower)
    chosen = dict.fromkeys(start[:max_nodes], 0)  # concept -> relations away from the start
    frontier = list(chosen)
    for hops in range(1, depth + 1):
        best: dict[str, float] = {}
        for n in frontier:
            links = [(v, d) for _u, v, d in g.out_edges(n, data=True)]
            links += [(u, d) for u, _v, d in g.in_edges(n, data=True)]
            for other, d in links:
                if other not in chosen and keep(d):
                    best[other] = max(best.get(other, 0.0), float(d["belief"]))
        ranked = sorted(best, key=lambda n: (-best[n], n))[:max_nodes - len(chosen)]
        chosen.update(dict.fromkeys(ranked, hops))
        frontier = ranked
        if not frontier:
            break
    sub = nx.MultiDiGraph()
    sub.add_nodes_from((n, g.nodes[n] | {"hops": hops}) for n, hops in chosen.items())
    sub.add_edges_from((u, v, k, d) for u, v, k, d in g.edges(chosen, keys=True, data=True)
                       if v in chosen and keep(d))
    return sub


def _layout(sub: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Rings by distance from the start (a lone start concept in the middle), each ring grouped
    by type and name and wide enough for its labels, so a hub's many neighbours do not pile up
    around it as in a spring layout."""
    rings: dict[int, list[str]] = {}
    for n, d in sub.nodes(data=True):
        rings.setdefault(d["hops"], []).append(n)
    pos: dict[str, tuple[float, float]] = {}
    radius = -1.0
    for hops in sorted(rings):
        ring = sorted(rings[hops], key=lambda n: (sub.nodes[n].get("type", ""),
                                                  str(sub.nodes[n].get("name") or n)))
        # one unit between rings; at least RING_SPACING of circumference per concept
        radius = 0.0 if radius < 0 and len(ring) == 1 else \
            max(radius + 1.0, len(ring) * RING_SPACING / (2 * math.pi))
        for i, n in enumerate(ring):
            angle = 2 * math.pi * i / len(ring) + 0.3 * hops  # rings turned against each other
            pos[n] = (radius * math.cos(angle), radius * math.sin(angle))
    return pos


def plot_neighbourhood(kg: PlottableGraph, concept: str, depth: int = 1, *,
                       ax: "Axes | None" = None, max_nodes: int = MAX_NODES,
                       min_belief: float = 0.0, predicate: str | Iterable[str] | None = None,
                       include_narrower: bool = True, edge_labels: bool = False,
                       figsize: tuple[float, float] = (9.0, 8.0)) -> "Axes":
    """Draw :func:`neighbourhood` (same arguments) and return the matplotlib Axes.

    Without ``ax`` a new figure of ``figsize`` inches is made (``ax.figure``; save it with
    ``ax.figure.savefig("n.png")``). ``edge_labels`` writes each relation's predicate on it.
    The layout is rings around the concept, one per step: the same call, the same picture.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    sub = neighbourhood(kg, concept, depth, max_nodes=max_nodes, min_belief=min_belief,
                        predicate=predicate, include_narrower=include_narrower)
    if ax is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        fig = Figure(figsize=figsize)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
    pos = _layout(sub)
    scale = max([math.hypot(x, y) for x, y in pos.values()] + [1.0])
    most = max([d.get("article_count", 1) or 1 for _n, d in sub.nodes(data=True)] + [1])
    size = {n: 120 + 700 * math.sqrt((d.get("article_count", 1) or 1) / most)
            for n, d in sub.nodes(data=True)}
    types = sorted({d.get("type", "") for _n, d in sub.nodes(data=True)})
    for t in types:
        members = [n for n, d in sub.nodes(data=True) if d.get("type", "") == t]
        ax.scatter([pos[n][0] for n in members], [pos[n][1] for n in members],
                   s=[size[n] for n in members], c=TYPE_COLOURS.get(t, DEFAULT_NODE_COLOUR),
                   edgecolors="#424242", linewidths=0.6, zorder=3)
    seen_pairs: dict[frozenset[str], int] = {}
    for u, v, d in sub.edges(data=True):
        if u == v:
            continue
        k = seen_pairs.get(frozenset((u, v)), 0)
        seen_pairs[frozenset((u, v))] = k + 1
        # parallel relations of one pair bend apart instead of drawing over each other
        rad = 0.08 + 0.14 * k
        colour = PREDICATE_COLOURS.get(d["predicate"], DEFAULT_EDGE_COLOUR)
        ax.add_patch(FancyArrowPatch(
            pos[u], pos[v], arrowstyle="-|>", mutation_scale=11,
            connectionstyle=f"arc3,rad={rad}", color=colour,
            alpha=0.3 + 0.7 * float(d["belief"]),
            linewidth=0.8 + 0.5 * math.log2(1 + d.get("evidence_count", 1)),
            linestyle="--" if d.get("contradicted") else "-",
            shrinkA=math.sqrt(size[u]) / 2 + 1, shrinkB=math.sqrt(size[v]) / 2 + 1, zorder=2))
        if edge_labels:
            (x0, y0), (x1, y1) = pos[u], pos[v]
            ax.text((x0 + x1) / 2, (y0 + y1) / 2, d["predicate"], fontsize=6, color=colour,
                    ha="center", va="center", zorder=4)
    for n, d in sub.nodes(data=True):
        ax.text(pos[n][0], pos[n][1] - 0.07 * scale, d.get("name") or n, fontsize=8, ha="center",
                va="top", zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
    nodes_legend = ax.legend(
        handles=[Line2D([], [], marker="o", linestyle="", markersize=8, label=t,
                        markerfacecolor=TYPE_COLOURS.get(t, DEFAULT_NODE_COLOUR),
                        markeredgecolor="#424242") for t in types],
        title="type", loc="upper left", fontsize=7, title_fontsize=8, framealpha=0.8)
    ax.add_artist(nodes_legend)
    preds = sorted({d["predicate"] for _u, _v, d in sub.edges(data=True)})
    if preds:
        ax.legend(handles=[Line2D([], [], color=PREDICATE_COLOURS.get(p, DEFAULT_EDGE_COLOUR),
                                  linewidth=2, label=p) for p in preds],
                  title="predicate", loc="upper right", fontsize=7, title_fontsize=8,
                  framealpha=0.8)
    name = kg.to_networkx().nodes[kg.resolve(concept)].get("name") or concept
    ax.set_title(f"{name}: {_plural(len(sub), 'concept')}, "
                 f"{_plural(sub.number_of_edges(), 'relation')} within "
                 f"{_plural(depth, 'step')}")
    ax.set_axis_off()
    ax.margins(0.12)
    ax.autoscale_view()
    return ax
