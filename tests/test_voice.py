"""The voice encoder (numpy) and enrolment checks for one-microphone mode."""

import numpy as np
import pytest

from bench.conversations import _speak
from listen_coach.errors import UserError
from listen_coach.turns.one_mic import SAME_VOICE, check_pair, enroll
from listen_coach.turns.voice import encoder, mel_filters, mel_spectrogram


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voices")
    return {
        "A1": _speak("Hello, this is my voice for the enrolment of the drill today.", "A", folder),
        "A2": _speak("Last month our team lost the biggest client that we had.", "A", folder),
        "B1": _speak("Hi, I am the other partner and this is how I sound when I talk.", "B",
                     folder),
    }


def test_mel_front_end_shapes():
    assert mel_filters().shape == (40, 201)
    assert (mel_filters() >= 0).all()
    mels = mel_spectrogram(np.zeros(16000, np.float32))
    assert mels.shape == (101, 40) and not mels.any()


def test_loader_refuses_code(tmp_path):
    import pickle

    from listen_coach.turns.torch_legacy import load

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pt"
    with open(path, "wb") as fh:
        pickle.dump(0x1950A86A20F9469CFC6C, fh)
        pickle.dump(1001, fh)
        pickle.dump({}, fh)
        pickle.dump(Evil(), fh)
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        load(path)


def test_same_voice_is_closer_than_another(voices):
    enc = encoder()
    a1, a2, b1 = (enc.embed(voices[k]) for k in ("A1", "A2", "B1"))
    assert abs(float(np.linalg.norm(a1)) - 1) < 1e-5
    # Two espeak-ng voices are alike (synthetic): 0.87 same voice vs 0.77 the other here.
    assert float(a1 @ a2) > float(a1 @ b1) + 0.05


def test_enrolment_checks(voices):
    a = enroll("Sam", voices["A1"])
    b = enroll("Alex", voices["B1"])
    assert a.speech_seconds >= 2 and check_pair(a, b) < SAME_VOICE
    with pytest.raises(UserError, match="Sam's enrolment clip has no speech"):
        enroll("Sam", np.zeros(16000 * 5, np.float32))
    with pytest.raises(UserError, match="only 0.\\d s of speech"):
        enroll("Sam", voices["A1"][: int(16000 * 0.6)])

def test_one_person_enrolled_twice_is_refused_and_two_close_voices_are_not():
    """The drill has both partners say the same prompt. One voice saying it twice
    (a little faster the second time) in one room is refused; two voices as alike as
    real people in one room (bench/realistic.py) are taken."""
    import dataclasses
    import random

    from bench.realistic import TUNING_PAIRS, Room, enrolment

    room = Room.draw(random.Random(5))
    speaker, listener = TUNING_PAIRS[2]  # two espeak-ng men, 0.74-0.82 alike
    first = enroll("Sam", enrolment(speaker, "A", room, 0, 1))
    again = enroll("Alex", enrolment(dataclasses.replace(speaker, rate=1.1), "A", room, 0, 2))
    with pytest.raises(UserError, match="same voice"):
        check_pair(first, again)
    other = enroll("Alex", enrolment(listener, "B", room, 1, 3))
    assert 0.6 < check_pair(first, other) < SAME_VOICE


def test_a_short_enrolment_is_taken(voices):
    """A real speaker's longest clean stretch often holds only 1.6 s of speech."""
    clip = voices["A1"][: int(16000 * 1.7)]
    assert enroll("Sam", clip).speech_seconds >= 1.0


def test_cli_turns_with_enrolments_checks_them(tmp_path, voices):
    import subprocess
    import sys

    import soundfile as sf

    sf.write(tmp_path / "a.wav", voices["A1"], 16000)
    sf.write(tmp_path / "talk.wav", np.zeros(16000, np.float32), 16000)
    proc = subprocess.run(
        [sys.executable, "-m", "listen_coach", "turns", str(tmp_path / "talk.wav"),
         "--enroll", f"Sam={tmp_path / 'a.wav'}", "--enroll", f"Alex={tmp_path / 'a.wav'}"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "same voice" in proc.stderr
    assert "Traceback" not in proc.stderr
