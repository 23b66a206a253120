"""The word lists of the entity rules, loaded once from ``pipeline/data/words.toml``.

Every list lives in that one file (edit it there); this module only gives each a typed name.

>>> "cell" in GENERIC_NOUNS, "activated" in STATE_WORDS["CELL_TYPE"]
(True, True)
"""
from __future__ import annotations

import tomllib
from pathlib import Path

__all__ = [
    "WORDS_FILE", "GENERIC_NOUNS", "NOT_ENTITIES", "FUNCTION_WORDS", "PROCEDURE_WORDS",
    "SENTENCE_ABBREVIATIONS", "PATHWAY_HEADS", "KNOWN_CELL_LINES", "TUMOR_WORDS",
    "SUPPRESSOR_ROLES", "TUMOR_MEASURES", "MODIFIER_HYPHEN", "MOLECULE_HEADS", "DEFICIENT",
    "CELL_ADJECTIVES", "CELL_MODIFIED", "DISEASE_HEADS", "NOT_DISEASE", "STATE_WORDS",
    "TRIGGER_SPELLINGS",
]

WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "words.toml"

with WORDS_FILE.open("rb") as _fh:
    _LISTS = tomllib.load(_fh)


def _list(key: str) -> frozenset[str]:
    try:
        return frozenset(_LISTS[key])
    except KeyError:
        raise KeyError(f"{WORDS_FILE} has no list {key!r}: add it (a TOML array of "
                       f"strings)") from None


GENERIC_NOUNS = _list("generic_nouns")
NOT_ENTITIES = _list("not_entities")
FUNCTION_WORDS = _list("function_words")
PROCEDURE_WORDS = _list("procedure_words")
SENTENCE_ABBREVIATIONS = _list("sentence_abbreviations")
PATHWAY_HEADS = _list("pathway_heads")
KNOWN_CELL_LINES = _list("known_cell_lines")
TUMOR_WORDS = _list("tumor_words")
SUPPRESSOR_ROLES = _list("suppressor_roles")
TUMOR_MEASURES = _list("tumor_measures")
MODIFIER_HYPHEN = _list("modifier_hyphen")
MOLECULE_HEADS = _list("molecule_heads")
DEFICIENT = _list("deficient")
CELL_ADJECTIVES = _list("cell_adjectives")
CELL_MODIFIED = _list("cell_modified")
DISEASE_HEADS = _list("disease_heads")
NOT_DISEASE = _list("not_disease")
#: Entity type -> state words kept in the span before an entity of that type.
STATE_WORDS: dict[str, frozenset[str]] = {
    typ: frozenset(words) for typ, words in _LISTS["state_words"].items()}
#: Misspelled trigger word -> the trigger word it stands for (``secret`` -> ``secrete``).
TRIGGER_SPELLINGS: dict[str, str] = dict(_LISTS["trigger_spellings"])
