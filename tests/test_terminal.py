"""The app in a real terminal (tmux): the demo runs to its results and quits cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    shutil.which("tmux") is None,
    reason="tmux is not installed (scripts/setup-system.sh --test installs it)")]


def _pane(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True,
                          text=True).stdout


def _wait(session: str, text: str, timeout: float = 180.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = _pane(session)
        if text in screen:
            return screen
        time.sleep(0.5)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{_pane(session)}")


def test_demo_in_a_real_terminal(tmp_path, hermetic_settings):
    session = f"lc-{os.getpid()}"
    done = tmp_path / "exit-code"
    _start(session, _settings_env(), done, "demo", "--speed", "3")
    try:
        _wait(session, "speaks")  # the speak phase with the topic card
        _wait(session, "which of your points came across")
        _wait(session, "museum")  # points are listed once the round is scored
        time.sleep(1.0)
        subprocess.run(["tmux", "send-keys", "-t", session, "Space", "Enter"], check=True)
        screen = _wait(session, "scored")
        assert "Points" in screen and "/100" in screen
        subprocess.run(["tmux", "send-keys", "-t", session, "Escape"], check=True)
        _wait(session, "Pair drill")  # home
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
        assert _exit_code(done) == "0"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def _settings_env() -> dict[str, str]:
    return {k: os.environ[k] for k in ("LISTEN_COACH_CONFIG", "LISTEN_COACH_DATA_DIR")}


def _exit_code(done: Path, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return done.read_text().strip() if done.exists() else "still running"


@pytest.mark.parametrize("into_phase_s", [2.0, 8.0])
def test_quitting_mid_demo_exits_cleanly(tmp_path, hermetic_settings, into_phase_s):
    """ctrl+q while the demo's models are decoding: exit 0, not the native runtime's
    abort (listen_coach/shutdown.py; before it, 4 of 6 such quits ended with 134)."""
    session = f"lc-quit-{os.getpid()}"
    done = tmp_path / "exit-code"
    _start(session, _settings_env(), done, "demo", "--speed", "4")
    try:
        _wait(session, "speaks")
        time.sleep(into_phase_s)
        subprocess.run(["tmux", "send-keys", "-t", session, "C-q"], check=True)
        assert _exit_code(done) == "0"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def _start(session: str, env: dict[str, str], done: Path, *args: str) -> None:
    pairs = " ".join(f"{k}={v}" for k, v in env.items())
    command = (f"cd {Path(__file__).resolve().parents[1]} && env {pairs} TERM=xterm-256color "
               f"{sys.executable} -m listen_coach {' '.join(args)}; echo $? > {done}")
    # A tmux server whose last session was just killed may still be exiting; a new
    # session started in that moment fails ("server exited unexpectedly"): try again.
    for attempt in range(5):
        run = subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y",
                              "30", "sh", "-c", command], capture_output=True, text=True)
        if run.returncode == 0:
            return
        time.sleep(0.5 * (attempt + 1))
    raise AssertionError(f"tmux could not start a session: {run.stderr.strip()}")


def _app_pid(session: str) -> int:
    shell = subprocess.run(["tmux", "list-panes", "-t", session, "-F", "#{pane_pid}"],
                           capture_output=True, text=True, check=True).stdout.split()[0]
    child = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
    return int(child[0])


def test_killed_mid_phase_then_offered_to_resume(virtual_mic, speech_dir, tmp_path,
                                                 hermetic_settings):
    """Record a speak phase from the (virtual) microphone, SIGKILL the app during the
    summary, start it again: the speak phase is kept and the round is offered."""
    env = {k: os.environ[k] for k in ("LISTEN_COACH_CONFIG", "LISTEN_COACH_DATA_DIR")}
    env["XDG_RUNTIME_DIR"] = str(virtual_mic.runtime_dir)
    session = f"lc-kill-{os.getpid()}"
    _start(session, env, tmp_path / "first")
    try:
        _wait(session, "Pair drill")
        subprocess.run(["tmux", "send-keys", "-t", session, "p"], check=True)
        _wait(session, "Speaks first")
        for keys in ("Sam", "Enter", "Alex", "C-s"):  # typed, not pasted in one burst
            subprocess.run(["tmux", "send-keys", "-t", session, keys], check=True)
            time.sleep(0.5)
        _wait(session, "Press Enter when Sam is ready")
        subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
        _wait(session, "Listening")
        time.sleep(2.0)  # PulseAudio delivers its first block after about 1.5 s
        virtual_mic.play(speech_dir / "mentor-lead.wav").wait(timeout=30)
        _wait(session, "mentor", timeout=60)
        time.sleep(1.0)
        subprocess.run(["tmux", "send-keys", "-t", session, "Space"], check=True)
        _wait(session, "Alex summarises", timeout=60)
        subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
        _wait(session, "Listening")
        os.kill(_app_pid(session), signal.SIGKILL)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)

    session2 = session + "-again"
    _start(session2, env, tmp_path / "second")
    try:
        screen = _wait(session2, "An unfinished round")
        assert "Alex listening to Sam" in screen and "saved: speak" in screen
        subprocess.run(["tmux", "send-keys", "-t", session2, "d"], check=True)
        _wait(session2, "discarded")
        subprocess.run(["tmux", "send-keys", "-t", session2, "q"], check=True)
        deadline = time.monotonic() + 30
        while not (tmp_path / "second").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert (tmp_path / "second").read_text().strip() == "0"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session2], capture_output=True)

    from listen_coach.store import open_store

    store = open_store()
    [row] = store.rounds(status="discarded")
    detail = store.round_detail(row.uid)
    assert "mentor" in detail.phases["speak"].text.lower()
    assert detail.phases["speak"].recording.exists()
