"""`mscgraph run` ends promptly on SIGTERM, and never leaves Prefect's temporary server behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir() or sys.platform != "linux",
                                reason="reads /proc to find the server process")


def _servers_of(pid: int) -> list[int]:
    """PIDs of uvicorn processes whose parent is ``pid``."""
    out = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == pid and b"uvicorn" in cmd:
            out.append(int(p))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return stat[0] != "Z"


def _start(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pipeline.cli import main; sys.exit(main())",
         "run", "--source", "demo", "--database-url",
         f"sqlite:///{tmp_path / 's.sqlite'}", "--export-dir", str(tmp_path / "out")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        servers = _servers_of(proc.pid)
        if servers:
            return proc, servers
        time.sleep(0.2)
    proc.kill()
    _, err = proc.communicate()
    pytest.fail(f"no temporary Prefect server appeared (exit {proc.returncode}): {err[-800:]}")


@pytest.mark.slow
def test_kill_9_leaves_no_server(tmp_path):
    proc, servers = _start(tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(s) for s in servers):
        time.sleep(0.2)
    assert not any(_alive(s) for s in servers)


@pytest.mark.slow
def test_sigterm_ends_the_run_in_seconds_with_one_line(tmp_path):
    proc, servers = _start(tmp_path)
    time.sleep(1.0)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("mscgraph run did not end within 20 s of SIGTERM")
    if proc.returncode == 0:
        pytest.skip("the demo run finished before the signal arrived")
    assert proc.returncode == 130 and time.monotonic() - t0 < 20
    assert "rerun the same command to resume" in err
    assert "Traceback" not in err
    time.sleep(1.0)
    assert not any(_alive(s) for s in servers)
