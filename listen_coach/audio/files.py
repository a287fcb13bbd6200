"""Read audio files of any common format, rate and channel count.

Decoding goes through PyAV (FFmpeg), which faster-whisper already brings, so
wav, flac, mp3, ogg and m4a all work. Output is float32 at 16 kHz.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from listen_coach.errors import AudioFileError

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class AudioClip:
    """Decoded audio: `samples` is (frames,) mono or (frames, 2) stereo, at 16 kHz."""

    samples: np.ndarray
    sample_rate: int
    source_channels: int
    source_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    @property
    def channels(self) -> int:
        return 1 if self.samples.ndim == 1 else self.samples.shape[1]


def load_audio(path: str | Path, stereo: bool = False) -> AudioClip:
    """Decode `path` to 16 kHz float32; mono (channels averaged) or both channels.

    Raises AudioFileError with one sentence for a missing, empty or non-audio
    file, and for `stereo=True` on a one-channel file.
    """
    import av

    path = Path(path)
    if not path.exists():
        raise AudioFileError(f"No such file: {path}.")
    if path.is_dir():
        raise AudioFileError(f"{path} is a folder, not an audio file.")
    if path.stat().st_size == 0:
        raise AudioFileError(
            f"{path} is empty (0 bytes), so there is nothing to play or transcribe."
        )
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise AudioFileError(
            f"{path} is not a readable audio file ({_reason(exc)})."
        ) from None
    with container:
        if not container.streams.audio:
            raise AudioFileError(f"{path} has no audio track.")
        stream = container.streams.audio[0]
        source_channels = stream.codec_context.channels or 1
        source_rate = stream.codec_context.sample_rate or SAMPLE_RATE
        if stereo and source_channels < 2:
            raise AudioFileError(
                f"{path} has one channel; the one-channel-per-partner mode (--stereo) needs a "
                f"two-channel recording with one partner on each side."
            )
        layout = "stereo" if stereo else "mono"
        resampler = av.AudioResampler(format="flt", layout=layout, rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                frame.pts = None
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except (av.error.FFmpegError, ValueError) as exc:
            if not chunks:
                raise AudioFileError(
                    f"{path} is not a readable audio file ({_reason(exc)})."
                ) from None
            # A file cut short mid-way (a crash while recording): keep what decoded.
    data = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    data = data.astype(np.float32, copy=False)
    if stereo:
        data = data.reshape(-1, 2)
    return AudioClip(data, SAMPLE_RATE, source_channels, source_rate)


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text.rstrip(".").split(":")[-1].strip() or "unknown format"
