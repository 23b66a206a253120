"""docs/analyst.ipynb runs from top to bottom on a demo store it builds itself.

The notebook is executed with nbclient in a kernel that is this test's own Python (a kernelspec
written to a temporary JUPYTER_PATH), so the editable install of the checkout is what it
imports, on a fresh clone as on a developer's machine with other kernels registered.
"""
from __future__ import annotations

import html
import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[dev]' (nbclient, ipykernel)")
nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[dev]' (nbclient, ipykernel)")
pytest.importorskip("ipykernel", reason="pip install -e '.[dev]' (nbclient, ipykernel)")

from pipeline.graph import KnowledgeGraph  # noqa: E402
from pipeline.store import Store  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "analyst.ipynb"
KERNEL = "mscgraph-tests"


def text_of(cell) -> str:
    """Everything a code cell showed, as text (plain, HTML and stream output)."""
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        data = out.get("data", {})
        parts += [data.get("text/plain", ""), data.get("text/html", "")]
    return "\n".join(parts)


def source_cell(nb, snippet: str):
    return next(c for c in nb.cells if c.cell_type == "code" and snippet in c.source)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("notebook")
    spec = tmp / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "mscgraph tests", "language": "python"}), encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PATH", str(tmp / "jupyter"))
    mp.setenv("JUPYTER_RUNTIME_DIR", str(tmp / "runtime"))
    mp.setenv("IPYTHONDIR", str(tmp / "ipython"))
    mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    mp.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    mp.delenv("PREFECT_API_URL", raising=False)  # the demo build starts its own server
    nb = nbformat.read(NOTEBOOK, as_version=4)
    url = f"sqlite:///{tmp / 'demo.sqlite'}"
    params = source_cell(nb, "DEMO_STORE_URL = None")
    params.source = f"DEMO_STORE_URL = {url!r}\nDEMO_EXPORT_DIR = {str(tmp / 'exports')!r}"
    try:
        nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=600,
                                resources={"metadata": {"path": str(tmp)}}).execute()
    finally:
        mp.undo()
    return nb, url, tmp


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_runs_without_errors_and_shows_what_it_promises(executed):
    nb, url, tmp = executed
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == [], errors[0].get("evalue") if errors else ""
    assert (tmp / "demo.sqlite").is_file()  # built by the README's quick start
    assert (tmp / "exports" / "mscgraph_latest.html").is_file()
    kg = KnowledgeGraph.from_store(Store(url, create=False))

    assert "KnowledgeGraph(" in text_of(source_cell(nb, "print(kg)"))
    assert "HGF" in text_of(source_cell(nb, 'kg.neighbours("MSCs"'))
    # evidence: whole sentences, no "..." cut (pandas display options)
    evidence = text_of(source_cell(nb, 'kg.evidence("MSCs", "HGF")'))
    longest = max(kg.evidence("MSCs", "HGF")["sentence"], key=len)
    assert len(longest) > 80 and html.escape(longest) in evidence
    mediators = text_of(source_cell(nb, "mediators = kg.mediators"))
    best = kg.mediators("MSCs", "liver fibrosis").iloc[0]["mediator"]
    assert best in mediators and "net_effect" in mediators
    assert "PMID 9000" in text_of(source_cell(nb, "mediator_paths"))
    assert "polarity" in text_of(source_cell(nb, "kg.contradictions()"))
    assert "disease" in text_of(source_cell(nb, "evidence_map = kg.evidence_map()"))
    for snippet in ('kg.plot("HGF"', "evidence_heatmap(evidence_map"):
        outs = source_cell(nb, snippet).outputs
        assert any("image/png" in o.get("data", {}) for o in outs), snippet
