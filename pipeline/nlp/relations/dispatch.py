"""Which rule runs for which trigger, and the order of the rules over a sentence.

:func:`run` applies :func:`trigger` to each trigger unit left to right (skipping those an
earlier rule consumed as a modifier), then the ``production of X in C`` nominals, the
hyphenated modifiers, the compounds and TREATS. :func:`trigger` reads the trigger's
:class:`~pipeline.nlp.relations.state.Site` and picks one rule by construction: hyphenated
participles and drug-class gerunds state nothing; treatment nouns, ``via decreased Z``, result
statements, adjectival participles (no clause of their own), ``no effect``, cause connectives,
differentiation, nominalizations, passives, and otherwise the active verb rule.

Example
-------
>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import units_of
>>> st = SentenceState.of(units_of(M(0, 3, "HGF", "CYTOKINE"), "was", "secreted", "by",
...                                M(17, 21, "MSCs", "CELL_TYPE")))
>>> run(st)
>>> [(f.subj.text, f.pred, f.obj.text) for f in st.found]
[('MSCs', 'SECRETES', 'HGF')]
"""
from __future__ import annotations

import logging

from .lexicon import Trigger
from .scan import skip_left
from .state import SentenceState, Site
from .subjects import vp_coordinated
from .words import ADV, AGENT_NOUNS, BE, PREP_DET, REAL_ADV, RESULT_VERBS
from .rules.differentiation import differentiation
from .rules.hyphen import compound_objects, hyphen_patterns
from .rules.nominal import nominal, secretion_in, treatment_nominal
from .rules.results import result_statement
from .rules.therapy import treats
from .rules.verbal import active, no_effect, passive, reverse_cause, via_participle

__all__ = ["run", "trigger", "site_of"]

log = logging.getLogger(__name__)


def run(st: SentenceState) -> None:
    """Apply every rule to the sentence; the relations found are in ``st.found``."""
    for t, x in enumerate(st.units):
        if x.trig is None or t in st.consumed:
            continue
        try:
            trigger(st, t, x.trig)
        except IndexError:  # pragma: no cover - defensive on odd token runs
            log.debug("rule failed at unit %d", t, exc_info=True)
    for j in st.sec_nominals:
        secretion_in(st, j)
    hyphen_patterns(st)
    compound_objects(st)
    treats(st)


def site_of(st: SentenceState, t: int, tr: Trigger) -> Site:
    """The :class:`Site` of trigger ``tr`` at unit ``t``."""
    u = st.units
    after = t + u[t].trig_len
    prevw = u[t - 1].low if t > 0 else ""
    before = skip_left(u, t, 0, ADV)
    bw = u[before].low if before >= 0 and not u[before].is_ent else ""
    pb = skip_left(u, t, 0, REAL_ADV)
    pbw = u[pb].low if pb >= 0 and not u[pb].is_ent else ""
    agent_words = ("by", "from") if tr.cls == "SEC" else ("by",)
    passive = tr.kind in ("P", "A") and (pbw in BE or (after < len(u)
                                                        and u[after].low in agent_words))
    return Site(t, tr, after, prevw, bw, pb, pbw, passive, st.scopes.clause_start(t))


def trigger(st: SentenceState, t: int, tr: Trigger) -> None:
    """Run the rule for the construction of trigger ``tr`` at unit ``t``."""
    u = st.units
    after = t + u[t].trig_len
    cls = tr.cls
    prevw = u[t - 1].low if t > 0 else ""
    # hyphenated participles ("HGF-induced") are handled separately; a hyphenated
    # modifier without an entity ("HBx-upregulated phenotypes") states nothing
    if tr.kind == "P" and (prevw == "-" or (t > 0 and u[t - 1].is_ent
                                            and prevw.endswith("-"))):
        return
    if cls == "TREAT" and tr.kind != "V":
        if tr.kind == "N":
            treatment_nominal(st, t, after)
        return
    if tr.kind == "G" and t > 0 and after < len(u) and not u[after].is_ent \
            and u[after].low in AGENT_NOUNS | {"drug", "therapy", "treatment",
                                               "medication", "agent"} \
            and (u[t - 1].is_ent or (prevw == "-" and t > 1 and u[t - 2].is_ent)):
        return      # "lipid-lowering drugs (statins)": names a drug class, states nothing
    site = site_of(st, t, tr)
    pbw, participle = site.pbw, tr.kind in ("P", "A") and not site.passive
    if participle and pbw in ("via", "through") and cls in ("INC", "DEC"):
        via_participle(st, site)
    elif participle and pbw in RESULT_VERBS and cls in ("INC", "DEC", "IMPROVE", "WORSEN"):
        result_statement(st, t, site.pb, cls, after)
    elif participle and (pbw in PREP_DET or tr.kind == "A") \
            and not (tr.kind == "P" and pbw in ("but", "whereas", "while")
                     and vp_coordinated(st, t) is not None):
        return      # adjectival ("with impaired regeneration"): no clause of its own
    elif tr.kind == "P" and not site.passive and prevw in ("and", "or") \
            and not vp_coordinated(st, t):
        return      # "dysregulated autophagy and activated inflammation": adjectival
    elif cls == "NOEFFECT":
        no_effect(st, site)
    elif cls == "REV":
        reverse_cause(st, site)
    elif cls in ("DIFF", "POLAR"):
        differentiation(st, t, tr, after, site.lo)
    elif tr.kind == "N":
        nominal(st, t, tr, after, site.lo)
    elif site.passive:
        passive(st, site)
    else:
        active(st, site)
