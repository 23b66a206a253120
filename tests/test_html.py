"""The HTML export: self-contained, escaped, and drawn by a real browser (headless Chromium).

The browser tests need Debian's ``chromium`` (``.ci/run`` installs it when it can) and skip
with a reason without it. The Cytoscape.js check needs ``node`` with the ``cytoscape`` npm
package on its path (e.g. ``NODE_PATH=.../node_modules``) and skips otherwise.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.exports import html as html_export
from pipeline.exports import STYLE_PATH, cyjs_data, html_page, page_data, write_html
from pipeline.graph import KnowledgeGraph
from pipeline.model import Concept, Evidence, Statement

from test_assembly import corpus

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="needs Debian's chromium (/usr/bin/chromium); "
                                           "apt-get install -y chromium")


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.from_extractions(corpus())


def connected(kg: KnowledgeGraph) -> int:
    g = kg.to_networkx()
    return sum(1 for n in g if g.degree(n))


def render(page: Path, tmp_path: Path, fragment: str = "") -> tuple[str, str]:
    """The DOM after scripts ran, and the browser's log (stderr)."""
    proc = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", "--dump-dom", page.resolve().as_uri() + fragment],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


def body_attrs(dom: str) -> dict[str, str]:
    tag = re.search(r"<body([^>]*)>", dom).group(1)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


def console_errors(log: str) -> list[str]:
    """Uncaught exceptions and console.error calls of the page (Chromium's log lines)."""
    return [line for line in log.splitlines()
            if "Uncaught" in line or re.search(r":ERROR:CONSOLE\b", line)]


