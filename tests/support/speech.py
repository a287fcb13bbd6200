"""Speech and noise the tests make themselves (espeak-ng, numpy), plus the shared clips."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"
SHARED_SPEECH = SHARED / "data" / "speech"

SENTENCES = {
    "project": "I stayed late three nights this week because the launch slipped again.",
    "mentor": "My mentor told me to ask people about their work before I talk about mine.",
    "customer": "The customer was angry that nobody called her back for two weeks.",
}

#: Whisper base mishears a word or two of espeak-ng's robotic voice in a 12-word
#: sentence ("late three" -> "late, free"); real speech is held to 10 % (test_asr).
SYNTH_WER = 0.25


def require_shared() -> Path:
    if not SHARED_SPEECH.is_dir():
        pytest.skip("../shared/data/speech is absent (only the project's own tests run here)")
    return SHARED_SPEECH


def espeak(text: str, path: Path, voice: str = "en-gb", rate: int = 165,
           lead_silence: float = 0.0) -> Path:
    """Speak `text` into a WAV (22.05 kHz mono), optionally led by silence."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (run `make setup-test`)")
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(raw), text],
                   check=True, capture_output=True)
    if lead_silence:
        import soundfile as sf

        data, sr = sf.read(raw, dtype="float32")
        data = np.concatenate([np.zeros(int(lead_silence * sr), np.float32), data])
        sf.write(path, data, sr)
        raw.unlink()
    else:
        raw.replace(path)
    return path


def shared_asr_clips() -> list[tuple[Path, str]]:
    """(audio file, reference text) for every clip under shared/data/speech/asr."""
    from bench.asr import shared_clips

    require_shared()
    return [(path, text.strip()) for path, text in shared_clips()]
