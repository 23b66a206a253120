"""The one colour table of the graph's pictures: nodes by entity type, edges by predicate.

Read by :mod:`pipeline.graph.plot` (matplotlib) and by :mod:`pipeline.exports.style`
(Cytoscape.js, Cytoscape desktop, the HTML page), so every picture of the graph agrees.

>>> TYPE_COLOURS["DISEASE"], PREDICATE_COLOURS["TREATS"] != PREDICATE_COLOURS["DECREASES"]
('#D55E00', True)
"""
from __future__ import annotations

__all__ = ["TYPE_COLOURS", "PREDICATE_COLOURS", "DEFAULT_NODE_COLOUR", "DEFAULT_EDGE_COLOUR"]

#: Node colour per entity type (Okabe-Ito, colour-blind-friendly).
TYPE_COLOURS = {"CELL_TYPE": "#0072B2", "CYTOKINE": "#E69F00", "MOLECULE": "#56B4E9",
                "DISEASE": "#D55E00", "OUTCOME": "#009E73", "PROCESS": "#CC79A7",
                "THERAPY": "#F0E442"}
#: Edge colour per predicate (ColorBrewer Dark2): TREATS never looks like DECREASES.
PREDICATE_COLOURS = {"INCREASES": "#1B9E77", "DECREASES": "#D95F02", "TREATS": "#7570B3",
                     "SECRETES": "#E7298A", "DIFFERENTIATES_INTO": "#A6761D"}
DEFAULT_NODE_COLOUR, DEFAULT_EDGE_COLOUR = "#BDBDBD", "#9E9E9E"
