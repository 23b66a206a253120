"""One self-contained HTML page of the graph for a browser: :func:`write_html`.

The page works offline from a ``file://`` URL: it loads no network resource. Its drawing
library, vis-network, is read at export time from the ``pyvis`` distribution
(:data:`VIS_PACKAGE`, :data:`VIS_FILES`) and inlined; the page's own markup, style and
script are ``pipeline/exports/assets/graph_page.html``. The graph travels as JSON in a
``<script type="application/json">`` element, with ``<`` escaped so that no text in it can
close the element. The page colours nodes by type and edges by predicate (legends from
:mod:`.style`), has a search box and filters (belief, evidence count, type, species, study
type), and shows a node's or an edge's evidence sentences on click. Once drawn, it sets
``<body data-nodes="N">`` to the number of nodes it drew. Given the markdown of the nightly
digest (:func:`pipeline.report.write_digest`), the page opens with it in its side panel
(:func:`digest_blocks`: headings, items and sentences as text, never as markup).

>>> from pipeline.model import Concept, Evidence, Statement
>>> kg = KnowledgeGraph.from_statements([Statement(Concept("A", "a</script>", "CELL_TYPE"),
...     "TREATS", Concept("D", "d", "DISEASE"), [Evidence("7", "a</script> treats d")])])
>>> page = html_page(kg)
>>> "a</script>" in page, r"a\\u003c/script>" in page
(False, True)
>>> [n["id"] for n in page_data(kg)["nodes"]]
['A', 'D']
"""
from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

from ..errors import PipelineError
from ..graph import KnowledgeGraph
from .files import atomic_write
from .flatten import edge_names, export_view
from .style import DEFAULT_EDGE_COLOUR, DEFAULT_NODE_COLOUR, PREDICATE_STYLES, TYPE_COLOURS

__all__ = ["VIS_PACKAGE", "VIS_FILES", "TEMPLATE", "vis_network_assets", "page_data",
           "digest_blocks", "html_page", "page_pieces", "write_html"]

#: The maintained package whose bundled vis-network the page inlines, and the files it reads.
VIS_PACKAGE = "pyvis"
VIS_FILES = ("lib/vis-9.1.2/vis-network.min.js", "lib/vis-9.1.2/vis-network.css")
TEMPLATE = "graph_page.html"
_SLOT = re.compile(r"/\*@(VIS_CSS|VIS_JS|GRAPH_DATA)@\*/")
_DIGEST_LINE = re.compile(r"^(?P<indent> *)(?P<mark>#{1,6} |- )?(?P<text>.*)$")


def vis_network_assets() -> tuple[str, str]:
    """The vis-network script and stylesheet shipped by :data:`VIS_PACKAGE`, as text.

    Raises
    ------
    PipelineError
        The package or one of its files is missing (the message says what to install).

    >>> script, css = vis_network_assets()
    >>> "vis-network" in script[:200], ".vis-network" in css
    (True, True)
    """
    hint = (f"the HTML export inlines vis-network from the {VIS_PACKAGE!r} package; "
            f"install it with: pip install 'pyvis>=0.3.2,<0.4'")
    try:
        root = resources.files(VIS_PACKAGE)
    except ModuleNotFoundError:
        raise PipelineError(f"package {VIS_PACKAGE!r} is not installed; {hint}") from None
    texts = []
    for name in VIS_FILES:
        try:
            texts.append(root.joinpath(name).read_text(encoding="utf-8"))
        except OSError:
            raise PipelineError(f"{VIS_PACKAGE} has no {name}; {hint}") from None
    script, css = texts
    # devtools would fetch the (absent) source map; the page promises no outside resource
    script = re.sub(r"^//# sourceMappingURL=.*$", "", script, flags=re.MULTILINE)
    return script, css


