"""The microphone check below the UI: the level and live captions of what the
chosen input hears, until asked to stop, so a person sees that the right
microphone hears them before a drill. Nothing is recorded or saved.

The session runs it on its capture lane (drill/session.py); the screen only
draws what `Heard` hands it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from listen_coach.asr.types import Caption
from listen_coach.errors import UserError

if TYPE_CHECKING:
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.drill.runner import SourceFactory


@dataclass(frozen=True)
class Heard:
    """Where the check reports, from the lane's thread: the input's name once it is
    open; `lost(what, why)` if there is none or it goes ("No microphone", "Microphone
    lost"); each block's level in dBFS; and the captions so far."""

    opened: Callable[[str], None]
    lost: Callable[[str, str], None]
    level: Callable[[float], None]
    caption: Callable[[Caption], None]


def source_name(source: object) -> str:
    """A microphone's device name, a file's name, or "audio source"."""
    name = getattr(source, "device", None) or getattr(source, "name", "audio source")
    return str(getattr(name, "name", name))


def listen(source_factory: SourceFactory, transcriber: Transcriber,
           should_stop: Callable[[], bool], heard: Heard) -> None:
    """Caption the input until `should_stop()`, the input ends, or it is lost; a
    missing or lost microphone is told to `heard.lost`, never raised."""
    from listen_coach.asr.live import LiveCaptioner

    try:
        source = source_factory("check", 1, None)
        source.start()
    except UserError as exc:
        heard.lost("No microphone", str(exc))
        return
    heard.opened(source_name(source))
    live = LiveCaptioner(transcriber, on_update=heard.caption)
    try:
        while not should_stop():
            block = source.read(timeout=0.1)
            if block is None:
                break
            if block.size:
                live.feed(block)
                heard.level(max(source.levels))
    except UserError as exc:
        heard.lost("Microphone lost", str(exc))
    finally:
        source.stop()
        final = live.close()
        if not should_stop():
            heard.caption(final)
