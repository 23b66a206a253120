"""Styles of the exports, from one table: Cytoscape.js, Cytoscape desktop ``vizmap`` XML, HTML.

Nodes are coloured by entity type (:data:`TYPE_COLOURS`); edges by predicate, each with its
own colour and arrow head (:data:`PREDICATE_STYLES`), so TREATS never looks like DECREASES.
The colours themselves are :mod:`pipeline.graph.colours`' (shared with ``kg.plot``).

>>> [s["selector"] for s in cytoscape_style()][:2]
['node', "node[type = 'CELL_TYPE']"]
>>> PREDICATE_STYLES["TREATS"].colour != PREDICATE_STYLES["DECREASES"].colour
True
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, NamedTuple, Sequence

from ..graph.colours import (DEFAULT_EDGE_COLOUR, DEFAULT_NODE_COLOUR, PREDICATE_COLOURS,
                             TYPE_COLOURS)
from ..model import ENTITY_TYPES, PREDICATES

__all__ = ["cytoscape_style", "cytoscape_vizmap_xml", "STYLE_PATH", "TYPE_COLOURS",
           "PREDICATE_STYLES", "PredicateStyle", "DEFAULT_NODE_COLOUR", "DEFAULT_EDGE_COLOUR"]

#: The stylesheet as a committed file (outside ``pipeline/data``: styles are not extraction data).
STYLE_PATH = Path(str(resources.files("pipeline.exports") / "assets" / "cytoscape_style.json"))



class PredicateStyle(NamedTuple):
    """How one predicate's edges look: colour and arrow head in each client's vocabulary."""

    colour: str
    cyjs_arrow: str  # Cytoscape.js target-arrow-shape
    desktop_arrow: str  # Cytoscape desktop EDGE_TARGET_ARROW_SHAPE
    vis_arrow: str  # vis-network arrows.to.type (the HTML page)


PREDICATE_STYLES: dict[str, PredicateStyle] = {
    p: PredicateStyle(PREDICATE_COLOURS[p], *arrows) for p, arrows in (
        ("INCREASES", ("triangle", "DELTA", "arrow")),
        ("DECREASES", ("tee", "T", "bar")),
        ("TREATS", ("diamond", "DIAMOND", "diamond")),
        ("SECRETES", ("circle", "CIRCLE", "circle")),
        ("DIFFERENTIATES_INTO", ("vee", "ARROW", "vee")))}


def cytoscape_style() -> list[dict[str, Any]]:
    """Cytoscape.js stylesheet, usable as-is: ``cytoscape({style: <this list>, ...})``.

    Node colour by ``type``, label ``name``, size by ``article_count``; edge colour and arrow
    head by ``interaction`` (the predicate), label = predicate, width by ``evidence_count``,
    dashed when ``contradicted``, opacity by ``belief``.
    """
    sheet: list[dict[str, Any]] = [
        {"selector": "node", "style": {
            "label": "data(name)", "background-color": DEFAULT_NODE_COLOUR, "font-size": 10,
            "text-valign": "bottom", "text-halign": "center", "color": "#212121",
            "text-wrap": "wrap", "text-max-width": "120px",
            "width": "mapData(article_count, 1, 100, 20, 70)",
            "height": "mapData(article_count, 1, 100, 20, 70)"}},
    ]
    sheet += [{"selector": f"node[type = '{t}']", "style": {"background-color": TYPE_COLOURS[t]}}
              for t in ENTITY_TYPES]
    sheet.append({"selector": "edge", "style": {
        "width": "mapData(evidence_count, 1, 50, 1, 10)", "line-color": DEFAULT_EDGE_COLOUR,
        "target-arrow-color": DEFAULT_EDGE_COLOUR, "target-arrow-shape": "triangle",
        "curve-style": "bezier", "opacity": "mapData(belief, 0, 1, 0.35, 1)",
        "label": "data(interaction)", "font-size": 7, "color": "#616161",
        "text-rotation": "autorotate"}})
    sheet += [{"selector": f"edge[interaction = '{p}']", "style": {
        "line-color": s.colour, "target-arrow-color": s.colour,
        "target-arrow-shape": s.cyjs_arrow}} for p, s in PREDICATE_STYLES.items()]
    sheet += [
        {"selector": "edge[?contradicted]", "style": {"line-style": "dashed"}},
        {"selector": ":selected", "style": {"overlay-color": "#FFEB3B", "overlay-opacity": 0.4}},
    ]
    return sheet


def cytoscape_vizmap_xml() -> str:
    """The same style as a Cytoscape desktop ``vizmap`` XML (File > Import > Styles from File)."""
    def vp(parent: ET.Element, name: str, default: str) -> ET.Element:
        return ET.SubElement(parent, "visualProperty", {"name": name, "default": default})

    def discrete(prop: ET.Element, attr: str, atype: str, entries: Mapping[str, str]) -> None:
        m = ET.SubElement(prop, "discreteMapping", {"attributeType": atype,
                                                    "attributeName": attr})
        for k, v in entries.items():
            ET.SubElement(m, "discreteMappingEntry", {"attributeValue": k, "value": v})

    def continuous(prop: ET.Element, attr: str, atype: str, points: Sequence[tuple]) -> None:
        m = ET.SubElement(prop, "continuousMapping", {"attributeType": atype,
                                                      "attributeName": attr})
        for x, y in points:
            ET.SubElement(m, "continuousMappingPoint", {"attrValue": str(x), "equalValue": str(y),
                                                        "greaterValue": str(y),
                                                        "lesserValue": str(y)})

    root = ET.Element("vizmap", {"id": "mscgraph", "documentVersion": "3.1"})
    style = ET.SubElement(root, "visualStyle", {"name": "mscgraph"})
    net = ET.SubElement(style, "network")
    vp(net, "NETWORK_BACKGROUND_PAINT", "#FFFFFF")
    node = ET.SubElement(style, "node")
    ET.SubElement(node, "dependency", {"name": "nodeSizeLocked", "value": "true"})
    discrete(vp(node, "NODE_FILL_COLOR", DEFAULT_NODE_COLOUR), "type", "string", TYPE_COLOURS)
    ET.SubElement(vp(node, "NODE_LABEL", ""), "passthroughMapping",
                  {"attributeType": "string", "attributeName": "name"})
    vp(node, "NODE_SHAPE", "ELLIPSE")
    vp(node, "NODE_LABEL_FONT_SIZE", "10")
    continuous(vp(node, "NODE_SIZE", "30.0"), "article_count", "integer",
               [(1.0, 20.0), (100.0, 70.0)])
    edge = ET.SubElement(style, "edge")
    colours = {p: s.colour for p, s in PREDICATE_STYLES.items()}
    discrete(vp(edge, "EDGE_STROKE_UNSELECTED_PAINT", DEFAULT_EDGE_COLOUR), "interaction",
             "string", colours)
    discrete(vp(edge, "EDGE_TARGET_ARROW_UNSELECTED_PAINT", DEFAULT_EDGE_COLOUR),
             "interaction", "string", colours)
    discrete(vp(edge, "EDGE_TARGET_ARROW_SHAPE", "DELTA"), "interaction", "string",
             {p: s.desktop_arrow for p, s in PREDICATE_STYLES.items()})
    ET.SubElement(vp(edge, "EDGE_LABEL", ""), "passthroughMapping",
                  {"attributeType": "string", "attributeName": "interaction"})
    vp(edge, "EDGE_LABEL_FONT_SIZE", "8")
    vp(edge, "EDGE_LABEL_COLOR", "#616161")
    discrete(vp(edge, "EDGE_LINE_TYPE", "SOLID"), "contradicted", "boolean",
             {"true": "EQUAL_DASH", "false": "SOLID"})
    continuous(vp(edge, "EDGE_WIDTH", "2.0"), "evidence_count", "integer",
               [(1.0, 1.0), (50.0, 10.0)])
    continuous(vp(edge, "EDGE_TRANSPARENCY", "255"), "belief", "float",
               [(0.0, 90.0), (1.0, 255.0)])
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
