"""Belief scores for assembled statements: an injected scorer with priors read from JSON.

The model (default scorer, :class:`DefaultBeliefScorer`)
--------------------------------------------------------
Each evidence sentence has an *error prior* ``e`` (the chance that it is wrong: an extraction
mistake or a finding that does not hold), looked up in ``pipeline/data/belief_priors.json`` by
the study type of its article and by whether the sentence is hedged (hedged sentences have a
higher error; an RCT a lower one than an in-vitro study).

1. Evidence is grouped by article (PMID). Sentences of one abstract are not independent
   observations, so an article counts once: its error is the *lowest* error among its asserted
   (non-negated) sentences.
2. Supporting articles are treated as independent (INDRA's simple model):
   ``p_support = 1 - prod(error(article) for supporting articles)``.
3. Negated evidence ("did not reduce") is not support; it lowers belief by the share of
   articles that negate the statement: ``belief = p_support * (1 - n_negating / n_articles)``,
   where an article is *negating* when it has at least one negated sentence for the statement
   (an article can be both supporting and negating) and ``n_articles`` counts all articles.

So belief is in ``[0, 1]``, is 0 without asserted evidence, rises with every further independent
supporting article (never with more sentences from the same article) and falls as negating
articles are added.

Not supported: source-specific priors (all evidence comes from one extractor), learned priors,
hierarchical refinement (INDRA's "supports" links between statements).

Example
-------
>>> from pipeline.model import Concept, Evidence, Statement
>>> st = Statement(Concept("A", "a", "CELL_TYPE"), "SECRETES", Concept("B", "b", "CYTOKINE"),
...                [Evidence("1", "a secretes b", study_type="rct")])
>>> DefaultBeliefScorer().score_statement(st)
0.9
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Protocol, Sequence, runtime_checkable

from .errors import ConfigError
from .model import Evidence, Statement

__all__ = ["BeliefScorer", "DefaultBeliefScorer", "ArticleSupport", "MissingPriorError", "load_priors",
           "score_statements", "DEFAULT_PRIORS_PATH"]

log = logging.getLogger(__name__)

#: One article's share of a statement's belief: (lowest asserted error or None, any negated).
ArticleSupport = tuple["float | None", bool]

#: The committed priors file.
DEFAULT_PRIORS_PATH = Path(str(resources.files("pipeline") / "data" / "belief_priors.json"))


class MissingPriorError(ConfigError):
    """Evidence has a study type for which the priors define no error rate."""


@runtime_checkable
class BeliefScorer(Protocol):
    """What assembly needs from a scorer (inject your own to change the model)."""

    def check_prior_probs(self, statements: Sequence[Statement]) -> None:
        """Raise :class:`MissingPriorError` before any scoring if some evidence has no prior."""

    def score_statement(self, statement: Statement) -> float:
        """Belief in ``[0, 1]`` of one statement from its evidence."""


def load_priors(path: str | Path | None = None) -> dict[str, tuple[float, float]]:
    """Read error priors: ``{study_type: (asserted_error, hedged_error)}``.

    Raises
    ------
    ConfigError
        The file is missing, malformed, or a value is outside ``(0, 1)``.

    >>> load_priors()["rct"]
    (0.1, 0.25)
    """
    p = Path(path) if path else DEFAULT_PRIORS_PATH
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
        table = raw["error"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"cannot read belief priors from {p}: {exc}; expected JSON with an "
                          f"'error' object {{study_type: {{asserted, hedged}}}}") from exc
    return _validate(table, str(p))


def _validate(table: Mapping[str, object], where: str) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for study_type, v in table.items():
        if isinstance(v, Mapping):
            pair = (v.get("asserted"), v.get("hedged"))
        elif isinstance(v, (tuple, list)) and len(v) == 2:
            pair = (v[0], v[1])
        else:
            raise ConfigError(f"{where}: prior of {study_type!r} must be "
                              f"{{'asserted': e, 'hedged': e}}, got {v!r}")
        for x in pair:
            if not isinstance(x, (int, float)) or not 0.0 < float(x) < 1.0:
                raise ConfigError(f"{where}: error priors of {study_type!r} must be numbers "
                                  f"in (0, 1), got {pair!r}")
        out[study_type] = (float(pair[0]), float(pair[1]))
    return out


@dataclass(frozen=True)
class DefaultBeliefScorer:
    """The documented model above, with per-evidence error priors.

    Parameters
    ----------
    priors : mapping, optional
        ``{study_type: (asserted_error, hedged_error)}`` or ``{study_type: {"asserted": ..,
        "hedged": ..}}``; default: :func:`load_priors` of the committed JSON.
    """

    priors: Mapping[str, tuple[float, float]] | None = None

    def __post_init__(self) -> None:
        table = load_priors() if self.priors is None else _validate(self.priors, "priors")
        object.__setattr__(self, "priors", table)

    @classmethod
    def from_json(cls, path: str | Path) -> "DefaultBeliefScorer":
        """A scorer with priors from another JSON file (same layout as the committed one)."""
        return cls(load_priors(path))

    def evidence_error(self, ev: Evidence) -> float:
        """Error prior of one sentence (raises :class:`MissingPriorError`), raised by the
        extraction's doubt: ``1 - (1 - prior) * confidence``."""
        try:
            asserted, hedged = self.priors[ev.study_type]  # type: ignore[index]
        except KeyError:
            raise self._missing({ev.study_type}) from None
        error = hedged if ev.hedged else asserted
        return error if ev.confidence >= 1.0 else 1.0 - (1.0 - error) * ev.confidence

    def check_prior_probs(self, statements: Sequence[Statement]) -> None:
        """Fail before scoring when any evidence has a study type without a prior."""
        seen = {ev.study_type for st in statements for ev in st.evidence}
        missing = seen - set(self.priors)  # type: ignore[arg-type]
        if missing:
            raise self._missing(missing)

    def _missing(self, missing: Iterable[str]) -> MissingPriorError:
        return MissingPriorError(
            f"no belief prior for study type(s) {sorted(missing)}; add them to the 'error' "
            f"table of the priors JSON (known: {sorted(self.priors)})")  # type: ignore[arg-type]

    def score_statement(self, statement: Statement) -> float:
        """Belief of one statement (see the module docstring)."""
        by_article: dict[str, list[Evidence]] = {}
        for ev in statement.evidence:
            by_article.setdefault(ev.pmid, []).append(ev)
        return self.score_articles({p: self.article_support(evs)
                                    for p, evs in by_article.items()})

    def article_support(self, evidence: Iterable[Evidence]) -> ArticleSupport:
        """What one article's sentences of a statement add to its belief: the lowest error
        of its asserted sentences (None if all are negated) and whether one is negated.

        >>> DefaultBeliefScorer().article_support([Evidence("1", "s", negated=True)])
        (None, True)
        """
        error: float | None = None
        negated = False
        for ev in evidence:
            if ev.negated:
                negated = True
                continue
            err = self.evidence_error(ev)
            error = err if error is None else min(err, error)
        return error, negated

    def score_articles(self, supports: Mapping[str, ArticleSupport]) -> float:
        """Belief from each article's :meth:`article_support` (by PMID), so that an
        aggregate can re-score a statement without its sentences.

        >>> DefaultBeliefScorer().score_articles({"1": (0.1, False), "2": (None, True)})
        0.45
        """
        wrong = 1.0
        supported = False
        for pmid in sorted(supports):
            error = supports[pmid][0]
            if error is not None:
                wrong *= error
                supported = True
        if not supported:
            return 0.0
        negating = sum(neg for _e, neg in supports.values())
        belief = (1.0 - wrong) * (1.0 - negating / len(supports))
        return round(min(1.0, max(0.0, belief)), 6)


def score_statements(statements: Sequence[Statement], scorer: BeliefScorer | None = None) -> None:
    """Check priors for all statements first, then set ``statement.belief`` in place."""
    scorer = scorer or DefaultBeliefScorer()
    scorer.check_prior_probs(statements)
    for st in statements:
        st.belief = float(scorer.score_statement(st))
    log.debug("scored %d statements", len(statements))