def digest_blocks(markdown: str | None) -> list[dict[str, Any]]:
    """The digest's markdown as blocks the page turns into elements: ``{"kind", "text"}``
    with kind ``h1``/``h2`` (headings), ``item`` / ``sentence`` (list items and the sentences
    under them) or ``p``; ``**`` marks bold runs, the markdown escape ``\\|`` is undone.

    >>> digest_blocks("# new\\n\\n- **A TREATS B**; PMIDs: 1\\n  - PMID 1: A \\\\| B.")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'kind': 'h1', 'text': 'new'}, {'kind': 'item', 'text': '**A TREATS B**; PMIDs: 1'},
     {'kind': 'sentence', 'text': 'PMID 1: A | B.'}]
    """
    blocks = []
    for line in (markdown or "").splitlines():
        m = _DIGEST_LINE.match(line.rstrip())
        if m is None or not m["text"].strip():
            continue
        mark = (m["mark"] or "").strip()
        kind = ("h1" if mark == "#" else "h2" if mark.startswith("#") else
                ("sentence" if m["indent"] else "item") if mark == "-" else "p")
        blocks.append({"kind": kind, "text": m["text"].strip().replace("\\|", "|")})
    return blocks


#: Evidence sentences per edge embedded in the page (newest first); the rest are counted and
#: left to the evidence CSV, so a 100k-article graph gives a page a browser can open.
PAGE_EVIDENCE_PER_EDGE = 5


def page_data(kg: KnowledgeGraph, *, keep_isolated: bool = False, date: str | None = None,
              digest: str | None = None,
              evidence_per_edge: int = PAGE_EVIDENCE_PER_EDGE) -> dict[str, Any]:
    """What the page draws: nodes, edges (with up to ``evidence_per_edge`` sentences each,
    newest first, when ``kg`` has evidence; ``evidence_more`` counts the others), styles,
    meta, and the nightly ``digest`` (markdown, see :func:`digest_blocks`) when given.

    >>> from pipeline.model import Concept, Evidence, Statement
    >>> kg = KnowledgeGraph.from_statements([Statement(Concept("A", "a", "CELL_TYPE"),
    ...     "SECRETES", Concept("B", "b", "CYTOKINE"), [Evidence("1", "a secretes b")])])
    >>> e = page_data(kg)["edges"][0]
    >>> e["name"], e["evidence"][0]["pmid"]
    ('a (SECRETES) b', '1')
    """
    g = export_view(kg.to_networkx(), keep_isolated=keep_isolated)
    shown = _newest_evidence(kg, evidence_per_edge) if kg.has_evidence else {}
    nodes = [{"id": n, "name": d.get("name") or n, "type": d.get("type", ""),
              "article_count": d.get("article_count", 0), "synonyms": list(d.get("synonyms", ()))}
             for n, d in g.nodes(data=True)]
    edges = []
    for i, ((u, v, d), name) in enumerate(zip(g.edges(data=True), edge_names(g))):
        e = {k: d.get(k) for k in ("predicate", "belief", "evidence_count", "article_count",
                                   "negated_count", "hedged_count", "first_year", "last_year",
                                   "contradicted", "contradiction", "species", "study_types")}
        e |= {"id": i, "source": u, "target": v, "name": name}
        if (u, d["predicate"], v) in shown:
            e["evidence"], e["evidence_more"] = shown[(u, d["predicate"], v)]
        edges.append(e)
    s = kg.summary()
    summary = (f"{len(nodes)} concepts, {len(edges)} relations, {s['evidence']} sentences, "
               f"{s['articles']} articles" + (f" · {date}" if date else ""))
    return {"meta": {"title": "mscgraph: MSC therapy mechanisms", "summary": summary,
                     "keep_isolated": keep_isolated},
            "evidence_map": evidence_map_rows(kg), "digest": digest_blocks(digest),
            "styles": {"types": TYPE_COLOURS, "node": DEFAULT_NODE_COLOUR,
                       "edge": DEFAULT_EDGE_COLOUR,
                       "predicates": {p: {"colour": st.colour, "arrow": st.vis_arrow}
                                      for p, st in PREDICATE_STYLES.items()}},
            "nodes": nodes, "edges": edges}


