"""Tests of ``mscgraph extract`` over the demo corpus (no network, no Prefect)."""
from __future__ import annotations

import pytest

from pipeline.cli import main
from pipeline.extract import extractor_version
from pipeline.ingest import ingest_demo
from pipeline.store import Store


@pytest.fixture
def demo_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    with Store(url) as store:
        ingest_demo(store)
    return url


def pending(url: str) -> int:
    with Store(url) as store:
        return sum(1 for _ in store.articles_needing_extraction(extractor_version()))


def test_limit_then_rest_then_nothing(demo_url, capsys):
    assert main(["extract", "--database-url", demo_url, "--limit", "7", "--batch-size", "3",
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "extracted 7 articles" in out and "33 still pending" in out
    assert pending(demo_url) == 33
    assert main(["extract", "--database-url", demo_url, "--no-progress"]) == 0
    assert "extracted 33 articles" in capsys.readouterr().out
    assert main(["extract", "--database-url", demo_url, "--no-progress"]) == 0
    assert "extracted 0 articles" in capsys.readouterr().out
    with Store(demo_url) as store:
        assert store.count_extractions() == 40


def test_workers_extract_in_processes(demo_url, capsys):
    assert main(["extract", "--database-url", demo_url, "--workers", "2", "--batch-size", "10",
                 "--limit", "20", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "extracted 20 articles" in out and "still pending" in out
    with Store(demo_url) as store:
        assert store.count_extractions() == 20
        # "20 still pending" unless the worker processes saw other extractor code than this
        # one (the tree was edited while the tests ran): then all 40 are stale here


def test_workers_refuse_in_memory_store(capsys):
    assert main(["extract", "--database-url", "sqlite://", "--workers", "2"]) == 1
    assert "in-memory" in capsys.readouterr().err


def test_help_lists_options(capsys):
    with pytest.raises(SystemExit):
        main(["extract", "--help"])
    out = capsys.readouterr().out
    for flag in ("--limit", "--batch-size", "--workers", "--database-url"):
        assert flag in out


def test_too_long_articles_are_recorded_then_retried(demo_url, capsys):
    assert main(["extract", "--database-url", demo_url, "--max-chars", "1440",
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "extracted 37 articles" in out and "0 still pending" in out
    assert out.count("failed: PMID") == 3 and "too long: 1,443 characters" in out
    assert "3 article(s) failed" in out and "--retry-failed" in out
    assert main(["extract", "--database-url", demo_url, "--no-progress"]) == 0
    assert "extracted 0 articles" in capsys.readouterr().out  # failed ones are skipped
    assert main(["extract", "--database-url", demo_url, "--retry-failed",
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "extracted 3 articles" in out and "failed" not in out
    with Store(demo_url) as store:
        assert store.count_extractions() == 40
