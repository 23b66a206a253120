"""The extract stage on Prefect's process runner and on Dask: two workers store exactly what
one worker stores (file SQLite store, under ``prefect_test_harness``)."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

pytest.importorskip("prefect")

from flows import nightly as nf  # noqa: E402
from pipeline.ingest import ingest_demo  # noqa: E402
from pipeline.extract import extractor_version, pending_spans  # noqa: E402
from pipeline.model import Article  # noqa: E402
from pipeline.store import Store  # noqa: E402

NO_DASK = not (importlib.util.find_spec("prefect_dask") and importlib.util.find_spec("distributed"))


@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """An ingested, unextracted demo store (40 articles) to copy."""
    path = tmp_path_factory.mktemp("template") / "demo.sqlite"
    with Store(f"sqlite:///{path}") as store:
        ingest_demo(store)
    return path


def stored_extractions(url: str) -> dict[str, dict]:
    with Store(url) as store:
        return {info.pmid: x.to_json() for info, x in store.iter_extractions()}


def extract_copy(template: Path, tmp_path: Path, runner: str, workers: int) -> tuple[dict, dict]:
    """The stage's summary and stored extractions on a fresh copy of ``template``."""
    path = tmp_path / f"{runner}-{workers}.sqlite"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    out = nf.run_extract_stage(url, task_runner=runner, workers=workers, batch_size=15)
    return out, stored_extractions(url)


@pytest.fixture(scope="module")
def one_worker(harness, demo_template, tmp_path_factory) -> dict[str, dict]:
    """The extractions of one worker (threads, in the flow's own process)."""
    out, stored = extract_copy(demo_template, tmp_path_factory.mktemp("one"), "thread", 1)
    assert out["extracted"] == 40 and out["failed"] == [] and len(stored) == 40
    return stored


@pytest.mark.parametrize("runner", [
    "process",
    pytest.param("dask", marks=pytest.mark.skipif(
        NO_DASK, reason="the Dask runner needs prefect-dask and distributed "
                        "(pip install prefect-dask)")),
])
def test_two_workers_store_what_one_worker_stores(runner, one_worker, demo_template, tmp_path):
    out, stored = extract_copy(demo_template, tmp_path, runner, 2)
    # 40 articles in batches of at most 15 (none smaller than 15 when shared): 3 batches
    assert out["extracted"] == 40 and out["failed"] == [] and out["batches"] == 3
    assert stored == one_worker


def test_the_last_spans_are_smaller_when_workers_share_them():
    with Store("sqlite://") as store:
        store.upsert_articles((Article(str(1000 + i), f"T{i}", "MSCs lower ALT."), None)
                              for i in range(1000))

        def sizes(batch_size: int, workers: int) -> list[int]:
            spans = pending_spans(store, extractor_version(), batch_size, workers=workers)
            assert [int(a) for a, _ in spans[1:]] == [int(b) + 1 for _, b in spans[:-1]]
            return [int(b) - int(a) + 1 for a, b in spans]
        assert sizes(200, 1) == [200] * 5
        assert sizes(200, 2) == [200, 200, 150, 113, 85, 63, 48, 36, 27, 25, 25, 25, 3]
        assert sizes(1000, 2) == [1000]  # one batch: no worker worth starting
        assert sizes(100, 2) == [100] * 7 + [75, 57, 42, 32, 25, 25, 25, 19]
        assert sizes(10, 2) == [10] * 100  # never below the batch size asked for


def test_tapered_keeps_every_item_once_in_order():
    from pipeline.progress import tapered
    for total in (0, 1, 7, 99, 100, 101, 2_345):
        for workers in (1, 2, 3, 8):
            lists = list(tapered(iter(range(total)), 100, workers))
            assert [i for b in lists for i in b] == list(range(total))
            assert all(0 < len(b) <= 100 for b in lists)
            tail = [len(b) for b in lists[-2 * workers:-1]]
            assert tail == sorted(tail, reverse=True)


def test_tapered_streams_holding_few_lists():
    from itertools import count, islice

    from pipeline.progress import tapered
    read = []
    endless = (read.append(i) or i for i in count())
    first = list(islice(tapered(endless, 10, 2), 3))
    assert first == [list(range(0, 10)), list(range(10, 20)), list(range(20, 30))]
    assert len(read) <= (3 + 2 * 2 + 1) * 10  # what it yielded plus the 2 x workers held
