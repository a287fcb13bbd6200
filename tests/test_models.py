"""Model assembly and checks, on the real assembled files (copied, then damaged)."""

import os
import shutil
import subprocess
import sys

import pytest

from listen_coach import models
from listen_coach.errors import ModelError


@pytest.fixture(scope="module")
def assembled():
    return models.assemble()


@pytest.fixture
def model_copy(tmp_path, assembled, monkeypatch):
    target = tmp_path / "models" / models.WHISPER_BASE
    shutil.copytree(assembled, target)
    monkeypatch.setenv(models.MODELS_ENV, str(tmp_path / "models"))
    return target


def test_bundled_model_verifies(assembled):
    assert models.whisper_model_dir() == assembled
    assert (assembled / "model.bin").stat().st_size == 145_217_607


def test_second_assemble_trusts_its_stamp(assembled, monkeypatch):
    """A verified model is not re-hashed (145 MB) on every start or `make setup`."""
    hashed = []
    real = models._sha256
    monkeypatch.setattr(models, "_sha256", lambda path, *a: hashed.append(path) or real(path))
    models.assemble()
    models.whisper_model_dir()
    assert hashed == []


def test_missing_model(tmp_path, monkeypatch):
    monkeypatch.setenv(models.MODELS_ENV, str(tmp_path))
    with pytest.raises(ModelError, match="missing .*make setup"):
        models.whisper_model_dir()


def test_truncated_model(model_copy):
    with open(model_copy / "model.bin", "r+b") as fh:
        fh.truncate(1000)
    with pytest.raises(ModelError, match="truncated or damaged .*make setup"):
        models.whisper_model_dir()


def test_corrupted_model_same_size(model_copy):
    with open(model_copy / "model.bin", "r+b") as fh:
        fh.seek(50_000_000)
        byte = fh.read(1)
        fh.seek(50_000_000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ModelError, match="corrupted"):
        models.whisper_model_dir()


def test_assemble_repairs_a_damaged_model(model_copy):
    (model_copy / "config.json").write_text("{}")
    models.assemble()
    models.verify(models.load_manifest()[models.WHISPER_BASE], model_copy, rehash=True)


def test_users_own_model_dir(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        models.whisper_model_dir(str(tmp_path / "nope"))
    (tmp_path / "small").mkdir()
    with pytest.raises(ModelError, match="not a CTranslate2 Whisper model"):
        models.whisper_model_dir(str(tmp_path / "small"))


def test_cli_reports_a_broken_model_without_traceback(model_copy, tmp_path):
    (model_copy / "model.bin").write_bytes(b"x")
    audio = tmp_path / "a.wav"
    import numpy as np
    import soundfile as sf

    sf.write(audio, (0.1 * np.sin(np.arange(16000) / 5)).astype("float32"), 16000)
    proc = subprocess.run([sys.executable, "-m", "listen_coach", "transcribe", str(audio)],
                          capture_output=True, text=True, env=os.environ.copy(), timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "truncated or damaged" in proc.stderr and "make setup" in proc.stderr
    assert proc.stderr.count("\n") == 1
