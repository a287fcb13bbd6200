"""Playing a passage to the learner through the default output device."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from listen_coach.audio.devices import sounddevice
from listen_coach.audio.files import SAMPLE_RATE, load_audio
from listen_coach.errors import AudioError

NO_OUTPUT = "No speaker or headphones were found."


def play_file(path: Path | None, should_stop: Callable[[], bool],
              on_progress: Callable[[float, float], None] | None = None) -> None:
    """Play `path` to the end (or until `should_stop()`); progress every ~0.25 s.
    Raises AudioError with one sentence when nothing can play it."""
    if path is None:
        raise AudioError("This passage has no audio file.")
    clip = load_audio(path)
    sd = sounddevice()
    try:
        sd.query_devices(kind="output")
    except (sd.PortAudioError, ValueError):
        raise AudioError(NO_OUTPUT) from None
    samples = clip.samples
    position = 0
    finished = threading.Event()

    def callback(outdata, frames, _time, _status):
        nonlocal position
        chunk = samples[position:position + frames]
        outdata[:len(chunk), 0] = chunk
        outdata[len(chunk):, 0] = 0
        position += frames
        if position >= len(samples) or should_stop():
            raise sd.CallbackStop

    try:
        stream = sd.OutputStream(samplerate=SAMPLE_RATE, channels=1, dtype="float32",
                                 callback=callback, finished_callback=finished.set)
    except (sd.PortAudioError, ValueError) as exc:
        raise AudioError(f"{NO_OUTPUT} ({exc})") from None
    total = clip.duration
    with stream:
        while not finished.wait(0.25):
            if on_progress is not None:
                on_progress(min(position / SAMPLE_RATE, total), total)
            if should_stop():
                break
            time.sleep(0)
