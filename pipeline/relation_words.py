"""Word classes of the relation rules (lowercased surface forms).

Plain sets of words the rules in :mod:`pipeline.relation_rules` test units against: auxiliaries
and adverbs skipped between arguments, clause and stop words that bound a subject or an object
list, coordination fillers, negation and hedge cues, study-aim words that block a relation,
head modifiers (``-induced``, ``-associated``), locative and therapy heads, and the words of the
result-statement and group patterns. ``_SIGNED``/``_FLIP`` map trigger classes to signed
predicates. Package-internal (the names keep their leading underscore); change a set here and
the extractor version (:func:`pipeline.extract.extractor_version`) changes with it.

Example
-------
>>> "whereas" in _CLAUSE and _FLIP["INCREASES"]
'DECREASES'
"""
from __future__ import annotations

__all__ = [
    "_SIGNED", "_FLIP", "_BE", "_AUX", "_ADV", "_CELL_NOUNS", "_ANAPHORS", "_AGENT_NOUNS",
    "_REL", "_MEANS", "_CLAUSE", "_STOP", "_COORD", "_NEG", "_HEDGE", "_BLOCK", "_PRIMED",
    "_NEUTRAL_VERBS", "_PROPERTY_WORDS", "_MODIFIER_SUFFIXES", "_HEAD_MODIFIERS",
    "_LOCATIVE_HEADS", "_TREAT_LINK", "_THERAPY_NOUNS", "_REAL_ADV", "_INF_HOSTS",
    "_NOMINAL_BLOCK", "_RECEIVE", "_DETERMINERS", "_NOT_ADVERBS", "_PREPS", "_CLASS_NOUNS",
    "_SOURCED", "_RESULT_VERBS", "_GROUP_WORDS", "_EXPOSED", "_PREP_DET", "_CELL_LOSS",
]

_SIGNED = {"INC": "INCREASES", "DEC": "DECREASES"}
_FLIP = {"INCREASES": "DECREASES", "DECREASES": "INCREASES"}

# word classes (lowercased surface forms)
_BE = {"is", "are", "was", "were", "be", "been", "being", "'s"}
_AUX = _BE | {"has", "have", "had", "do", "does", "did", "can", "will", "would", "shall",
              "should", "must", "to", "also", "then", "further", "furthermore", "thus"}
_ADV = {"significantly", "markedly", "strongly", "dramatically", "directly", "indirectly",
        "partly", "partially", "largely", "mainly", "primarily", "effectively", "potently",
        "substantially", "further", "also", "both", "dose-dependently", "consistently",
        "greatly", "remarkably", "notably", "specifically", "efficiently", "profoundly",
        "considerably", "robustly", "only", "still", "even", "moreover", "in", "vitro", "vivo",
        "differentially", "selectively", "respectively", "not", "no", "n't", "never", "may",
        "might", "could", "potentially", "possibly", "likely", "probably", "can", "cannot",
        "to", "be", "been", "being", "is", "are", "was", "were", "has", "have", "had", "did",
        "do", "does", "will", "would", "should", "then", "thereby", "thus", "subsequently",
        "simultaneously", "together", "additionally", "finally", "ultimately", "eventually",
        "slightly", "somewhat", "clearly", "obviously", "apparently", "gradually", "rapidly",
        "readily", "highly", "mostly", "predominantly", "preferentially", "failed", "fail",
        "fails", "appear", "appears", "appeared", "seem", "seems", "seemed", "able", "unable",
        "shown", "reported", "found", "known", "thought", "believed", "suggested", "expected",
        "demonstrated", "proposed", "hypothesized", "considered", "likely", ",", "however"}
_CELL_NOUNS = {"cells", "cell", "mscs", "msc"}
_ANAPHORS = {"they", "these", "such", "their", "those"}
# "these drugs", "the vesicles": refer to the last non-cell agent of the previous sentences
_AGENT_NOUNS = {"drug", "drugs", "agent", "agents", "compound", "compounds", "vesicles",
                "exosomes", "evs", "inhibitor", "inhibitors", "molecules", "treatments",
                "therapies", "products", "preparations", "derivatives", "medications"}