def _newest_evidence(kg: KnowledgeGraph, n: int
                     ) -> dict[tuple[str, str, str], tuple[list[dict[str, Any]], int]]:
    """Per statement key, its ``n`` newest evidence records (newest year first, then PMID, then
    the graph's order) and how many more there are; statements are streamed one at a time."""
    shown = {}
    for st in kg.iter_statements():
        newest = sorted(st.evidence, key=lambda ev: (-(ev.year or 0), ev.pmid))
        shown[st.matches_key()] = ([ev.to_json() for ev in newest[:n]], max(0, len(newest) - n))
    return shown


def evidence_map_rows(kg: KnowledgeGraph, limit: int = 40) -> list[dict[str, Any]]:
    """The strongest cells of the disease × mechanism evidence map (none without evidence)."""
    if not kg.has_evidence:
        return []
    table = kg.evidence_map()
    cols = ["disease", "mechanism", "mechanism_type", "articles", "net_direction",
            "best_study_type", "belief"]
    rows = table.sort_values(["articles", "belief"], ascending=False).head(limit)
    return [{c: (r[c].item() if hasattr(r[c], "item") else r[c]) for c in cols}
            for _, r in rows.iterrows()]


def _raw_text_safe(text: str, tag: str) -> str:
    # inside <script>/<style> only "</tag" (any case) ends the element; "<\/" means the same
    # inside JavaScript strings and regexes, and never occurs in vis-network's CSS
    return re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)


def _json_text(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # no "</script>" can end the element; U+2028/9 are line ends to older JavaScript
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _json_pieces(data: dict[str, Any], streamed: tuple[str, ...] = ("nodes", "edges"),
                 batch: int = 500) -> Iterator[str]:
    """``json.dumps`` of ``data`` (made safe for the page) in pieces: the lists under
    ``streamed``, its last keys, a ``batch`` of items at a time, never the whole text at once."""
    head = _json_text({k: v for k, v in data.items() if k not in streamed})
    yield head[:-1]
    for n, name in enumerate(streamed):
        items = data[name]
        yield ("," if n or len(head) > 2 else "") + _json_text(name) + ":["
        for i in range(0, len(items), batch):
            yield ("," if i else "") + ",".join(_json_text(x) for x in items[i:i + batch])
        yield "]"
    yield "}"


def page_pieces(kg: KnowledgeGraph, *, keep_isolated: bool = False, date: str | None = None,
                digest: str | None = None) -> Iterator[str]:
    """The page (see the module docstring) as consecutive pieces of text, so that writing it
    never holds the whole page (hundreds of MB at 100k articles) as one string."""
    script, css = vis_network_assets()
    data = page_data(kg, keep_isolated=keep_isolated, date=date, digest=digest)
    template = (resources.files("pipeline.exports") / "assets" / TEMPLATE).read_text(
        encoding="utf-8")
    for i, part in enumerate(_SLOT.split(template)):
        if i % 2 == 0:  # text between the slots
            yield part
        elif part == "GRAPH_DATA":
            yield from _json_pieces(data)
        else:
            yield _raw_text_safe(css, "style") if part == "VIS_CSS" else \
                _raw_text_safe(script, "script")


def html_page(kg: KnowledgeGraph, *, keep_isolated: bool = False, date: str | None = None,
              digest: str | None = None) -> str:
    """The page as a string (see the module docstring; :func:`page_pieces` joined)."""
    return "".join(page_pieces(kg, keep_isolated=keep_isolated, date=date, digest=digest))


def write_html(kg: KnowledgeGraph, path: str | Path, *, keep_isolated: bool = False,
               date: str | None = None, digest: str | None = None) -> Path:
    """Write the self-contained graph page (UTF-8; with the nightly ``digest`` markdown in a
    panel when given); returns the path.

    >>> import tempfile
    >>> from pipeline.model import Concept, Evidence, Statement
    >>> kg = KnowledgeGraph.from_statements([Statement(Concept("A", "a", "CELL_TYPE"),
    ...     "TREATS", Concept("D", "d", "DISEASE"), [Evidence("7", "a treats d")])])
    >>> write_html(kg, tempfile.mkdtemp() + "/g.html").read_text()[:15]
    '<!DOCTYPE html>'
    """
    with atomic_write(path, "w") as fh:
        for piece in page_pieces(kg, keep_isolated=keep_isolated, date=date, digest=digest):
            fh.write(piece)
    return Path(path)
