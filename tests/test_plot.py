"""kg.plot: a concept's neighbourhood drawn with matplotlib on the Agg canvas."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.colors import to_hex

from pipeline.graph import KnowledgeGraph, UnknownConceptError
from pipeline.graph.colours import PREDICATE_COLOURS, TYPE_COLOURS
from pipeline.graph.plot import neighbourhood

from test_assembly import corpus


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.from_extractions(corpus())


def legend_labels(legend) -> list[str]:
    return [t.get_text() for t in legend.get_texts()]


def test_plot_colours_nodes_by_type_and_edges_by_predicate_with_legends(kg):
    ax = kg.plot("HGF", depth=2)
    sub = neighbourhood(kg, "HGF", 2)
    types = sorted({d["type"] for _n, d in sub.nodes(data=True)})
    preds = sorted({d["predicate"] for _u, _v, d in sub.edges(data=True)})
    assert len(types) > 1 and len(preds) > 1
    type_legend, pred_legend = [a for a in ax.artists if a.get_title().get_text() == "type"][0], \
        ax.get_legend()
    assert legend_labels(type_legend) == types and legend_labels(pred_legend) == preds
    assert sorted(to_hex(c.get_facecolor()[0]).upper() for c in ax.collections) == \
        sorted(TYPE_COLOURS[t] for t in types)
    arrows = {to_hex(p.get_edgecolor()).upper() for p in ax.patches}
    assert arrows == {PREDICATE_COLOURS[p] for p in preds}
    assert len(ax.patches) == sub.number_of_edges()
    names = {t.get_text() for t in ax.texts}
    assert {d["name"] for _n, d in sub.nodes(data=True)} <= names
    assert ax.get_title().startswith("HGF: ") and "within 2 steps" in ax.get_title()
    png = io.BytesIO()
    ax.figure.savefig(png, format="png")
    assert png.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


def test_depth_limits_and_filters_choose_the_concepts(kg):
    one, two = neighbourhood(kg, "HGF", 1), neighbourhood(kg, "HGF", 2)
    assert set(one) < set(two)
    assert {d["hops"] for _n, d in two.nodes(data=True)} == {0, 1, 2}
    assert len(neighbourhood(kg, "HGF", 2, max_nodes=3)) == 3
    assert set(neighbourhood(kg, "HGF", 0)) == {kg.resolve("HGF")}
    secretes = neighbourhood(kg, "HGF", 2, predicate="secretes")
    assert {d["predicate"] for _u, _v, d in secretes.edges(data=True)} == {"SECRETES"}
    with pytest.raises(UnknownConceptError):
        kg.plot("no such concept")


def test_plot_draws_on_a_given_axes_and_needs_no_display(kg):
    code = ("import sys; from test_assembly import corpus; "
            "from pipeline.graph import KnowledgeGraph; "
            "ax = KnowledgeGraph.from_extractions(corpus()).plot('HGF'); "
            "print(type(ax.figure.canvas).__name__, 'matplotlib.pyplot' in sys.modules)")
    here = str(Path(__file__).parent)  # no DISPLAY, no MPLBACKEND: a server's environment
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=here, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": here})
    assert out.stdout.split() == ["FigureCanvasAgg", "False"]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure()
    FigureCanvasAgg(fig)
    mine = fig.add_subplot()
    assert kg.plot("HGF", ax=mine) is mine and mine.patches