_REL = {"which", "that", "who"}
_MEANS = {"by", "through", "via", "thereby", "using"}
_CLAUSE = {";", "while", "whereas", "although", "though", "whilst", ":", "however", "which",
           "who"}
_STOP = _CLAUSE | {".", "but", "which", "prolong", "prolongs", "prolonged", "maintain",
                   "maintains", "maintained", "participate", "participates", "play", "plays",
                   "played", "exert", "exerts", "exerted", "display", "displays", "show",
                   "shows", "contain", "contains", "involve", "involves", "involving",
                   "include", "includes", "represent", "represents", "remain", "remains", "that", "who", "by", "through", "via", "thereby", "than",
                   "compared", "versus", "vs", "vs.", "when", "after", "following", "before",
                   "during", "because", "since", "if", "whether", "until", "unless", "in",
                   "with", "without", "from", "at", "on", "for", "to", "into", "towards",
                   "toward", "under", "within", "among", "between", "against", "is", "are",
                   "was", "were", "has", "have", "had", "be", "been", "did", "does", "do",
                   "can", "may", "might", "could", "would", "should", "will", "suggesting",
                   "indicating", "showing", "demonstrating", "highlighting", "whereby",
                   "where", "using", "used", "upon", "showed", "shown", "found", "observed",
                   "revealed", "demonstrated", "indicated", "suggested", "suggest", "suggests",
                   "associated", "correlated", "related", "regulate", "regulates", "regulated",
                   "regulating", "affect", "affects", "affected", "modulate", "modulates",
                   "modulated", "modulating", "remained", "exhibited", "displayed", "via",
                   "accompanied", "paralleled", "coincided", "linked", "relative"}
# fillers allowed between coordinated object entities
_COORD = {",", "and", "or", "as", "well", "(", ")", "[", "]", "such", "like", "including",
          "e.g.", "e.g", "i.e.", "especially", "particularly", "both", "either", "/", "the",
          "of", "its", "their", "nor", "neither", "also", "plus", "-", "a", "an", "levels",
          "level", "expression", "expressions", "production", "activity", "activities",
          "function", "functions", "number", "numbers", "secretion", "release", "content",
          "concentration", "concentrations", "serum", "plasma", "hepatic", "mrna", "protein",
          "proteins", "gene", "genes", "signaling", "signalling", "pathway", "pathways",
          "phenotype", "cell", "cells", "markers", "marker", "etc", "etc.", "other", "in"}
_NEG = {"not", "no", "n't", "never", "neither", "nor", "without", "failed", "fail", "fails",
        "unable", "cannot", "absence", "lack", "lacked", "lacks"}
_HEDGE = {"may", "might", "could", "potentially", "potential", "possibly", "possible",
          "suggest", "suggests", "suggested", "suggesting", "thought", "appear", "appears",
          "appeared", "likely", "promising", "hypothesize", "hypothesized", "hypothesise",
          "hypothesised", "hypothesis", "hypothesized", "expected", "hope", "presumably",
          "putative", "perhaps", "would", "seem", "seems", "speculate", "postulate",
          "proposed", "believed", "candidate", "candidates", "unclear", "might"}
_BLOCK = {"whether", "investigate", "investigated", "evaluate", "evaluated", "assess",
          "assessed", "determine", "examine", "examined", "explore", "explored", "compare",
          "measure", "measured", "aim", "aims", "objective", "purpose", "test", "tested"}
_PRIMED = {"pretreated", "treated", "primed", "stimulated", "preconditioned", "loaded",
           "transfected", "engineered", "modified", "transduced", "incubated", "cultured"}
_NEUTRAL_VERBS = {"modulate", "modulates", "modulated", "regulate", "regulates", "regulated",
                  "affect", "affects", "affected", "alter", "alters", "altered", "control",
                  "controls", "controlled", "influence", "influences", "influenced", "target",
                  "targets", "targeted", "reprogram", "reprograms", "reprogrammed"}
