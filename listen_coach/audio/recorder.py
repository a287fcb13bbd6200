"""Write a take to FLAC while it is recorded.

Each block is written and flushed as it arrives, so if the app or the machine
dies mid-take, everything up to the last block is on disk and readable (FLAC
decoders treat the unfinished header's zero length as "unknown" and read to
the end of the data). The FLAC encoder holds back at most one unfinished block
(4096 samples, 0.26 s), so that is the most a crash can lose.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from listen_coach.audio.files import SAMPLE_RATE


class TakeRecorder:
    """An append-only FLAC file; thread-safe; created readable by the user only."""

    def __init__(self, path: str | Path, channels: int = 1, sample_rate: int = SAMPLE_RATE):
        import soundfile

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        self.channels = channels
        self.sample_rate = sample_rate
        self.frames = 0
        self._lock = threading.Lock()
        self._file = soundfile.SoundFile(
            self.path, "w", samplerate=sample_rate, channels=channels,
            format="FLAC", subtype="PCM_16",
        )

    def write(self, block: np.ndarray) -> None:
        with self._lock:
            if self._file.closed:
                return
            self._file.write(np.clip(block, -1.0, 1.0))
            self._file.flush()
            self.frames += len(block)

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.close()

    def __enter__(self) -> TakeRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
