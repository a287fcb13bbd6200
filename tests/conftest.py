from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.postgres import Postgres, binaries  # noqa: E402
from support.pulse import VirtualMic  # noqa: E402
from support.speech import SENTENCES, espeak  # noqa: E402


@pytest.fixture(autouse=True)
def hermetic_settings(tmp_path_factory, monkeypatch):
    """Every test gets its own (empty) settings file and data folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("LISTEN_COACH_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("LISTEN_COACH_DATA_DIR", str(home / "data"))
    return home


@pytest.fixture(scope="session")
def transcriber():
    """The real Whisper model, loaded once for the session."""
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.config import AsrSettings

    t = Transcriber(AsrSettings())
    t.load()
    return t


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory) -> Path:
    """espeak-ng recordings of SENTENCES, one WAV each (22.05 kHz mono)."""
    folder = tmp_path_factory.mktemp("speech")
    for name, text in SENTENCES.items():
        espeak(text, folder / f"{name}.wav")
        espeak(text, folder / f"{name}-lead.wav", lead_silence=1.0)
    return folder


@pytest.fixture
def virtual_mic(tmp_path):
    """A private PulseAudio server with a virtual microphone, in this process's env."""
    mic = VirtualMic(Path("/tmp") / f"lc-pulse-{os.getpid()}-{tmp_path.name}"[:60]).start()
    old = os.environ.get("XDG_RUNTIME_DIR")
    os.environ["XDG_RUNTIME_DIR"] = str(mic.runtime_dir)
    import sounddevice as sd

    sd._terminate()  # PortAudio enumerates devices once: re-scan with the new server
    sd._initialize()
    yield mic
    mic.stop()
    if old is None:
        os.environ.pop("XDG_RUNTIME_DIR", None)
    else:
        os.environ["XDG_RUNTIME_DIR"] = old
    sd._terminate()
    sd._initialize()


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    if binaries() is None:
        pytest.skip("PostgreSQL is not installed (scripts/setup-system.sh --test installs it)")
    server = Postgres(Path("/tmp") / f"lc-pg-{os.getpid()}").start()
    yield server
    server.remove()


_db_count = 0


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A fresh store on each real backend: SQLite, then PostgreSQL."""
    from listen_coach.store import open_store

    if request.param == "sqlite":
        return open_store(tmp_path / "data", database="")
    global _db_count
    _db_count += 1
    pg = request.getfixturevalue("postgres")
    return open_store(tmp_path / "data", database=pg.create_db(f"t{_db_count}"))