_PROPERTY_WORDS = ("propert", "capacit", "potential", "effect")
# processes that remove the cells they happen to: "induce apoptosis of HSCs" lowers HSCs
_CELL_LOSS = ("apoptosis", "apoptotic", "death", "necrosis", "necroptosis", "pyroptosis",
              "ferroptosis", "senescence", "killing", "lysis", "clearance", "elimination",
              "depletion")
_MODIFIER_SUFFIXES = {"independent", "dependent", "free", "negative", "positive", "deficient",
                      "null", "knockout", "treated", "exposed", "bearing", "fed"}
# "CCl4-induced fibrosis", "obesity-associated steatosis": the entity before these only
# qualifies the following head, which is the object of a governing verb
_HEAD_MODIFIERS = {"induced", "mediated", "triggered", "driven", "associated", "related",
                   "elicited", "caused", "provoked", "evoked", "derived", "challenged"}
_LOCATIVE_HEADS = {"recipients", "patients", "patient", "mice", "mouse", "rats", "rat", "models", "model",
                   "subjects", "animals", "individuals", "cases", "livers"}
_TREAT_LINK = {"for", "in", "with", "against", "of", "treating"}
_THERAPY_NOUNS = {"therapy", "therapies", "transplantation", "transplant", "infusion", "infusions",
                  "injection", "administration", "transfusion", "treatment"}
_REAL_ADV = {"significantly", "markedly", "strongly", "dramatically", "directly", "partly",
             "partially", "largely", "mainly", "primarily", "effectively", "substantially",
             "further", "also", "not", "greatly", "remarkably", "notably", "considerably",
             "slightly", "clearly", "obviously", "gradually", "rapidly", "only", "still",
             "dose-dependently", "consistently", "robustly", "profoundly", "then", "been",
             "being", "highly", "efficiently", "potently", "specifically", "never", "n't"}
#: Participles that only link a nominal's agent: "inhibition of Y mediated by X".
_AGENT_PARTICIPLES = {"mediated", "induced", "caused", "elicited", "exerted", "achieved",
                      "conferred", "triggered", "afforded", "provided", "brought"}
_INF_HOSTS = {"failed", "fail", "fails", "shown", "able", "unable", "used", "appear", "appears",
              "appeared", "seem", "seems", "seemed", "likely", "led", "lead", "leads", "due",
              "thought", "known", "reported", "found", "believed", "suggested", "continued",
              "began", "tend", "tends", "tended", "proved", "designed", "aimed", "aim"}
_NOMINAL_BLOCK = {"of", "by", "through", "via", "for", "to", "whether", "than", "on", "from"}
_RECEIVE = {"receive", "received", "receiving", "receives", "undergo", "underwent",
            "undergoing", "undergoes", "given", "treated", "transplanted", "infused", "injected"}
_DETERMINERS = {"the", "a", "an", "this", "that", "its", "their", "significant", "marked",
                "further", "any", "no"}
_NOT_ADVERBS = {"family", "assembly", "anomaly", "supply", "monopoly", "daily", "weekly",
                "monthly", "yearly", "early", "lonely", "friendly", "italy", "butterfly"}
_PREPS = {"in", "from", "at", "on", "after", "during", "for", "with", "among", "within", "of"}
_CLASS_NOUNS = {"genes", "gene", "proteins", "protein", "factors", "molecules", "pathways",
                "mechanisms", "signals", "markers"}
_SOURCED = {"derived", "isolated", "obtained", "released", "secreted", "extracted", "purified",
            "harvested", "generated", "collected", "produced", "prepared"}
_RESULT_VERBS = {"showed", "show", "shows", "exhibited", "exhibit", "exhibits", "displayed",
                 "display", "displays", "had", "have", "has", "experienced", "developed",
                 "presented"}
_GROUP_WORDS = {"group", "groups", "arm", "arms", "cohort"}
_EXPOSED = {"treated", "exposed", "transplanted", "injected", "infused", "fed", "receiving",
            "recipient", "recipients"}
_PREP_DET = {"by", "with", "of", "in", "the", "a", "an", "to", "for", "on", "from", "than",
             "showed", "had", "have", "has", "exhibited", "displayed", "its", "their",
             "whereas", "while", "but", "despite", "without", "no", "any", "show", "shows"}
