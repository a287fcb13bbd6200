"""Speech to text: the final pass over a take, and live captions while someone speaks."""

from __future__ import annotations

from listen_coach.asr.types import Caption, Segment, Transcript, Word

__all__ = ["Caption", "Segment", "Transcript", "Word", "Transcriber", "LiveCaptioner"]


def __getattr__(name: str):  # heavy modules load on first use
    if name == "Transcriber":
        from listen_coach.asr.transcriber import Transcriber

        return Transcriber
    if name == "LiveCaptioner":
        from listen_coach.asr.live import LiveCaptioner

        return LiveCaptioner
    raise AttributeError(name)
