"""One phase of a drill from the microphone: capture, live captions, the recording
on disk, and, with one partner per channel, interruptions as they happen.

`PhaseCapture.run()` blocks; the app calls it in a worker thread. Its callbacks
are called on that thread, so a UI must hand them over (Textual: call_from_thread).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from listen_coach.asr.engine import SAMPLE_RATE
from listen_coach.asr.types import Caption
from listen_coach.audio.sources import AudioSource
from listen_coach.errors import UserError
from listen_coach.turns.overlaps import BACKCHANNEL_MAX_SECONDS, OverlapEvent

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from listen_coach.turns.one_mic import Enrolment

#: How often the live interruption cue re-reads the recent audio, and how much of
#: it: an interruption is settled once it has lasted past the backchannel limit
#: (1.0 s, turns/overlaps.py), so an 8 s window seen every second catches each one.
CUE_EVERY_S = 1.0
CUE_WINDOW_S = 8.0
#: One microphone: voice embeddings of the window cost ~0.25 s of CPU, so the cue
#: looks every 2 s at the last 6 s (an interruption still settles inside it).
CUE_EVERY_ONE_MIC_S = 2.0
CUE_WINDOW_ONE_MIC_S = 6.0
#: An event is reported live only once this long after it ended (its class is final).
CUE_SETTLE_S = 0.5


@dataclass(frozen=True)
class PhaseTake:
    """What a phase captured."""

    audio: np.ndarray  # (n,) mono or (n, 2), 16 kHz
    caption: Caption  # final live caption of the caption channel
    seconds: float
    recording: Path | None
    error: str | None = None  # why capture stopped early (device lost), if it did

    @property
    def text(self) -> str:
        return self.caption.committed


class PhaseCapture:
    """Capture one phase from `source`.

    `caption_channel` picks the channel whose words are captioned (None: mono);
    `on_block` gets each block of that channel as it arrives.
    With two channels and `names` (left, right), or one channel and both partners'
    enrolled `voices`, `on_event` gets each overlap event (a dict like the store
    keeps) once it is settled.
    """

    def __init__(self, source: AudioSource, transcriber, caption_channel: int | None = None,
                 names: tuple[str, str] | None = None,
                 voices: tuple[Enrolment, Enrolment] | None = None,
                 on_caption: Callable[[Caption], None] | None = None,
                 on_level: Callable[[list[float]], None] | None = None,
                 on_event: Callable[[OverlapEvent], None] | None = None,
                 recording: Path | None = None,
                 on_block: Callable[[np.ndarray], None] | None = None,
                 flush_caption: bool = True, floor: str | None = None):
        self.source = source
        self.transcriber = transcriber
        self.caption_channel = caption_channel
        self.names = names
        self.voices = voices
        self.on_caption = on_caption
        self.on_level = on_level
        self.on_event = on_event
        self.recording = recording
        #: Gets each block of the caption channel too (the summary's final pass).
        self.on_block = on_block
        #: False when a final pass of the take follows: the live caption then stops
        #: without its last decode, which would only compete with that pass.
        self.flush_caption = flush_caption
        #: Who holds the floor (the speaker, in the speak phase): on one microphone
        #: their own carrying on is never reported as an event.
        self.floor = floor
        self.events: list[OverlapEvent] = []

    def run(self, should_stop: Callable[[], bool], max_seconds: float | None = None) -> PhaseTake:
        from listen_coach.asr.live import LiveCaptioner

        blocks: list[np.ndarray] = []
        live = LiveCaptioner(self.transcriber, on_update=self.on_caption)
        error = None
        started = time.monotonic()
        every = CUE_EVERY_ONE_MIC_S if self.voices else CUE_EVERY_S
        next_cue = started + every
        frames = 0
        try:
            self.source.start()
            while not should_stop():
                if max_seconds is not None and frames >= max_seconds * SAMPLE_RATE:
                    break
                block = self.source.read(timeout=0.1)
                if block is None:
                    break
                if not block.size:
                    continue
                blocks.append(block)
                frames += len(block)
                heard = (block if self.caption_channel is None or block.ndim == 1
                         else block[:, self.caption_channel])
                live.feed(heard)
                if self.on_block is not None:
                    self.on_block(heard)
                if self.on_level is not None:
                    _quietly(self.on_level, self.source.levels)
                if self.names and (block.ndim == 2 or self.voices) and \
                        time.monotonic() >= next_cue:
                    next_cue = time.monotonic() + every
                    self._cue(blocks, frames)
        except UserError as exc:
            error = str(exc)
        finally:
            self.source.stop()
            caption = live.close() if self.flush_caption else live.stop()
        if live.error is not None and error is None:
            error = (f"Live captions stopped ({type(live.error).__name__}: {live.error}); the "
                     "final transcript is made from the recording.")
        shape = (0, 2) if getattr(self.source, "channels", 1) == 2 else (0,)
        audio = np.concatenate(blocks) if blocks else np.zeros(shape, np.float32)
        return PhaseTake(audio, caption, len(audio) / SAMPLE_RATE, self.recording, error)

    def _cue(self, blocks: list[np.ndarray], frames: int) -> None:
        """New settled overlap events in the last few seconds."""
        from listen_coach.turns.overlaps import classify_overlaps
        from listen_coach.turns.two_channel import two_channel_turns

        want = int((CUE_WINDOW_ONE_MIC_S if self.voices else CUE_WINDOW_S) * SAMPLE_RATE)
        tail, have = [], 0
        for b in reversed(blocks):
            tail.append(b)
            have += len(b)
            if have >= want:
                break
        window = np.concatenate(tail[::-1])[-want:]
        offset = (frames - len(window)) / SAMPLE_RATE
        end = frames / SAMPLE_RATE
        assert self.names is not None
        if window.ndim == 2:
            found = classify_overlaps(two_channel_turns(window, self.names))
        else:
            from listen_coach.turns.one_mic import attribute, infer_events

            assert self.voices is not None
            found = infer_events(attribute(window, *self.voices), self.floor)
        for ev in found:
            start = ev.start + offset
            if not settled(ev, offset, end):
                continue
            if any(abs(start - e.start) < 0.5 and e.speaker == ev.speaker
                   for e in self.events):
                continue
            event = replace(ev, start=round(start, 2), end=round(ev.end + offset, 2))
            self.events.append(event)
            if self.on_event is not None:
                _quietly(self.on_event, event)


def settled(ev: OverlapEvent, offset: float, now: float) -> bool:
    """Whether a live event's kind is final at `now` (seconds into the take; the
    event's times are `offset` earlier): it ended `CUE_SETTLE_S` ago, or it is an
    interruption already longer than any encourager, which more speech cannot
    turn back into one. So a cut-in is cued while it is still going on."""
    if ev.end + offset <= now - CUE_SETTLE_S:
        return True
    return ev.kind == "interruption" and ev.end - ev.start > BACKCHANNEL_MAX_SECONDS


def _quietly(callback: Callable, *args: object) -> None:
    """A display callback that fails (its screen already gone) must not stop the take."""
    try:
        callback(*args)
    except Exception:  # noqa: BLE001 - the recording matters more than one repaint
        log.debug("a capture callback failed", exc_info=True)


def final_events(audio: np.ndarray, names: tuple[str, str],
                 voices: tuple[Enrolment, Enrolment] | None = None,
                 floor: str | None = None) -> tuple[list[OverlapEvent], list[str]]:
    """The authoritative overlap events of a whole phase, and notes: from two
    channels, or from one with both voices enrolled (`floor`: who holds it)."""
    from listen_coach.turns.pipeline import analyse_one_mic, analyse_two_channel

    if len(audio) < SAMPLE_RATE or (audio.ndim != 2 and voices is None):
        return [], []
    try:
        if audio.ndim == 2:
            result = analyse_two_channel(audio, names)
        else:
            assert voices is not None
            result = analyse_one_mic(audio, *voices, floor=floor)
    except UserError as exc:
        return [], [str(exc)]
    return list(result.events), list(result.notes)
