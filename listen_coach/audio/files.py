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
#: Decoded audio this much shorter than the header declares is "cut short"; below
#: it, resampling and codec padding (a few ms) are not mistaken for damage.
CUT_SHORT_SLACK_S = 0.25


@dataclass(frozen=True)
class AudioClip:
    """Decoded audio: `samples` is (frames,) mono or (frames, 2) stereo, at 16 kHz."""

    samples: np.ndarray
    sample_rate: int
    source_channels: int
    source_rate: int
    #: How long the file's header says it is (FLAC, WAV), when it says.
    declared_seconds: float | None = None

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    @property
    def cut_short(self) -> str | None:
        """A sentence when the file ends before its header says (a recording cut off
        by a crash or a copy that stopped); what decoded is kept all the same."""
        declared = self.declared_seconds
        if declared is None or self.duration >= declared - CUT_SHORT_SLACK_S:
            return None
        return (f"the file is cut short: {self.duration:.1f} s of its {declared:.1f} s "
                "could be read")

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
        declared = _declared_seconds(path, stream)
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
    if not chunks and not _valid_empty(path):
        # FFmpeg took it for audio (a few bytes pass its probe) but no sample came out.
        raise AudioFileError(f"{path} holds no audio that can be decoded: it is damaged, "
                             "or not an audio file.")
    data = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    data = data.astype(np.float32, copy=False)
    if stereo:
        data = data.reshape(-1, 2)
    return AudioClip(data, SAMPLE_RATE, source_channels, source_rate, declared)


def _valid_empty(path: Path) -> bool:
    """A well-formed file with no frames (a take stopped before its first block), as
    libsndfile reads its header; not a few stray bytes FFmpeg's probe let through."""
    import soundfile

    try:
        return soundfile.info(str(path)).frames == 0
    except (RuntimeError, soundfile.LibsndfileError):
        return False


def _declared_seconds(path: Path, stream) -> float | None:
    """The length the file's own header gives: FLAC's STREAMINFO (FFmpeg's stream
    duration), or a WAV data chunk's size (FFmpeg derives WAV lengths from the file
    size, which a cut-off file shrinks with it). None where the format keeps no
    length up front (Ogg, MP3)."""
    if path.suffix.lower() == ".wav":
        return _wav_seconds(path)
    # FLAC's total of 0 means "not known" (a take whose writer never closed it).
    if stream.codec_context.name == "flac" and stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def _wav_seconds(path: Path) -> float | None:
    import struct

    with open(path, "rb") as f:
        head = f.read(4096)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    pos, block, rate = 12, 0, 0
    while pos + 8 <= len(head):
        tag, size = head[pos:pos + 4], struct.unpack("<I", head[pos + 4:pos + 8])[0]
        if tag == b"fmt " and pos + 24 <= len(head):
            rate, _, block = struct.unpack("<IIH", head[pos + 12:pos + 22])
        elif tag == b"data":
            # 0 and 0xFFFFFFFF mean "unknown" (a stream still being written).
            if not block or not rate or size in (0, 0xFFFFFFFF):
                return None
            return size / block / rate
        pos += 8 + size + (size & 1)
    return None


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text.rstrip(".").split(":")[-1].strip() or "unknown format"
