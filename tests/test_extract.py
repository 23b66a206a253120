"""The Extractor's batch settings: entities-only runs and the garbage-collector scope."""
from __future__ import annotations

import gc

from pipeline.extract import Extractor, fewer_collections
from pipeline.model import DocumentContext

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
