"""Shared test fixtures: paths to ../shared (tests needing it skip when absent)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MSCGRAPH_SHARED", REPO.parent / "shared"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``; skips the test when it is absent (a user's fresh machine)."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"../shared not found at {SHARED} (set MSCGRAPH_SHARED); "
                    "this test reads third-party data that is not in the repository")
    return SHARED
