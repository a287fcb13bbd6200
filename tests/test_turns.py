"""Two-channel turns: voice activity per channel, crosstalk, interruptions and encouragers."""

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from bench.conversations import f1, generate, match_events
from listen_coach.errors import UserError
from listen_coach.turns.pipeline import analyse_two_channel
from listen_coach.turns.two_channel import two_channel_turns


@pytest.fixture(scope="module")
def conversation():
    return generate(seed=21)


def test_generated_conversation_events(conversation):
    result = analyse_two_channel(conversation.stereo)
    scores = match_events(conversation.utterances, list(result.events))
    for kind, (tp, fp, fn) in scores.items():
        assert tp >= 1 and f1(tp, fp, fn) >= 0.8, (kind, scores, result.events)


def test_crosstalk_is_not_the_other_partner(conversation):
    """Bleed at -18 dB into each headset never becomes speech of its own."""
    turns = two_channel_turns(conversation.stereo)
    truth = conversation.utterances
    for t in turns:
        mine = [u for u in truth if u.speaker == t.speaker
                and u.start - 0.3 < t.end and t.start < u.end + 0.3]
        assert mine, f"{t} matches none of {t.speaker}'s utterances"


def test_one_silent_channel_is_reported(conversation):
    stereo = conversation.stereo.copy()
    stereo[:, 1] = np.random.default_rng(0).normal(0, 1e-4, len(stereo))
    result = analyse_two_channel(stereo, ("Sam", "Alex"))
    assert any("Alex's channel (right) is silent" in n for n in result.notes)
    assert not any(s.speaker == "Alex" for s in result.segments)
    assert result.events == ()


def test_the_same_signal_twice_is_refused(conversation):
    mono = conversation.mono
    with pytest.raises(UserError, match="same sound"):
        analyse_two_channel(np.stack([mono, mono], axis=1))


@pytest.mark.slow
def test_real_two_channel_recording(transcriber):
    from listen_coach.asr.wer import wer
    from listen_coach.audio.files import load_audio
    from support.speech import require_shared

    folder = require_shared() / "two_channel" / "faster_whisper"
    clip = load_audio(folder / "stereo_diarization.wav", stereo=True)
    result = analyse_two_channel(clip.samples, ("L", "R"), transcriber)
    refs = dict(line.split(" ", 1) for line in (folder / "transcripts.txt").read_text()
                .splitlines() if line.strip())
    said = {name: " ".join(s.text for s in result.segments if s.speaker == name)
            for name in ("L", "R")}
    assert wer(refs["channel_0_left"], said["L"]) <= 0.1
    assert wer(refs["channel_1_right"], said["R"]) <= 0.1
    assert result.count("interruption") == 1  # they read at the same time


def test_cli_turns(tmp_path, conversation):
    path = tmp_path / "talk.wav"
    sf.write(path, conversation.stereo, 16000)
    proc = subprocess.run([sys.executable, "-m", "listen_coach", "turns", str(path), "--stereo",
                           "--no-text", "--json", "--names", "Sam,Alex"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {s["speaker"] for s in data["segments"]} == {"Sam", "Alex"}
    assert {"kind", "speaker", "start", "end"} <= set(data["events"][0])


def test_cli_turns_mono_with_stereo_is_one_sentence(tmp_path):
    sf.write(tmp_path / "m.wav", np.zeros(16000, np.float32), 16000)
    proc = subprocess.run([sys.executable, "-m", "listen_coach", "turns", str(tmp_path / "m.wav"),
                           "--stereo"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "one channel" in proc.stderr
    assert "Traceback" not in proc.stderr
