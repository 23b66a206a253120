"""Checks of the stand-off relation-training annotations (corpora/annotations/train_relations.jsonl).

The texts are not in the repository; tests that need them skip when ../shared is absent."""
from __future__ import annotations

import doctest
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
_spec = importlib.util.spec_from_file_location("annotations", REPO / "scripts" / "annotations.py")
annotations = importlib.util.module_from_spec(_spec)
sys.modules["annotations"] = annotations
_spec.loader.exec_module(annotations)

needs_shared = pytest.mark.skipif(
    not (SHARED / annotations.BIORED_TRAIN).exists(),
    reason="../shared (the source corpora) is not present; texts are not stored in the repository")


def test_doctests():
    assert doctest.testmod(annotations).failed == 0


def test_records_are_standoff_only():
    records = annotations.load_records()
    assert len(records) >= 70
    for rec in records:
        assert set(rec) == {"id", "source", "text_sha256", "entities", "relations", "annotator"}
        for e in rec["entities"]:
            assert set(e) == {"start", "end", "type", "concept"}
        for r in rec["relations"]:
            assert "sentence" not in r and "text" not in r
    assert not any(rec["id"].split(":")[0] not in {"biored", "jnlpba", "ncbi"} for rec in records)


@needs_shared
def test_annotations_check_against_texts():
    records = annotations.load_records()
    texts = annotations.load_texts(SHARED, {r["id"] for r in records})
    assert annotations.check(records, texts) == []


@needs_shared
def test_gold_export_validates_with_goldtool(tmp_path):
    records = annotations.load_records()
    texts = annotations.load_texts(SHARED, {r["id"] for r in records})
    out = tmp_path / "gold.jsonl"
    assert annotations.export_gold(records, texts, out) == len(records)
    first = json.loads(out.read_text().splitlines()[0])
    assert first["text"] and all("text" in e for e in first["entities"])
    goldtool = SHARED / "tools" / "goldtool.py"
    if not goldtool.exists():
        pytest.skip("goldtool.py not present")
    res = subprocess.run([sys.executable, str(goldtool), "validate", str(out)], capture_output=True, text=True)
    assert res.returncode == 0 and " 0 errors" in res.stdout, res.stdout + res.stderr


def test_export_refuses_repository_path():
    with pytest.raises(SystemExit):
        annotations.export_gold([], {}, REPO / "corpora" / "gold_with_text.jsonl")
