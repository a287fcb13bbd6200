"""Nothing leaves the machine: the commands that load every model run under strace,
and any network connect (a DNS lookup included) or a write under ~/.cache/Microsoft
fails the test."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "exercises" / "demo"
NETWORK = re.compile(r"connect\(\d+, \{sa_family=AF_INET6?,")

pytestmark = pytest.mark.slow


def _traced(args: list[str], home: Path, log: Path) -> subprocess.CompletedProcess:
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (scripts/setup-system.sh --test installs it)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORT_")}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    return subprocess.run(["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(log),
                           sys.executable, "-m", "listen_coach", *args],
                          capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)


@pytest.mark.parametrize("args", [
    ["transcribe", str(DEMO / "summary.ogg")],
    ["score", "--speaker", str(DEMO / "speak.ogg"), "--summary", str(DEMO / "summary.ogg")],
], ids=["transcribe", "score"])
def test_no_connection_and_no_telemetry_files(tmp_path, args):
    home = tmp_path / "home"
    home.mkdir()
    log = tmp_path / "strace.log"
    run = _traced(args, home, log)
    assert run.returncode == 0, run.stderr[-2000:]
    attempts = [line for line in log.read_text().splitlines() if NETWORK.search(line)]
    assert attempts == [], attempts[:3]
    assert not (home / ".cache" / "Microsoft").exists()
