"""Word classes of the relation rules (lowercased surface forms).

Plain sets of words the relation rules (:mod:`pipeline.nlp.relations.rules`) test units
against: auxiliaries and adverbs skipped between arguments, clause and stop words that bound a
subject or an object list, coordination fillers, negation and hedge cues, study-aim words that
block a relation, head modifiers (``-induced``, ``-associated``), locative and therapy heads,
and the words of the result-statement and group patterns. ``SIGNED``/``FLIP`` map trigger
classes to signed predicates. Change a set here and the extractor version
(:func:`pipeline.extract.extractor_version`) changes with it.

Example
-------
>>> "whereas" in CLAUSE and FLIP["INCREASES"]
'DECREASES'
"""
from __future__ import annotations

__all__ = [
    "SIGNED", "FLIP", "BE", "AUX", "ADV", "CELL_NOUNS", "ANAPHORS", "AGENT_NOUNS",
    "REL", "MEANS", "CLAUSE", "STOP", "COORD", "NEG", "HEDGE", "BLOCK", "PRIMED",
    "NEUTRAL_VERBS", "PROPERTY_WORDS", "MODIFIER_SUFFIXES", "HEAD_MODIFIERS",
    "LOCATIVE_HEADS", "TREAT_LINK", "THERAPY_NOUNS", "REAL_ADV", "INF_HOSTS",
    "NOMINAL_BLOCK", "RECEIVE", "DETERMINERS", "NOT_ADVERBS", "PREPS", "CLASS_NOUNS",
    "SOURCED", "RESULT_VERBS", "GROUP_WORDS", "EXPOSED", "PREP_DET", "CELL_LOSS",
    "AGENT_PARTICIPLES", "LOST_WORDS", "LOST_PARTICIPLES", "CELL_CARRY", "LOF_REAGENTS", "EFFECT_NOUNS", "BENEFIT_WORDS",
]

SIGNED = {"INC": "INCREASES", "DEC": "DECREASES"}
FLIP = {"INCREASES": "DECREASES", "DECREASES": "INCREASES"}

# word classes (lowercased surface forms)
BE = {"is", "are", "was", "were", "be", "been", "being", "'s"}
AUX = BE | {"has", "have", "had", "do", "does", "did", "can", "will", "would", "shall",
              "should", "must", "to", "also", "then", "further", "furthermore", "thus"}
