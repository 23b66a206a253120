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
    # 40 articles in batches of at most 15: 3 batches, rounded up to 4 so 2 workers share them
    assert out["extracted"] == 40 and out["failed"] == [] and out["batches"] == 4
    assert stored == one_worker


def test_few_spans_are_cut_for_the_workers():
    with Store("sqlite://") as store:
        store.upsert_articles((Article(str(100 + i), f"T{i}", "MSCs lower ALT."), None)
                              for i in range(12))

        def spans(batch_size: int, workers: int) -> list[tuple[str, str]]:
            return pending_spans(store, extractor_version(), batch_size, workers=workers)
        assert spans(5, 1) == [("100", "104"), ("105", "109"), ("110", "111")]
        assert spans(5, 2) == [("100", "102"), ("103", "105"), ("106", "108"), ("109", "111")]
        assert spans(20, 2) == [("100", "111")]  # one batch: no worker worth starting
        assert spans(6, 2) == [("100", "105"), ("106", "111")]
        assert len(spans(1, 2)) == 12  # more than 8 per worker: left as they are
