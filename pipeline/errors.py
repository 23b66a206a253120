"""Exception hierarchy: every error the library raises says what went wrong and what to do.

>>> try:
...     raise ConfigError("MSCGRAPH_DATABASE_URL is empty; set it to an SQLAlchemy URL")
... except PipelineError as e:
...     print(type(e).__name__)
ConfigError
"""
from __future__ import annotations

__all__ = ["PipelineError", "ConfigError", "FetchError", "ParseError", "StoreError",
           "LexiconError", "EvaluationError"]


class PipelineError(Exception):
    """Base class of all mscgraph errors."""


class ConfigError(PipelineError, ValueError):
    """A setting is missing or invalid (the message names the setting and how to fix it)."""


class FetchError(PipelineError):
    """E-utilities could not be reached or kept failing after all retries.

    ``transient`` says whether trying again later may succeed (NCBI down, rate limited,
    timeouts) or not (a rejected query, a 4xx other than 429).
    """

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


class ParseError(PipelineError):
    """Input (PubMed XML, JSON Lines, a gold file) is malformed; the message gives where."""


class StoreError(PipelineError):
    """The local store could not be opened or written."""


class LexiconError(PipelineError):
    """The lexicon is missing or could not be built from the given resources."""


class EvaluationError(PipelineError):
    """A gold or system file cannot be scored (missing documents, bad offsets, ...)."""
