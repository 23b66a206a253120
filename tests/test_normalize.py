"""Tests of pipeline.normalize: normalization and the offset map back to the original text."""
from __future__ import annotations

import random

import pytest

from pipeline.normalize import NormalizedText, normalize_text


def test_hyphenated_line_break_joins_and_maps_back() -> None:
    text = "Cell sources\nwe compared grafts of bone marrow (BM-\nMSCs) with other sources today"
    n = normalize_text(text)
    assert "(BM-MSCs)" in n.text
    s = n.text.index("BM-MSCs")
    a, b = n.to_original(s, s + len("BM-MSCs"))
    assert text[a:b] == "BM-\nMSCs"


def test_soft_newline_becomes_space_hard_ones_stay() -> None:
    text = ("A title line\nThe grafted stromal cells were followed for a long time until the\n"
            "resolution of scarring. Next sentence.\nRESULTS: something\n\nNew paragraph")
    n = normalize_text(text)
    assert n.text.startswith("A title line\n")             # title boundary stays hard
    assert "until the resolution" in n.text                # PDF-style break -> space
    assert "sentence.\nRESULTS" in n.text                  # after sentence punctuation
    assert "\n\nNew paragraph" in n.text                   # blank line
    assert len(n.text) == len(text)                        # same-length replacements
    assert n.segments == ()


def test_dashes_spaces_ligatures_and_offsets() -> None:
    text = "Title\nIL\u20106 and TNF\u2013\u03b1 in \ufb01brosis at 5\u00a0mg"
    n = normalize_text(text)
    assert "IL-6 and TNF-\u03b1 in fibrosis at 5 mg" in n.text
    s = n.text.index("fibrosis")
    a, b = n.to_original(s, s + len("fibrosis"))
    assert text[a:b] == "\ufb01brosis"
    s = n.text.index("at 5")
    assert text[slice(*n.to_original(s, s + 4))] == "at 5"  # after the ligature: shifted back


def test_soft_hyphen_and_zero_width_dropped() -> None:
    text = "Title\nhepa\u00adtocytes and Kupf\u200ber cells"
    n = normalize_text(text)
    assert "hepatocytes and Kupfer cells" in n.text
    s = n.text.index("Kupfer")
    assert text[slice(*n.to_original(s, s + 6))] == "Kupf\u200ber"


@pytest.mark.parametrize("raw, expected", [
    ("TGF-f1", "TGF-\u03b21"), ("IL-1\u00df", "IL-1\u03b2"), ("TGF\u00df1", "TGF\u03b21"),
    ("self-renewal", "self-renewal"), ("off-target", "off-target"),
])
def test_ocr_beta(raw: str, expected: str) -> None:
    assert normalize_text("T\n" + raw).text == "T\n" + expected


def test_empty_and_plain_texts() -> None:
    assert normalize_text("").text == ""
    n = normalize_text("Plain text.")
    assert (n.text, n.segments) == ("Plain text.", ())
    assert n.to_original(0, 5) == (0, 5)


def test_json_round_trip() -> None:
    n = normalize_text("T\nBM-\nMSCs and \ufb01bres in a longer line that keeps on going")
    back = NormalizedText.from_json(n.text, n.to_json())
    assert back == n


def test_random_spans_map_inside_the_original() -> None:
    rng = random.Random(7)
    pieces = ["MSC", "-\n", "\n", " ", "\ufb01", "\u00ad", "\u2013", "word", "TGF-f1", "."]
    for _ in range(200):
        text = "".join(rng.choice(pieces) for _ in range(30))
        n = normalize_text(text)
        for _ in range(10):
            s = rng.randrange(0, len(n.text) + 1)
            e = rng.randrange(s, len(n.text) + 1)
            a, b = n.to_original(s, e)
            assert 0 <= a <= b <= len(text)


def test_leading_blank_lines_keep_the_title_break() -> None:
    text = "\n\nStromal Cells For Chronic Liver Scarring In Adults\nThe trial gives stromal cells."
    n = normalize_text(text)
    assert "Adults\nThe trial" in n.text
