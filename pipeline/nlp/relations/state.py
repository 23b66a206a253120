"""Per-sentence state of the relation rules, and the site of one trigger.

:class:`SentenceState` is the one owner of what the rules of a sentence share: its units and
lexicons, the discourse referents carried in from earlier sentences, the relations found so
far and what each trigger resolved (subjects, objects, signed predicate, where its objects
end). Rules are plain functions that take it as their first argument (``rule(st, ...)``).
:class:`Site` is what the dispatcher computed about one trigger (its neighbours, whether it is
passive, its clause start) so each rule does not recompute it.

Example
-------
>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import units_of
>>> st = SentenceState.of(units_of(M(0, 4, "MSCs", "CELL_TYPE")))
>>> st.ent(0).text, st.found
('MSCs', [])
"""
from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass, field

from ...model import Mention
from .lexicon import Polarity, Trigger, TriggerLexicon, load_polarity, load_triggers
from .scopes import Scopes
from .units import Found, Unit
from .words import THERAPY_NOUNS

__all__ = ["SentenceState", "Site", "Subjects"]

#: Subject mentions of a trigger, each with its loss-of-function flip.
Subjects = list[tuple[Mention, bool]]


@dataclass(slots=True)
class SentenceState:
    """What the rules of one sentence read and write.

    Parameters
    ----------
    units : list of Unit
        The sentence (:func:`~pipeline.nlp.relations.units.sentence_units`).
    lex, pol : TriggerLexicon, Polarity
        Trigger and polarity lexicons.
    referent : Mention or None
        The main cell of the previous sentences (``they``, ``these cells``).
    agent : Mention or None
        The last non-cell agent (``these drugs``, ``the vesicles``).
    lead : Mention or None
        The first subject of the previous sentence (``Exosomes ... They ...``).

    Attributes written by the rules: ``found`` (candidates in emission order), and per
    trigger unit ``subjects``, ``obj_end``, ``objects``, ``preds`` (signed predicate of its
    first object), ``lof_targets``, ``inducers`` (DIFF trigger -> agents); ``consumed``
    (trigger units already used as a modifier), ``compounds`` (``hMSC induced proliferation``
    pairs), ``sec_nominals`` (``production of X`` inside an object list) and ``carried``
    (loss-of-function targets inside a therapy: ``MSCs lacking X``). ``scopes``
    answers clause, negation and hedge scope questions over ``units``; ``exposed`` and
    ``study_subjects`` keep what the result-statement rules read of the whole sentence
    (:mod:`~pipeline.nlp.relations.rules.results`), computed once.
    """

    units: list[Unit]
    lex: TriggerLexicon
    pol: Polarity
    referent: Mention | None
    agent: Mention | None = None
    lead: Mention | None = None
    found: list[Found] = field(default_factory=list)
    subjects: dict[int, Subjects] = field(default_factory=dict)
    obj_end: dict[int, int] = field(default_factory=dict)
    objects: dict[int, list[Mention]] = field(default_factory=dict)
    preds: dict[int, str] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)
    compounds: list[tuple[int, int]] = field(default_factory=list)
    lof_targets: dict[int, list[Mention]] = field(default_factory=dict)
    sec_nominals: list[int] = field(default_factory=list)
    inducers: dict[int, Subjects] = field(default_factory=dict)
    carried: list[Mention] = field(default_factory=list)
    scopes: Scopes = field(init=False)
    exposed: tuple[int, ...] | None = field(default=None, init=False)
    study_subjects: list[tuple[int, bool]] | None = field(default=None, init=False)
    _keys: list[int] = field(init=False, repr=False)       # sorted keys of subjects
    _with_subjects: list[int] = field(init=False, repr=False)   # ... whose list is not empty

    def __post_init__(self) -> None:
        self.scopes = Scopes(self.units)
        self._keys = sorted(self.subjects)
        self._with_subjects = sorted(p for p in self.subjects if self.subjects[p])

    def set_subjects(self, t: int, subs: Subjects) -> None:
        """Record the subjects of trigger ``t`` (write ``subjects`` only through this: the
        sorted key lists answer :meth:`governing` and :meth:`previous` without a scan)."""
        if t not in self.subjects:
            insort(self._keys, t)
        had = bool(self.subjects.get(t))
        self.subjects[t] = subs
        if subs and not had:
            insort(self._with_subjects, t)
        elif had and not subs:
            self._with_subjects.remove(t)

    @classmethod
    def of(cls, units: list[Unit], referent: Mention | None = None) -> "SentenceState":
        """The state of ``units`` with the committed trigger and polarity lexicons."""
        return cls(units, load_triggers(), load_polarity(), referent)

    def ent(self, k: int) -> Mention:
        """The mention of entity unit ``k``."""
        m = self.units[k].mention
        assert m is not None
        return m

    def is_therapy(self, k: int) -> bool:
        """Therapy-like entity: a therapy/MSC concept, or a cell named with ``transplantation``."""
        m = self.ent(k)
        if self.pol.is_therapy(m):
            return True
        nxt = self.units[k + 1].low if k + 1 < len(self.units) else ""
        return m.type in ("CELL_TYPE", "MOLECULE") and nxt in THERAPY_NOUNS

    def governing(self, t: int) -> int | None:
        """The last trigger before ``t`` that has subjects (the governing verb), if any."""
        i = bisect_left(self._with_subjects, t)
        return self._with_subjects[i - 1] if i else None

    def previous(self, t: int) -> int | None:
        """The last trigger before ``t`` with recorded subjects, even none (``X reduces A and
        improves B``: the verb whose subject a coordinated verb shares), if any."""
        i = bisect_left(self._keys, t)
        return self._keys[i - 1] if i else None

    def first_with_subjects(self) -> int | None:
        """The first trigger of the sentence that has subjects, if any."""
        return self._with_subjects[0] if self._with_subjects else None


@dataclass(frozen=True, slots=True)
class Site:
    """One trigger in its sentence, as the dispatcher sees it.

    ``t`` is the trigger unit and ``after`` the first unit after its words; ``prevw`` is the
    word right before it, ``bw`` the first word left of it past adverbs (:data:`ADV`) and
    ``pb``/``pbw`` the first unit/word left of it past real adverbs (``""`` for an entity);
    ``passive`` says whether a participle reads as passive (after a copula or before its agent
    word) and ``lo`` is the start of its clause.
    """

    t: int
    trig: Trigger
    after: int
    prevw: str
    bw: str
    pb: int
    pbw: str
    passive: bool
    lo: int