def test_page_is_self_contained(kg):
    page = html_page(kg)
    assert not re.search(r"<(link|iframe|img|object|embed)\b", page, re.IGNORECASE)
    assert not re.search(r"""\b(src|href)\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", page, re.IGNORECASE)
    assert "sourceMappingURL" not in page
    assert "vis-network" in page and "9.1.2" in page  # inlined from pyvis, not referenced


def test_page_data_escapes_and_carries_evidence(kg):
    data = page_data(kg, date="2024-01-01")
    assert len(data["nodes"]) == connected(kg)
    edge = next(e for e in data["edges"] if e["name"] == "mesenchymal stem cell (DECREASES) "
                                                        "TGF-β1")
    assert sorted(ev["pmid"] for ev in edge["evidence"]) == ["101", "102", "106"]
    assert {ev["pmid"]: (ev["negated"], ev["hedged"]) for ev in edge["evidence"]}["106"] == \
        (True, False)
    assert len(page_data(kg, keep_isolated=True)["nodes"]) == len(kg.to_networkx())
    nasty = KnowledgeGraph.from_statements([Statement(
        Concept("X", "x</SCRIPT><script>alert(1)</script>", "CELL_TYPE"), "TREATS",
        Concept("Y", "y\u2028z", "DISEASE"), [Evidence("9", "x</script> treats y")])])
    page = html_page(nasty)
    start = page.index('id="graph-data">') + len('id="graph-data">')
    blob = page[start:page.index("</script>", start)]
    assert json.loads(blob)["nodes"][0]["name"].startswith("x</SCRIPT>")
    assert "<" not in blob and "\u2028" not in blob


def test_missing_vis_package_names_it(kg, monkeypatch):
    monkeypatch.setattr(html_export, "VIS_PACKAGE", "no_such_vis_package")
    with pytest.raises(PipelineError, match="no_such_vis_package.*pip install 'pyvis"):
        html_page(kg)


@needs_chromium
def test_chromium_draws_every_connected_node_without_errors(kg, tmp_path):
    page = write_html(kg, tmp_path / "g.html")
    dom, log = render(page, tmp_path)
    attrs = body_attrs(dom)
    assert attrs.get("data-nodes") == str(connected(kg)) == "7"
    assert "data-error" not in attrs and console_errors(log) == []
    kept = write_html(kg, tmp_path / "kept.html", keep_isolated=True)
    assert body_attrs(render(kept, tmp_path)[0]).get("data-nodes") == "8"


@needs_chromium
def test_chromium_loads_nothing_from_outside(kg, tmp_path):
    page = write_html(kg, tmp_path / "g.html")
    probe = ("<script>window.addEventListener('load', function () { setTimeout(function () {"
             "document.body.setAttribute('data-resources', String(performance"
             ".getEntriesByType('resource').length)); }, 500); });</script></body>")
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", probe),
                    encoding="utf-8")
    attrs = body_attrs(render(page, tmp_path)[0])
    assert attrs.get("data-resources") == "0"


def expected_nodes(kg: KnowledgeGraph, keep) -> int:
    """Nodes the page should draw when only edges passing ``keep(u, v, attrs)`` are shown."""
    g = kg.to_networkx()
    return len({x for u, v, d in g.edges(data=True) if keep(g, u, v, d) for x in (u, v)})


@needs_chromium
@pytest.mark.parametrize("action, keep", [
    ("setValue('min-evidence', '2')", lambda g, u, v, d: d["evidence_count"] >= 2),
    ("setValue('min-belief', '0.8')", lambda g, u, v, d: d["belief"] >= 0.8),
    ("setValue('species', 'mouse')", lambda g, u, v, d: d["species"].get("mouse")),
    ("setValue('study-type', 'animal_model')",
     lambda g, u, v, d: d["study_types"].get("animal_model")),
    ("uncheck('DISEASE')", lambda g, u, v, d: "DISEASE" not in (g.nodes[u]["type"],
                                                              g.nodes[v]["type"])),
])
def test_chromium_filters_redraw_the_matching_nodes(kg, tmp_path, action, keep):
    page = write_html(kg, tmp_path / "g.html")
    probe = ("<script>function setValue(id, v) { var x = document.getElementById(id);"
             " x.value = v; x.dispatchEvent(new Event(x.tagName === 'SELECT' ? 'change' :"
             " 'input')); }"
             "function uncheck(t) { var x = document.querySelector('#types input[value=' + t +"
             " ']'); x.checked = false; x.dispatchEvent(new Event('change')); }"
             f"window.addEventListener('load', function () {{ setTimeout(function () {{ {action};"
             " }, 2000); });</script></body>")
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", probe),
                    encoding="utf-8")
    dom, log = render(page, tmp_path)
    want = expected_nodes(kg, keep)
    assert 0 < want < connected(kg)
    assert body_attrs(dom).get("data-nodes") == str(want) and console_errors(log) == []


@needs_chromium
def test_chromium_search_opens_evidence_with_pubmed_links(kg, tmp_path):
    page = write_html(kg, tmp_path / "g.html")
    dom, log = render(page, tmp_path, "#search=HGF")
    assert "data-error" not in body_attrs(dom) and console_errors(log) == []
    panel = dom[dom.index('id="panel"'):]
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/103/"' in panel
    assert '<mark class="s">HGF</mark>' in panel
    assert "2018" in panel and "in_vitro" in panel


@needs_chromium
def test_chromium_survives_script_in_names(tmp_path):
    nasty = KnowledgeGraph.from_statements([Statement(
        Concept("X", "x</script><script>document.body.dataset.pwned=1</script>", "CELL_TYPE"),
        "TREATS", Concept("Y", "y", "DISEASE"),
        [Evidence("9", "x</script> treats <b>y</b>", subject_text="x</script>")])])
    page = write_html(nasty, tmp_path / "n.html")
    attrs = body_attrs(render(page, tmp_path, "#search=y")[0])
    assert attrs.get("data-nodes") == "2" and "data-pwned" not in attrs
    assert "data-error" not in attrs


def _node_with_cytoscape() -> bool:
    if shutil.which("node") is None:
        return False
    return subprocess.run(["node", "-e", "require('cytoscape')"], capture_output=True,
                          timeout=60).returncode == 0


@pytest.mark.skipif(not _node_with_cytoscape(),
                    reason="needs node with the cytoscape npm package (NODE_PATH)")
def test_cytoscape_js_accepts_the_stylesheet_as_is(kg, tmp_path):
    (tmp_path / "elements.json").write_text(json.dumps(cyjs_data(kg)), encoding="utf-8")
    script = """
      const cytoscape = require("cytoscape"), fs = require("fs"), warnings = [];
      console.warn = console.error = (...a) => warnings.push(a.join(" "));
      const cy = cytoscape({headless: true, styleEnabled: true,
        style: JSON.parse(fs.readFileSync(process.argv[1], "utf8")),
        elements: JSON.parse(fs.readFileSync(process.argv[2], "utf8")).elements});
      const e = (p) => cy.edges(`[interaction = '${p}']`)[0];
      console.log(JSON.stringify({warnings, label: cy.nodes()[0].style("label"),
        treats: [e("TREATS").style("line-color"), e("TREATS").style("target-arrow-shape")],
        decreases: [e("DECREASES").style("line-color"),
                    e("DECREASES").style("target-arrow-shape")]}));
      process.exit(0);  // the headless renderer keeps a timer alive
    """
    out = subprocess.run(["node", "-e", script, str(STYLE_PATH), str(tmp_path / "elements.json")],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    got = json.loads(out)
    assert got["warnings"] == [] and got["label"] == "mesenchymal stem cell"
    assert got["treats"][0] != got["decreases"][0] and got["treats"][1] != got["decreases"][1]


def test_page_carries_the_evidence_map_when_the_graph_has_evidence():
    from pipeline.exports.html import page_data
    from pipeline.graph import KnowledgeGraph
    from pipeline.model import Concept, Evidence, Statement
    msc, hgf = Concept("CL:0000134", "MSC", "CELL_TYPE"), Concept("HGNC:4893", "HGF", "CYTOKINE")
    fib = Concept("MESH:D008103", "Liver Cirrhosis", "DISEASE")
    kg = KnowledgeGraph.from_statements([
        Statement(msc, "SECRETES", hgf,
                  [Evidence("1", "MSCs secrete HGF.", study_type="animal_model")]),
        Statement(hgf, "DECREASES", fib,
                  [Evidence("1", "HGF lowers fibrosis.", study_type="animal_model")])])
    rows = page_data(kg)["evidence_map"]
    assert isinstance(rows, list)
    assert all({"disease", "mechanism", "articles", "net_direction", "belief"} <= set(r)
               for r in rows)


def digest_of(kg: KnowledgeGraph) -> str:
    from pipeline.report import digest_markdown, whats_new
    return digest_markdown(whats_new(None, kg), "2026-01-02")


def test_page_carries_the_digest_as_text_blocks(kg):
    assert page_data(kg)["digest"] == []
    blocks = page_data(kg, digest=digest_of(kg))["digest"]
    assert blocks[0] == {"kind": "h1", "text": "mscgraph: what's new on 2026-01-02"}
    kinds = {b["kind"] for b in blocks}
    assert {"h1", "h2", "item", "sentence", "p"} <= kinds
    assert any(b["kind"] == "item" and b["text"].startswith("**") for b in blocks)


@needs_chromium
def test_chromium_shows_the_digest_panel(kg, tmp_path):
    digest = digest_of(kg) + "- **<img src=x onerror=document.body.dataset.pwned=1>**\n"
    page = write_html(kg, tmp_path / "g.html", digest=digest)
    dom, log = render(page, tmp_path)
    attrs = body_attrs(dom)
    assert "data-error" not in attrs and "data-pwned" not in attrs and console_errors(log) == []
    panel = dom[dom.index('id="panel"'):]
    assert '<div id="digest-panel">' in panel
    assert "<h3 class=\"h1\">mscgraph: what's new on 2026-01-02</h3>" in panel
    assert '<div class="item"><strong>mesenchymal stem cell' in panel
    assert "&lt;img src=x" in panel
    side = dom[dom.index('id="digest"'):dom.index('id="graph"')]
    assert 'id="digest-open"' in side
    plain = write_html(kg, tmp_path / "plain.html")
    assert "no nightly digest in this export" in render(plain, tmp_path)[0]


def test_page_embeds_a_few_sentences_per_edge_newest_first():
    from pipeline.exports.html import page_data
    from pipeline.graph import KnowledgeGraph
    from pipeline.model import Concept, Evidence, Statement
    ev = [Evidence(str(i), f"a secretes b ({i})", year=2000 + i) for i in range(4)]
    kg = KnowledgeGraph.from_statements([Statement(Concept("A", "a", "CELL_TYPE"), "SECRETES",
                                                   Concept("B", "b", "CYTOKINE"), ev)])
    e = page_data(kg, evidence_per_edge=2)["edges"][0]
    assert [x["pmid"] for x in e["evidence"]] == ["3", "2"]
    assert e["evidence_more"] == 2 and e["evidence_count"] == 4
