"""Settings: read once from environment variables (and CLI flags), passed in explicitly.

Environment variables
---------------------
``NCBI_EMAIL``            contact e-mail sent to NCBI with every request (``email``).
``NCBI_API_KEY``          NCBI API key (raises the rate limit from 3 to 10 requests/s).
                          Never logged, never stored in run records.
``MSCGRAPH_EUTILS_URL``   E-utilities base URL ending in ``/entrez/eutils/``.
``MSCGRAPH_EUTILS_DEADLINE`` seconds one E-utilities request may take in all (default 120).
``MSCGRAPH_DATABASE_URL`` SQLAlchemy URL of the store (default: SQLite under ``corpora/``).
``MSCGRAPH_EXPORT_DIR``   where exports go (default ``graph_exports/``).

>>> s = Settings.from_env({"NCBI_EMAIL": "a@b.org"})
>>> s.email, s.requests_per_second
('a@b.org', 3.0)
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from .errors import ConfigError

__all__ = ["Settings", "PROJECT_ROOT", "DEFAULT_EUTILS_URL", "default_database_url",
           "DEMO_DATABASE_URL", "DEMO_EXPORT_DIR", "demo_locations"]

#: Root of the source checkout (``corpora/``, ``graph_exports/`` live here).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
TOOL_NAME = "mscgraph"


def default_database_url() -> str:
    """SQLite file ``corpora/mscgraph.sqlite`` in the checkout."""
    return "sqlite:///" + str(PROJECT_ROOT / "corpora" / "mscgraph.sqlite")


#: Where the bundled demo corpus keeps its store and exports, so that its illustrative records
#: never mix with a real PubMed store (``MSCGRAPH_DATABASE_URL`` names the real one).
DEMO_DATABASE_URL = "sqlite:///" + str(PROJECT_ROOT / "corpora" / "demo.sqlite")
DEMO_EXPORT_DIR = PROJECT_ROOT / "graph_exports" / "demo"


def demo_locations(database_url: str | None = None,
                   export_dir: str | Path | None = None) -> tuple[str, str]:
    """Store URL and export directory of a demo run: the ones given, else the demo's own.

    The environment (``MSCGRAPH_DATABASE_URL``, ``MSCGRAPH_EXPORT_DIR``) is not consulted: it
    names the real store, which must not receive the illustrative records. Used by
    ``mscgraph run --source demo`` and by the ``nightly`` flow alike.

    >>> demo_locations()[0] == DEMO_DATABASE_URL
    True
    >>> demo_locations("sqlite:///x.sqlite", "out")
    ('sqlite:///x.sqlite', 'out')
    """
    return database_url or DEMO_DATABASE_URL, str(export_dir or DEMO_EXPORT_DIR)


@dataclass(frozen=True)
class Settings:
    """All run-time settings. Build with :meth:`from_env`, override with :meth:`replace`."""

    email: str = ""
    api_key: str = field(default="", repr=False)  # never in repr, logs or run records
    eutils_url: str = DEFAULT_EUTILS_URL
    database_url: str = field(default_factory=default_database_url)
    export_dir: Path = PROJECT_ROOT / "graph_exports"
    tool: str = TOOL_NAME
    timeout: float = 30.0  # per wait for the server
    deadline: float = 120.0  # per request, in all
    max_tries: int = 5
    backoff: float = 1.0
    batch_size: int = 200

    def __post_init__(self) -> None:
        if not self.eutils_url.endswith("/"):
            object.__setattr__(self, "eutils_url", self.eutils_url + "/")
        if not self.eutils_url.startswith(("http://", "https://")):
            raise ConfigError(f"MSCGRAPH_EUTILS_URL must be an http(s) URL ending in "
                              f"/entrez/eutils/, got {self.eutils_url!r}")
        if not self.database_url:
            raise ConfigError("MSCGRAPH_DATABASE_URL is empty; set it to an SQLAlchemy URL "
                              "such as sqlite:///corpora/mscgraph.sqlite")
        if self.max_tries < 1:
            raise ConfigError("max_tries must be >= 1")
        if not self.deadline > 0:
            raise ConfigError(f"MSCGRAPH_EUTILS_DEADLINE must be a number of seconds > 0, got "
                              f"{self.deadline!r}")

    @property
    def requests_per_second(self) -> float:
        """NCBI's limit: 10 requests/s with an API key, else 3."""
        return 10.0 if self.api_key else 3.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> "Settings":
        """Read settings from ``environ`` (default ``os.environ``); keyword overrides win."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            "email": env.get("NCBI_EMAIL", ""),
            "api_key": env.get("NCBI_API_KEY", ""),
            "eutils_url": env.get("MSCGRAPH_EUTILS_URL", "") or DEFAULT_EUTILS_URL,
            "database_url": env.get("MSCGRAPH_DATABASE_URL", "") or default_database_url(),
        }
        if env.get("MSCGRAPH_EUTILS_DEADLINE"):
            try:
                values["deadline"] = float(env["MSCGRAPH_EUTILS_DEADLINE"])
            except ValueError:
                raise ConfigError("MSCGRAPH_EUTILS_DEADLINE must be a number of seconds, got "
                                  f"{env['MSCGRAPH_EUTILS_DEADLINE']!r}") from None
        if env.get("MSCGRAPH_EXPORT_DIR"):
            values["export_dir"] = Path(env["MSCGRAPH_EXPORT_DIR"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def replace(self, **changes: object) -> "Settings":
        """A copy with ``changes`` applied."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def public_dict(self) -> dict[str, object]:
        """Settings safe to log or store (the API key reduced to whether one is set)."""
        return {"email": self.email, "api_key_set": bool(self.api_key),
                "eutils_url": self.eutils_url, "database_url": _redact_url(self.database_url),
                "export_dir": str(self.export_dir)}


def _redact_url(url: str) -> str:
    """Hide a password in a database URL."""
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
