"""An installed listen-coach works outside the checkout: the wheel carries the
exercise packs, the demo, the model manifest and the point scorer
(listen_coach/resources.py), and assembles the speech model into the user's data
folder. The wheel is built from this tree and unpacked away from it; the
dependencies are this environment's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                            "--build-constraint", str(ROOT / "requirements.txt"),
                            "-w", str(out), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = out.glob("listen_coach-*.whl")
    site = out / "site"
    zipfile.ZipFile(wheel).extractall(site)
    home = out / "home"
    env = {k: v for k, v in os.environ.items() if k != "LISTEN_COACH_MODELS"}  # as shipped
    return {**env, "PYTHONPATH": str(site), "XDG_DATA_HOME": str(home / "share"),
            "LISTEN_COACH_CONFIG": str(home / "config.toml"),
            "LISTEN_COACH_DATA_DIR": str(home / "data")}


def _run(env, *args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "listen_coach", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_the_wheel_runs_away_from_the_checkout(installed, tmp_path):
    where = subprocess.run([sys.executable, "-c", "import listen_coach.resources as r; "
                            "print(r.in_checkout(), r.exercises_dir())"],
                           env=installed, cwd=tmp_path, capture_output=True, text=True, check=True)
    in_checkout, exercises = where.stdout.split()
    assert in_checkout == "False" and str(ROOT) not in exercises
    assert (Path(exercises) / "demo" / "speak.ogg").is_file()

    done = _run(installed, "models", "install", "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    status = _run(installed, "models", cwd=tmp_path)
    assert status.returncode == 0 and "share/listen-coach/models" in status.stdout
    assert "point scorer" in status.stdout and "_bundled" in status.stdout

    packs = _run(installed, "exercises", "list", cwd=tmp_path)
    assert packs.returncode == 0 and "customer" in packs.stdout.lower()
    (tmp_path / "speaker.txt").write_text("I rebuilt the museum's website and the deadline "
                                          "was the end of March.")
    (tmp_path / "summary.txt").write_text("So you redid the museum's site, due in March?")
    scored = _run(installed, "score", "--speaker", "speaker.txt", "--summary",
                  "summary.txt", cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    assert "/100" in scored.stdout


def test_the_demo_starts_from_the_wheel(installed, tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (scripts/setup-system.sh --test installs it)")
    env = installed
    assert _run(installed, "models", "install", "--quiet", cwd=tmp_path).returncode == 0
    done = tmp_path / "exit-code"
    pairs = " ".join(f"{k}={env[k]}" for k in ("PYTHONPATH", "XDG_DATA_HOME",
                                                "LISTEN_COACH_CONFIG", "LISTEN_COACH_DATA_DIR"))
    command = (f"cd {tmp_path} && env -u LISTEN_COACH_MODELS {pairs} TERM=xterm-256color "
               f"{sys.executable} -m listen_coach demo --speed 4; echo $? > {done}")
    session = f"lc-wheel-{os.getpid()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
                    "sh", "-c", command], check=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                                    capture_output=True, text=True).stdout
            if "speaks" in screen:
                break
            time.sleep(0.5)
        assert "speaks" in screen, screen
        subprocess.run(["tmux", "send-keys", "-t", session, "C-q"], check=True)
        deadline = time.monotonic() + 30
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.read_text().strip() == "0"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
