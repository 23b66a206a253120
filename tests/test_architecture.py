"""The house's shape: layers that only look down, no cycles, no oversized modules."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MAX_LINES = 800


def test_layers_only_look_down():
    """The import-linter contract in pyproject.toml (imports inside functions count)."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) \
        or shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    done = subprocess.run([exe, "--no-cache"], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_no_module_over_800_lines():
    big = {str(p.relative_to(REPO)): n for p in [*REPO.glob("pipeline/**/*.py"),
                                                 *REPO.glob("flows/**/*.py")]
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert big == {}, f"split these modules (over {MAX_LINES} lines): {big}"


def test_pipeline_never_imports_flows():
    offenders = [str(p.relative_to(REPO)) for p in REPO.glob("pipeline/**/*.py")
                 if any(line.lstrip().startswith(("import flows", "from flows"))
                        for line in p.read_text(encoding="utf-8").splitlines())]
    assert offenders == []
