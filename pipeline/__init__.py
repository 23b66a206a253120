"""mscgraph: a mechanism knowledge graph of MSC therapy for liver disease, mined from PubMed.

Stages (one module each): ``pubmed_client``/``medline``/``store`` (ingest), ``lexicon``/``ner``/
``relations``/``extract`` (extraction), ``assembly``/``belief``/``graph`` (assembly and analyst
API), ``exports`` (GraphML, Cytoscape.js, CSV). ``model`` holds the shared data model.
"""
from __future__ import annotations

from .config import Settings
from .errors import (ConfigError, EvaluationError, FetchError, LexiconError, ParseError,
                     PipelineError, StoreError)
from .model import (Article, Concept, DocumentContext, Evidence, Extraction, Mention, Relation,
                    Statement)

__version__ = "0.1.0"

__all__ = [
    "Settings", "PipelineError", "ConfigError", "FetchError", "ParseError", "StoreError",
    "LexiconError", "EvaluationError", "Article", "Mention", "Relation", "DocumentContext",
    "Extraction", "Concept", "Evidence", "Statement", "__version__",
]
