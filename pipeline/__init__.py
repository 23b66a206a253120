"""mscgraph: a mechanism knowledge graph of MSC therapy for liver disease, mined from PubMed.

Stages (one module each): ``pubmed_client``/``medline``/``store``/``ingest`` (ingest),
``normalize``/``lexicon``/``nlp``/``relations``/``context``/``extract`` (extraction),
``assembly``/``belief``/``graph`` (assembly and analyst API), ``exports`` (GraphML,
Cytoscape.js, CSV), ``evaluation``/``benchmark_corpora`` (quality). ``model`` holds the shared
data model.

The main classes are importable from here; heavy ones (spaCy, SQLAlchemy, pandas) load on
first use:

>>> import pipeline
>>> pipeline.Mention(0, 4, "MSCs", "CELL_TYPE", "CL:0000134").concept_key
'CL:0000134'
>>> pipeline.KnowledgeGraph.__name__    # imported lazily
'KnowledgeGraph'
"""
from __future__ import annotations

import importlib
from typing import Any

from .config import Settings
from .errors import (ConfigError, EvaluationError, FetchError, LexiconError, ParseError,
                     PipelineError, StoreError)
from .model import (Article, Concept, DocumentContext, Evidence, Extraction, Mention, Relation,
                    Statement)

__version__ = "0.1.0"

#: Public names loaded on first access: name -> module.
_LAZY = {
    "Store": "store", "EutilsClient": "pubmed_client", "parse_pubmed_xml": "medline",
    "read_articles": "medline", "ingest_query": "ingest", "ingest_xml_files": "ingest",
    "ingest_demo": "ingest", "load_queries": "ingest", "Lexicon": "lexicon",
    "build_nlp": "nlp", "Extractor": "extract", "extract_pending": "extract",
    "assemble": "assembly", "KnowledgeGraph": "graph", "write_exports": "exports",
}

__all__ = [
    "Settings", "PipelineError", "ConfigError", "FetchError", "ParseError", "StoreError",
    "LexiconError", "EvaluationError", "Article", "Mention", "Relation", "DocumentContext",
    "Extraction", "Concept", "Evidence", "Statement", "__version__", *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
