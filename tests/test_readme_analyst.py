"""Every analyst example of the README runs on the demo store and answers something."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.extract import extract_pending
from pipeline.graph import KnowledgeGraph
from pipeline.ingest import ingest_demo
from pipeline.store import Store

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def kg(tmp_path_factory) -> KnowledgeGraph:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    with Store(url) as store:
        ingest_demo(store)
        extract_pending(store)
    with Store(url, create=False) as store:
        return KnowledgeGraph.from_store(store)


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## The knowledge graph (Python, Jupyter)")
    return text[start:text.index("\n## ", start + 10)]


def test_every_line_of_the_readme_example_runs(kg):
    code = re.search(r"```python\n(.*?)```", _section(), re.S).group(1)
    lines = [ln for ln in code.splitlines() if ln.strip() and not ln.startswith(("from ", "kg = "))]
    namespace = {"kg": kg}
    for line in lines:
        if line.startswith("for ") or line.startswith("    "):
            continue  # the loop is run below
        exec(compile(line.split("  #")[0], "README", "exec"), namespace)
    for p in kg.paths("MSCs", "liver fibrosis", max_length=4):
        assert p.net_effect in ("increases", "decreases") and str(p)


def test_readme_answers_hold_on_the_demo(kg):
    med = kg.mediators("MSCs", "liver fibrosis")
    assert len(med) >= 5 and "DISEASE" not in set(med["type"])
    top = set(med.head(10)["mediator"])
    assert {"MMP9", "TGFB1"} <= top or len(top & {"MMP9", "TGFB1", "HGF", "IL10",
                                                   "TGF-β1/Smad signaling"}) >= 2
    paths = kg.mediator_paths("MSCs", "liver fibrosis", "MMP9")
    assert paths and "PMID" in paths[0].explain()
    narrower = set(kg.narrower("MSCs")["concept"])
    assert {"CL:0002540", "CL:0002569", "CL:0002570"} <= narrower
    secreted = set(kg.neighbours("MSCs", predicate="secretes")["name"])
    assert {"HGF", "IL10"} <= secreted
    c = kg.contradictions()
    hcc = c[(c["kind"] == "polarity") & (c["object"] == "Carcinoma, Hepatocellular")]
    assert len(hcc) and (hcc["pmids_for"] != hcc["pmids_against"]).all()
    em = kg.evidence_map()
    assert len(em) and {"disease", "mechanism", "articles", "net_direction"} <= set(em.columns)


def test_invalid_filters_are_errors_not_empty_answers(kg):
    from pipeline.graph import InvalidFilterError
    with pytest.raises(InvalidFilterError, match="predicate"):
        kg.neighbours("MSCs", predicate="cures")
    with pytest.raises(InvalidFilterError):
        kg.subgraph(species={"humans"})
