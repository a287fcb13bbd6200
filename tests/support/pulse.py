"""A real PulseAudio server with a virtual microphone (DESIGN.md §3).

A null sink `vsink` and a virtual source `vmic` on its monitor: whatever is
played into `vsink` (paplay) is what PortAudio records from the default ALSA
device, through the real capture path. Each server lives in its own runtime
folder, so a test may kill its server without touching another test's.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest


class VirtualMic:
    def __init__(self, runtime_dir: Path):
        self.runtime_dir = runtime_dir
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime_dir)}
        self.env.pop("PULSE_SERVER", None)

    def start(self) -> VirtualMic:
        if shutil.which("pulseaudio") is None or shutil.which("paplay") is None:
            pytest.skip("PulseAudio is not installed (run `make setup-test`)")
        self.runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        subprocess.run(
            ["pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1",
             "--load=module-native-protocol-unix",
             "--load=module-null-sink sink_name=vsink rate=16000 channels=1",
             "--load=module-virtual-source source_name=vmic master=vsink.monitor"],
            env=self.env, check=True, capture_output=True, timeout=30,
        )
        for _ in range(50):
            if subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        subprocess.run(["pactl", "set-default-source", "vmic"], env=self.env, check=True,
                       capture_output=True)
        return self

    def add_stereo_mic(self) -> None:
        """A two-channel virtual microphone `smic` fed by sink `ssink`, made the default."""
        for args in (["load-module", "module-null-sink", "sink_name=ssink", "rate=16000",
                      "channels=2"],
                     ["load-module", "module-virtual-source", "source_name=smic",
                      "master=ssink.monitor", "channels=2"],
                     ["set-default-source", "smic"]):
            subprocess.run(["pactl", *args], env=self.env, check=True, capture_output=True)

    def play(self, wav: Path, device: str = "vsink") -> subprocess.Popen:
        return subprocess.Popen(["paplay", f"--device={device}", str(wav)], env=self.env)

    def pid(self) -> int | None:
        pidfile = self.runtime_dir / "pulse" / "pid"
        try:
            return int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def kill(self) -> None:
        """Take the sound server away, as if the microphone were unplugged."""
        pid = self.pid()
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def stop(self) -> None:
        """Stop the server and delete its runtime folder (socket, pid file, cookie)."""
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True)
        self.kill()
        shutil.rmtree(self.runtime_dir, ignore_errors=True)
