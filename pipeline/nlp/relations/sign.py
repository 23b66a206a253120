"""Sign, negation and hedging: how a found pair becomes a recorded relation.

* :func:`signed` gives the predicate of a trigger class on an object (``improve`` lowers a bad
  object and raises a good one; a modifier such as ``reduced ALT`` composes with it);
  :func:`lof_flip` tells when an entity is the target of a loss of function (``knockdown of
  X``, ``X-deficient``), which flips the sign.
* negation and hedges are read over their scopes
  (:class:`~pipeline.nlp.relations.scopes.Scopes`): the clause for negation, cut after a
  contrastive ``but``; the sentence cut at strong breaks for hedges. A study aim or a
  ``whether`` clause blocks the relation.
* :func:`emit` / :func:`emit_pred` append the :class:`~pipeline.nlp.relations.units.Found`
  candidate to the sentence state.

Example
-------
>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import units_of
>>> msc, alt = M(0, 4, "MSCs", "CELL_TYPE"), M(20, 23, "ALT", "OUTCOME")
>>> st = SentenceState.of(units_of(msc, "may", "not", "reduce", alt))
>>> emit(st, msc, signed(st.pol, "DEC", alt), alt, 0, 3)
>>> st.found[0].pred, st.found[0].negated, st.found[0].hedged
('DECREASES', True, True)
"""
from __future__ import annotations

from ...model import Mention
from .lexicon import Polarity
from .scan import skip_left
from .state import SentenceState
from .units import Found
from .words import ADV, FLIP, LOF_REAGENTS, SIGNED

__all__ = [
    "signed", "lof_flip", "is_reagent", "emit", "emit_pred",
]


def signed(pol: Polarity, cls: str, obj: Mention, mod: str = "") -> str:
    """The signed predicate of trigger class ``cls`` acting on ``obj``.

    ``IMPROVE``/``WORSEN``/``PROTECT`` take their direction from the polarity of ``obj`` (an
    improved bad thing decreases); ``mod``, the class of an adjectival modifier of the object
    (``reduced ALT``), composes with it.

    >>> from pipeline.nlp.relations.lexicon import load_polarity
    >>> signed(load_polarity(), "IMPROVE", Mention(0, 3, "ALT", "OUTCOME"))
    'DECREASES'
    """
    if cls == "WORSEN":
        base = "DECREASES" if pol.sign(obj) == "good" else "INCREASES"
    elif cls == "IMPROVE" or cls == "PROTECT":
        s = pol.sign(obj)
        base = "DECREASES" if s == "bad" else "INCREASES"
        if cls == "PROTECT" and s != "good":
            base = "DECREASES"
    else:
        base = SIGNED.get(cls, "INCREASES")
    if mod:
        msign = signed(pol, mod, obj)
        if base == "DECREASES":
            base = FLIP[msign]
        else:
            base = msign
    return base


def lof_flip(st: SentenceState, k: int) -> bool:
    """Entity ``k`` is the target of a loss of function (``knockdown of X``, ``X-deficient``)."""
    u = st.units
    lof = st.lex.lof
    j = skip_left(u, k, 0, {"the", "of", "a", "an"})
    if j >= 2 and j == k - 1 and not u[j].is_ent and u[j].trig is None \
            and u[j - 1].low == "of" and u[j].low.isalpha():
        j = skip_left(u, j, 0, {"the", "of", "a", "an"})   # "inhibition of hepatic X"
    if j >= 0 and j < k - 1 and u[j].low in lof and u[j + 1].low in ("of", "the"):
        return True
    if j >= 0 and u[j].trig is not None and u[j].trig.cls == "DEC" \
            and u[j].trig.kind in ("G", "N") and (st.scopes.clause_start(j) >= j - 1 or skip_left(
                u, j, 0, ADV | {"the"}) < st.scopes.clause_start(j)):
        return True     # "blocking X ...", "Inhibition of X ..." as the clause subject
    if k + 1 < len(u) and is_reagent(st, k + 1):
        return True     # "X neutralizing antibody", "anti-X antibody", "X siRNA"
    if k + 1 < len(u):
        nx = u[k + 1].low
        if nx in lof or (nx == "-" and k + 2 < len(u)
                         and (u[k + 2].low in lof or u[k + 2].low.endswith("deficient"))):
            return True
        if nx.endswith("deficient") or nx in ("-/-", "knockout"):
            return True
    return False


def is_reagent(st: SentenceState, k: int) -> bool:
    """Unit ``k`` names a reagent that removes what precedes it (``neutralizing antibody``,
    ``siRNA``, ``inhibitor``; a word or a mention)."""
    w = st.units[k].low
    return any(r in w for r in LOF_REAGENTS) and not w.startswith(("anti-inflamm", "anti-fib"))


def emit(st: SentenceState, subj: Mention, pred: str, obj: Mention, lo: int, hi: int, *,
         lost: bool = False) -> None:
    """Record ``subj pred obj`` with the negation and hedge of the trigger ending at ``hi``
    (clause from ``lo``); nothing inside a study aim or a ``whether`` clause. ``lost``: the
    subject is a loss-of-function target inside a therapy (``pred`` already flipped), whose
    failure states what the target does (``MSCs lacking X did not reduce Y``: X reduces Y)."""
    sc = st.scopes
    neg = sc.flags(sc.negation_start(lo, hi), hi)[0]
    _n, hedge, block = sc.flags(sc.scope_start(hi), hi)
    if block:
        return
    if lost and neg:
        pred, neg = FLIP.get(pred, pred), False
    st.found.append(Found(subj, pred, obj, neg, hedge))


def emit_pred(st: SentenceState, s: Mention, cls: str, o: Mention, mod: str, flip: bool,
              lo: int, t: int) -> None:
    """Emit the relation of trigger class ``cls``: SECRETES only from a cell to a product,
    TREATS only to a disease, else signed on ``o`` (``mod``) and flipped for a loss of function."""
    if cls == "SEC":
        if o.type in ("CYTOKINE", "MOLECULE", "THERAPY") and s.type == "CELL_TYPE":
            emit(st, s, "SECRETES", o, lo, t)
        return
    if cls == "TREAT":
        if o.type == "DISEASE":
            emit(st, s, "TREATS", o, lo, t)
        return
    pred = signed(st.pol, cls, o, mod)
    if flip:
        pred = FLIP[pred]
    emit(st, s, pred, o, lo, t, lost=flip and any(s is c for c in st.carried))
