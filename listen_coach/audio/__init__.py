"""Audio in: microphones, files, levels and recording to disk.

Everything here delivers float32 samples at `SAMPLE_RATE` (16 kHz, what the
speech model expects), shaped (frames,) for mono or (frames, 2) for the
one-channel-per-partner mode.
"""

from __future__ import annotations

SAMPLE_RATE = 16_000

from listen_coach.audio.files import AudioClip, load_audio  # noqa: E402
from listen_coach.audio.level import dbfs  # noqa: E402
from listen_coach.audio.recorder import TakeRecorder  # noqa: E402

__all__ = ["SAMPLE_RATE", "AudioClip", "TakeRecorder", "dbfs", "load_audio"]
