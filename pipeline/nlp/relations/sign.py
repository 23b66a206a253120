"""Sign, negation and hedging: how a found pair becomes a recorded relation.

* :func:`signed` gives the predicate of a trigger class on an object (``improve`` lowers a bad
  object and raises a good one; a modifier such as ``reduced ALT`` composes with it);
  :func:`lof_flip` tells when an entity is the target of a loss of function (``knockdown of
  X``, ``X-deficient``), which flips the sign.
* :func:`scope_flags` finds negation, hedge and study-aim cues in a scope: the clause for
  negation (cut after a contrastive ``but``, :func:`negation_start`), the sentence cut at
  strong breaks for hedges (:func:`scope_start`).
* :func:`emit` / :func:`emit_pred` append the :class:`~pipeline.nlp.relations.units.Found`
  candidate to the sentence state.

Example
-------
>>> from pipeline.model import Mention
>>> units = [Unit("mscs", Mention(0, 4, "MSCs", "CELL_TYPE")), Unit("may"), Unit("not")]
>>> scope_flags(units, 0, 3)
(True, True, False)
"""
from __future__ import annotations

from ...model import Mention
from .lexicon import Polarity
from .scan import clause_start, skip_left
from .state import SentenceState
from .units import Found, Unit
from .words import ADV, BLOCK, FLIP, HEDGE, NEG, SIGNED

__all__ = [
    "scope_start", "negation_start", "scope_flags", "signed", "lof_flip", "emit", "emit_pred",
]


def scope_start(units: list[Unit], t: int) -> int:
    """Start of the hedge scope of ``t``: the sentence, cut at strong clause breaks only."""
    for j in range(t - 1, -1, -1):
        if not units[j].is_ent and units[j].low in (";", "while", "whereas", "although",
                                                      "whilst", "however"):
            return j + 1
    return 0


def negation_start(units: list[Unit], lo: int, t: int) -> int:
    """Start of the negation scope of ``t``: its clause, cut after a contrastive ``but`` /
    ``yet`` (``did not improve A, but they reduced B``: B is not negated)."""
    for j in range(t - 1, lo - 1, -1):
        if not units[j].is_ent and units[j].low in ("but", "yet", "instead", "rather"):
            if units[j].low == "but" and j + 1 < len(units) and units[j + 1].low == "also":
                continue        # "not only A but also B"
            return j + 1
    return lo


def scope_flags(units: list[Unit], lo: int, hi: int) -> tuple[bool, bool, bool]:
    """(negated, hedged, blocked) cues among units ``lo..hi-1``."""
    neg = hedge = block = aim = aim_block = False
    for j in range(max(lo, 0), hi):
        u = units[j]
        if u.is_ent:
            continue
        w = u.low
        if w in NEG:
            nxt = units[j + 1].low if j + 1 < len(units) else ""
            if not (w == "not" and nxt == "only") and not (
                    w in ("absence", "lack") and nxt == "of"):   # loss of function
                neg = True
        if w in HEDGE and not (w in ("could", "would") and j + 1 < len(units)
                                and units[j + 1].low in ("not", "n't")):
            hedge = True            # "could not suppress" is a failure, not a hedge
        if w == "whether" or (w in BLOCK and j > 0 and units[j - 1].low == "to") or (
                w == "if" and j > 0 and units[j - 1].low in BLOCK):
            block = True
        elif w in BLOCK and j > 0 and units[j - 1].low == "we":
            aim = True          # "we evaluated the ability of X to ...": a study aim
        elif aim and w in ("ability", "capacity", "potential", "efficacy"):
            aim_block = True
        elif aim and w in ("that", "found", "showed", "revealed", "demonstrated", "and"):
            aim_block = aim = False     # "we examined X and found that ...": a stated result
    return neg, hedge, block or aim_block


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
            and u[j].trig.kind in ("G", "N") and (clause_start(u, j) >= j - 1 or skip_left(
                u, j, 0, ADV | {"the"}) < clause_start(u, j)):
        return True     # "blocking X ...", "Inhibition of X ..." as the clause subject
    if k + 1 < len(u):
        nx = u[k + 1].low
        if nx in lof or (nx == "-" and k + 2 < len(u)
                         and (u[k + 2].low in lof or u[k + 2].low.endswith("deficient"))):
            return True
        if nx.endswith("deficient") or nx in ("-/-", "knockout"):
            return True
    return False


def emit(st: SentenceState, subj: Mention, pred: str, obj: Mention, lo: int, hi: int) -> None:
    """Record ``subj pred obj`` with the negation and hedge of the trigger ending at ``hi``
    (clause from ``lo``); nothing inside a study aim or a ``whether`` clause."""
    neg = scope_flags(st.units, negation_start(st.units, lo, hi), hi)[0]
    _n, hedge, block = scope_flags(st.units, scope_start(st.units, hi), hi)
    if block:
        return
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
    emit(st, s, pred, o, lo, t)
