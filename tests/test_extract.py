"""The Extractor's batch settings, the one batch path with its poison-record isolation, and
the progress/chunking helpers."""
from __future__ import annotations

import gc
import json

import pytest

from pipeline.extract import Extractor, fewer_collections
from pipeline.model import Article, DocumentContext

TEXT = ("Stromal cells in mice\nHuman umbilical cord MSCs lowered serum ALT in mice with "
        "CCl4-induced liver fibrosis.")


def test_fewer_collections_restores_thresholds_and_freeze():
    before = gc.get_threshold()
    with fewer_collections(threshold=12_345):
        assert gc.get_threshold()[0] == 12_345
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_fewer_collections_keeps_a_callers_freeze():
    gc.freeze()
    try:
        with fewer_collections():
            pass
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_batch_equals_single_and_context_is_optional():
    full = Extractor(relations=False)
    bare = Extractor(relations=False, context=False, nlp=full.nlp)
    one = full.extract_text(TEXT, "d1")
    batch = list(full.extract_texts([("d1", TEXT), ("d2", "")]))
    assert batch[0] == one
    assert batch[1].mentions == ()
    assert one.context.species          # mice
    plain = next(bare.extract_texts([("d1", TEXT)]))
    assert plain.mentions == one.mentions
    assert plain.context == DocumentContext()
    assert gc.get_freeze_count() == 0   # the batch generator restored the collector


# ----------------------------------------------------------------------------- the batch path

def _poisoned(monkeypatch, word: str = "POISONWORD") -> None:
    """Make the extractor raise on texts containing ``word`` (an adversarial text)."""
    real = Extractor._to_extraction

    def fragile(self, doc, doc_id, text, article):
        if word in text:
            raise ValueError("adversarial text")
        return real(self, doc, doc_id, text, article)

    monkeypatch.setattr(Extractor, "_to_extraction", fragile)


def _store_with(articles):
    from pipeline.store import Store
    store = Store("sqlite://")
    store.upsert_articles([(a, None) for a in articles])
    return store


GOOD = [Article(str(i), "Stromal cells", "Human MSCs lowered serum ALT in mice.")
        for i in range(1, 5)]


def test_one_bad_article_never_stops_its_batch(monkeypatch):
    from pipeline.extract import extract_batch, extract_pending, pending_articles
    long = Article("8", "Long", "MSCs lowered ALT. " * 10)
    poison = Article("9", "POISONWORD", "MSCs lowered ALT.")
    store = _store_with([*GOOD, long, poison])
    ex = Extractor(relations=False)
    _poisoned(monkeypatch)
    report = extract_batch(store, [*GOOD, long, poison], ex, max_chars=100)
    assert report.extracted == 4 and report.mentions > 0
    reasons = dict(report.failed)
    assert set(reasons) == {"8", "9"} and reasons["8"].startswith("too long: 185 characters")
    assert reasons["9"] == "ValueError: adversarial text"
    assert store.extraction_failures(ex.version) == reasons
    assert list(pending_articles(store, ex.version)) == []  # failed ones wait for a retry
    assert [a.pmid for a in pending_articles(store, ex.version, retry_failed=True)] == ["8", "9"]

    monkeypatch.undo()  # the extractor is fixed: a retry clears the failures
    again = extract_pending(store, ex, retry_failed=True, max_chars=1000)
    assert again.extracted == 2 and again.failed == ()
    assert store.extraction_failures(ex.version) == {} and store.count_extractions() == 6


def test_an_article_that_cannot_be_saved_is_set_aside(monkeypatch):
    from pipeline.extract import extract_batch
    store = _store_with(GOOD)
    real = store.save_extractions

    def picky(items, version):
        items = list(items)
        if any(a.pmid == "3" for a, _x in items):
            raise ValueError("cannot encode")
        return real(items, version)

    monkeypatch.setattr(store, "save_extractions", picky)
    report = extract_batch(store, GOOD, Extractor(relations=False))
    assert report.extracted == 3 and [p for p, _r in report.failed] == ["3"]
    assert report.failed[0][1] == "cannot save: ValueError: cannot encode"


def test_lone_surrogates_are_replaced_keeping_offsets():
    from pipeline.extract import clean_text
    text = "Stromal cells\nHuman MSCs \ud800 lowered serum ALT in mice."
    one = Extractor(relations=False).extract_text(text, "s")
    assert one.mentions and clean_text(text) == text.replace("\ud800", "\ufffd")
    for m in one.mentions:
        assert clean_text(text)[m.start:m.end] == m.text
    json.dumps(one.to_json(), ensure_ascii=False).encode("utf-8")  # no UnicodeEncodeError


def test_progress_and_batched():
    from pipeline.progress import Progress, batched
    assert list(batched(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    with pytest.raises(Exception, match="batch size"):
        next(batched([1], 0))
    with Progress("work", enabled=True) as bar:  # a real rich bar (not a terminal here)
        bar.grow(4)
        bar.advance(3)
        bar.update(4)
    assert (bar.total, bar.completed) == (4, 4)


def test_an_article_with_lone_surrogates_is_cleaned_and_saved():
    from pipeline.extract import extract_batch
    from pipeline.store import Store
    odd = Article("5", "Stromal cells \udcff", "Human MSCs lowered serum ALT in mice.",
                  authors=("Smith \ud800",))
    with Store("sqlite://") as store:
        report = extract_batch(store, [odd], Extractor(relations=False))
        assert report.extracted == 1 and report.failed == ()
        assert store.get_extraction("5").mentions


def test_the_version_follows_what_extraction_produces_not_the_batch_path(tmp_path, monkeypatch):
    import shutil

    import pipeline.extractor as core
    pkg = tmp_path / "pipeline"
    shutil.copytree(core._PKG, pkg, ignore=shutil.ignore_patterns("__pycache__"))

    def version() -> str:
        core.extractor_version.cache_clear()
        return core.extractor_version()
    monkeypatch.setattr(core, "_PKG", pkg)
    try:
        before = version()
        (pkg / "extract.py").write_text("# the batch path changed\n", encoding="utf-8")
        assert version() == before
        with (pkg / "extractor.py").open("a", encoding="utf-8") as fh:
            fh.write("# the extractor changed\n")
        changed = version()
        assert changed != before
        (pkg / "nlp" / "new_component.py").write_text("X = 1\n", encoding="utf-8")
        assert version() not in (before, changed)
    finally:
        monkeypatch.undo()
        core.extractor_version.cache_clear()
