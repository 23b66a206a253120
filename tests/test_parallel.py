"""Worker processes give what one process gives; batches travel by reference (no Prefect)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.extract import extract_span, extractor_version, pending_spans
from pipeline.ingest import ingest_demo
from pipeline.model import Article
from pipeline.parallel import is_in_memory, ordered_map
from pipeline.store import Store


def demo_store(path: Path) -> str:
    url = f"sqlite:///{path}"
    with Store(url) as store:
        ingest_demo(store)
    return url


def stored_extractions(url: str) -> dict[str, dict]:
    with Store(url) as store:
        return {info.pmid: x.to_json() for info, x in store.iter_extractions()}


def test_spans_stay_two_pmids_whatever_the_store_size():
    """The property that lets a first build of any size run: a batch handed to a task is two
    PMIDs, and the articles of a span are exactly the pending ones between them."""
    with Store("sqlite://") as store:
        store.upsert_articles((Article(str(10_000 + i), f"T{i}", "MSCs lower ALT."), None)
                              for i in range(2_500))
        spans = pending_spans(store, extractor_version(), 1_000)
        assert spans == [("10000", "10999"), ("11000", "11999"), ("12000", "12499")]
        assert max(len(json.dumps(s)) for s in spans) < 40
        assert len(pending_spans(store, extractor_version(), 1_000, limit=1_500)) == 2


def test_a_span_extracts_its_pending_articles_only():
    from pipeline.extract import Extractor
    ex = Extractor(relations=False)
    with Store("sqlite://") as store:
        store.upsert_articles((Article(str(p), "MSCs", "MSCs lower ALT."), None)
                              for p in range(1, 8))
        assert extract_span(store, "2", "4", ex).extracted == 3
        assert extract_span(store, "1", "5", ex).extracted == 2  # 2-4 are done
        assert [s for s in pending_spans(store, ex.version, 10)] == [("6", "7")]


def test_ordered_map_keeps_the_input_order():
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(3) as pool:
        assert list(ordered_map(pool, lambda x: x * x, range(20), ahead=4)) == [
            x * x for x in range(20)]
    assert is_in_memory("sqlite://") and not is_in_memory("sqlite:///x.sqlite")


def test_extract_with_two_workers_stores_what_one_stores(tmp_path, capsys):
    one, two = demo_store(tmp_path / "one.sqlite"), demo_store(tmp_path / "two.sqlite")
    assert main(["extract", "--database-url", one, "--workers", "1", "--no-progress"]) == 0
    assert main(["extract", "--database-url", two, "--workers", "2", "--batch-size", "7",
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.count("extracted 40 articles") == 2
    serial, parallel = stored_extractions(one), stored_extractions(two)
    assert len(serial) == 40 and parallel == serial


@pytest.mark.parametrize("relations", [True, False])
def test_annotate_with_two_workers_writes_what_one_writes(tmp_path, relations):
    texts = Path(__file__).parent / "fixtures" / "mini_texts.jsonl"
    lines = texts.read_text(encoding="utf-8").splitlines()
    src = tmp_path / "in.jsonl"  # repeated, with an empty text, so there are many batches
    src.write_text("\n".join(lines * 3 + ['{"id": "empty", "text": ""}'] + lines) + "\n",
                   encoding="utf-8")
    flags = [] if relations else ["--no-relations"]
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        assert main(["annotate", "-i", str(src), "-o", str(out), "--batch-size", "3",
                     "--workers", workers, *flags]) == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") == 4 * len(lines) + 1


def test_workers_end_with_status_0_without_tearing_the_pipeline_down():
    from pipeline.parallel import annotate_in_worker, worker_pool
    with worker_pool(2, relations=False) as pool:
        line = pool.submit(annotate_in_worker, [("1", "MSCs lower ALT.")], False).result()[0]
        procs = list(pool._processes.values())
    assert json.loads(line)["id"] == "1"
    assert procs and [p.exitcode for p in procs] == [0] * len(procs)


def test_default_workers_leave_room_in_memory(monkeypatch, caplog):
    import pipeline.parallel as par
    monkeypatch.setattr(par.os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    monkeypatch.setattr(par, "available_memory", lambda: None)
    assert par.default_workers() == 8
    monkeypatch.setattr(par, "available_memory", lambda: 20 * par.WORKER_MEMORY)
    assert par.default_workers() == 8
    monkeypatch.setattr(par, "available_memory", lambda: int(2.5 * par.WORKER_MEMORY))
    with caplog.at_level("INFO", logger="pipeline.parallel"):
        assert par.default_workers() == 2
    assert "2 extraction worker(s) for 8 cores" in caplog.text and "--workers" in caplog.text
    monkeypatch.setattr(par, "available_memory", lambda: 0)
    assert par.default_workers() == 1
