"""Cytoscape styles of the exports: Cytoscape.js JSON and the desktop ``vizmap`` XML.

>>> cytoscape_style()[0]["title"]
'mscgraph'
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..model import ENTITY_TYPES

__all__ = ["cytoscape_style", "cytoscape_vizmap_xml", "STYLE_PATH", "TYPE_COLOURS",
           "SIGN_COLOURS"]

STYLE_PATH = Path(str(resources.files("pipeline") / "data" / "cytoscape_style.json"))

#: Node colour per entity type (colour-blind-friendly palette) and edge colour per sign.
TYPE_COLOURS = {"CELL_TYPE": "#0072B2", "CYTOKINE": "#E69F00", "MOLECULE": "#56B4E9",
                "DISEASE": "#D55E00", "OUTCOME": "#009E73", "PROCESS": "#CC79A7",
                "THERAPY": "#F0E442"}
SIGN_COLOURS = {1: "#1B9E77", -1: "#D95F02"}
DEFAULT_NODE_COLOUR, DEFAULT_EDGE_COLOUR = "#BDBDBD", "#9E9E9E"


def cytoscape_style() -> list[dict[str, Any]]:
    """Cytoscape.js style (the layout Cytoscape's "Export Style" writes: a list of titled styles).

    Node colour by ``type``, label ``name``, size by ``article_count``; edge colour and arrow
    by ``sign`` (green/arrow = raises, orange/tee = lowers), width by ``evidence_count``,
    dashed when ``contradicted``, opacity by ``belief``.
    """
    css: list[dict[str, Any]] = [
        {"selector": "node", "css": {
            "label": "data(name)", "background-color": DEFAULT_NODE_COLOUR, "font-size": 10,
            "text-valign": "center", "text-halign": "center", "color": "#212121",
            "width": "mapData(article_count,1,100,20,70)",
            "height": "mapData(article_count,1,100,20,70)"}},
    ]
    css += [{"selector": f"node[type = '{t}']", "css": {"background-color": TYPE_COLOURS[t]}}
            for t in ENTITY_TYPES]
    css += [
        {"selector": "edge", "css": {
            "width": "mapData(evidence_count,1,50,1,10)", "line-color": DEFAULT_EDGE_COLOUR,
            "target-arrow-color": DEFAULT_EDGE_COLOUR, "target-arrow-shape": "triangle",
            "curve-style": "bezier", "opacity": "mapData(belief,0,1,0.35,1)"}},
        {"selector": "edge[sign > 0]", "css": {"line-color": SIGN_COLOURS[1],
                                               "target-arrow-color": SIGN_COLOURS[1],
                                               "target-arrow-shape": "triangle"}},
        {"selector": "edge[sign < 0]", "css": {"line-color": SIGN_COLOURS[-1],
                                               "target-arrow-color": SIGN_COLOURS[-1],
                                               "target-arrow-shape": "tee"}},
        {"selector": "edge[?contradicted]", "css": {"line-style": "dashed"}},
        {"selector": ":selected", "css": {"overlay-color": "#FFEB3B", "overlay-opacity": 0.4}},
    ]
    return [{"format_version": "1.0", "generated_by": "mscgraph",
             "target_cytoscapejs_version": "~3.2", "title": "mscgraph", "style": css}]


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
    signs = {"1": SIGN_COLOURS[1], "-1": SIGN_COLOURS[-1]}
    discrete(vp(edge, "EDGE_STROKE_UNSELECTED_PAINT", DEFAULT_EDGE_COLOUR), "sign", "integer",
             signs)
    discrete(vp(edge, "EDGE_TARGET_ARROW_UNSELECTED_PAINT", DEFAULT_EDGE_COLOUR), "sign",
             "integer", signs)
    discrete(vp(edge, "EDGE_TARGET_ARROW_SHAPE", "DELTA"), "sign", "integer",
             {"1": "DELTA", "-1": "T"})
    discrete(vp(edge, "EDGE_LINE_TYPE", "SOLID"), "contradicted", "boolean",
             {"true": "EQUAL_DASH", "false": "SOLID"})
    continuous(vp(edge, "EDGE_WIDTH", "2.0"), "evidence_count", "integer",
               [(1.0, 1.0), (50.0, 10.0)])
    continuous(vp(edge, "EDGE_TRANSPARENCY", "255"), "belief", "float",
               [(0.0, 90.0), (1.0, 255.0)])
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