ADV = {"significantly", "markedly", "strongly", "dramatically", "directly", "indirectly",
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
CELL_NOUNS = {"cells", "cell", "mscs", "msc"}
ANAPHORS = {"they", "these", "such", "their", "those"}
# "these drugs", "the vesicles": refer to the last non-cell agent of the previous sentences
AGENT_NOUNS = {"drug", "drugs", "agent", "agents", "compound", "compounds", "vesicles",
                "exosomes", "evs", "inhibitor", "inhibitors", "molecules", "treatments",
                "therapies", "products", "preparations", "derivatives", "medications"}
REL = {"which", "that", "who"}
MEANS = {"by", "through", "via", "thereby", "using"}
CLAUSE = {";", "while", "whereas", "although", "though", "whilst", ":", "however", "which",
           "who"}
STOP = CLAUSE | {".", "but", "which", "prolong", "prolongs", "prolonged", "maintain",
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
COORD = {",", "and", "or", "as", "well", "(", ")", "[", "]", "such", "like", "including",
          "e.g.", "e.g", "i.e.", "especially", "particularly", "both", "either", "/", "the",
          "of", "its", "their", "nor", "neither", "also", "plus", "-", "a", "an", "levels",
          "level", "expression", "expressions", "production", "activity", "activities",
          "function", "functions", "number", "numbers", "secretion", "release", "content",
          "concentration", "concentrations", "serum", "plasma", "hepatic", "mrna", "protein",
          "proteins", "gene", "genes", "signaling", "signalling", "pathway", "pathways",
          "phenotype", "cell", "cells", "markers", "marker", "etc", "etc.", "other", "in"}
NEG = {"not", "no", "n't", "never", "neither", "nor", "without", "failed", "fail", "fails",
        "unable", "cannot", "absence", "lack", "lacked", "lacks"}
HEDGE = {"may", "might", "could", "potentially", "potential", "possibly", "possible",
          "suggest", "suggests", "suggested", "suggesting", "thought", "appear", "appears",
          "appeared", "likely", "promising", "hypothesize", "hypothesized", "hypothesise",
          "hypothesised", "hypothesis", "hypothesized", "expected", "hope", "presumably",
          "putative", "perhaps", "would", "seem", "seems", "speculate", "postulate",
          "proposed", "believed", "candidate", "candidates", "unclear", "might"}
BLOCK = {"whether", "investigate", "investigated", "evaluate", "evaluated", "assess",
          "assessed", "determine", "examine", "examined", "explore", "explored", "compare",
          "measure", "measured", "aim", "aims", "objective", "purpose", "test", "tested"}
PRIMED = {"pretreated", "treated", "primed", "stimulated", "preconditioned", "loaded",
           "transfected", "engineered", "modified", "transduced", "incubated", "cultured"}
NEUTRAL_VERBS = {"modulate", "modulates", "modulated", "regulate", "regulates", "regulated",
                  "affect", "affects", "affected", "alter", "alters", "altered", "control",
                  "controls", "controlled", "influence", "influences", "influenced", "target",
                  "targets", "targeted", "reprogram", "reprograms", "reprogrammed"}
PROPERTY_WORDS = ("propert", "capacit", "potential", "effect")
# processes that remove the cells they happen to: "induce apoptosis of HSCs" lowers HSCs
CELL_LOSS = ("apoptosis", "apoptotic", "death", "necrosis", "necroptosis", "pyroptosis",
              "ferroptosis", "senescence", "killing", "lysis", "clearance", "elimination",
              "depletion")
# "MSCs lacking X", "MSCs deficient in X": a therapy without X
LOST_WORDS = {"lacking", "deficient", "devoid", "without", "lacked"}
# "X-silenced MSCs", "X-knockdown MSCs": a therapy whose X is removed
LOST_PARTICIPLES = {"silenced", "knockdown", "deficient", "depleted", "null", "knockout",
                     "ablated", "deleted", "-/-", "knocked", "kd", "ko"}
# processes whose change is a change of the cells they happen to: "inhibit T cell
# proliferation" also lowers T cells; any other "<cell> <process>" object ("hepatocyte
# apoptosis") acts on the process only, the cell is its possessor
CELL_CARRY = ("prolifer", "activat", "maturat", "migrat", "differentiat", "expansion",
               "infiltrat", "recruit", "polariz", "polaris", "invasion", "growth", "viability")
# "X siRNA", "anti-X antibody", "X neutralizing antibody": reagents that remove X
LOF_REAGENTS = ("sirna", "shrna", "antibod", "neutraliz", "neutralis", "antagonist",
                 "inhibitor", "knockdown", "knockout", "blocker")
# "the (protective) effect of X on Y": nouns whose "of X" is the agent, not an object
EFFECT_NOUNS = {"effect", "effects", "impact", "influence", "action", "actions", "benefit",
                 "benefits", "efficacy"}
# adjectives that make an effect a good one ("the therapeutic effect of X on fibrosis")
BENEFIT_WORDS = ("therapeutic", "protective", "beneficial", "anti", "hepatoprotective",
                  "ameliorat", "salutary", "curative", "regenerative", "immunosuppressive",
                  "immunomodulatory")
MODIFIER_SUFFIXES = {"independent", "dependent", "free", "negative", "positive", "deficient",
                      "null", "knockout", "treated", "exposed", "bearing", "fed"}
# "CCl4-induced fibrosis", "obesity-associated steatosis": the entity before these only
# qualifies the following head, which is the object of a governing verb
HEAD_MODIFIERS = {"induced", "mediated", "triggered", "driven", "associated", "related",
                   "elicited", "caused", "provoked", "evoked", "derived", "challenged"}
LOCATIVE_HEADS = {"recipients", "patients", "patient", "mice", "mouse", "rats", "rat", "models", "model",
                   "subjects", "animals", "individuals", "cases", "livers"}
TREAT_LINK = {"for", "in", "with", "against", "of", "treating"}
THERAPY_NOUNS = {"therapy", "therapies", "transplantation", "transplant", "infusion", "infusions",
                  "injection", "administration", "transfusion", "treatment"}
REAL_ADV = {"significantly", "markedly", "strongly", "dramatically", "directly", "partly",
             "partially", "largely", "mainly", "primarily", "effectively", "substantially",
             "further", "also", "not", "greatly", "remarkably", "notably", "considerably",
             "slightly", "clearly", "obviously", "gradually", "rapidly", "only", "still",
             "dose-dependently", "consistently", "robustly", "profoundly", "then", "been",
             "being", "highly", "efficiently", "potently", "specifically", "never", "n't"}
#: Participles that only link a nominal's agent: "inhibition of Y mediated by X".
AGENT_PARTICIPLES = {"mediated", "induced", "caused", "elicited", "exerted", "achieved",
                      "conferred", "triggered", "afforded", "provided", "brought"}
INF_HOSTS = {"failed", "fail", "fails", "shown", "able", "unable", "used", "appear", "appears",
              "appeared", "seem", "seems", "seemed", "likely", "led", "lead", "leads", "due",
              "thought", "known", "reported", "found", "believed", "suggested", "continued",
              "began", "tend", "tends", "tended", "proved", "designed", "aimed", "aim"}
NOMINAL_BLOCK = {"of", "by", "through", "via", "for", "to", "whether", "than", "on", "from"}
RECEIVE = {"receive", "received", "receiving", "receives", "undergo", "underwent",
            "undergoing", "undergoes", "given", "treated", "transplanted", "infused", "injected"}
DETERMINERS = {"the", "a", "an", "this", "that", "its", "their", "significant", "marked",
                "further", "any", "no"}
NOT_ADVERBS = {"family", "assembly", "anomaly", "supply", "monopoly", "daily", "weekly",
                "monthly", "yearly", "early", "lonely", "friendly", "italy", "butterfly"}
PREPS = {"in", "from", "at", "on", "after", "during", "for", "with", "among", "within", "of"}
CLASS_NOUNS = {"genes", "gene", "proteins", "protein", "factors", "molecules", "pathways",
                "mechanisms", "signals", "markers"}
SOURCED = {"derived", "isolated", "obtained", "released", "secreted", "extracted", "purified",
            "harvested", "generated", "collected", "produced", "prepared"}
RESULT_VERBS = {"showed", "show", "shows", "exhibited", "exhibit", "exhibits", "displayed",
                 "display", "displays", "had", "have", "has", "experienced", "developed",
                 "presented"}
GROUP_WORDS = {"group", "groups", "arm", "arms", "cohort"}
EXPOSED = {"treated", "exposed", "transplanted", "injected", "infused", "fed", "receiving",
            "recipient", "recipients"}
PREP_DET = {"by", "with", "of", "in", "the", "a", "an", "to", "for", "on", "from", "than",
             "showed", "had", "have", "has", "exhibited", "displayed", "its", "their",
             "whereas", "while", "but", "despite", "without", "no", "any", "show", "shows"}
