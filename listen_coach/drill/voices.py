"""Voice enrolment for a one-microphone pair drill: each partner talks for a few
seconds, and the drill can then tell their voices apart (turns/one_mic.py).

UI-free: the drill session runs `learn_voice` on its capture lane while the
enrolment screen shows the level (drill/session.py); `turns.one_mic.enroll`
turns each clip into an enrolment and `enrol_pair` checks the two, each saying in
one sentence what to redo (silence, too little speech, two voices too alike).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from listen_coach.audio.sources import AudioSource
from listen_coach.drill.events import sentence
from listen_coach.errors import UserError
from listen_coach.turns.one_mic import Enrolment, check_pair, enroll

if TYPE_CHECKING:
    from listen_coach.drill.runner import SourceFactory

log = logging.getLogger(__name__)

#: How long each partner talks. Enrolment needs 1 s of speech at the least
#: (one_mic.MIN_ENROL_SPEECH); six seconds of talking leaves room for pauses.
ENROL_SECONDS = 6.0
#: What each partner is asked to say: any natural sentence works; this one is long
#: enough to fill the time at an easy pace.
PROMPT = ("Say, in your own voice: “Hello, my name is … and today I would like to "
          "practise listening, and really hearing what my partner says.”")


def record_voice(source: AudioSource, seconds: float = ENROL_SECONDS,
                 should_stop: Callable[[], bool] = lambda: False,
                 on_level: Callable[[float], None] | None = None) -> np.ndarray:
    """Up to `seconds` of mono audio from `source` (it is started and stopped here)."""
    blocks: list[np.ndarray] = []
    have = 0
    source.start()
    try:
        while have < seconds * 16_000 and not should_stop():
            block = source.read(timeout=0.1)
            if block is None:
                break
            if not block.size:
                continue
            block = block.mean(axis=1) if block.ndim == 2 else block
            blocks.append(block.astype(np.float32))
            have += len(block)
            if on_level is not None:
                on_level(max(source.levels))
    finally:
        source.stop()
    return np.concatenate(blocks) if blocks else np.zeros(0, np.float32)


def learn_voice(source_factory: SourceFactory, name: str, should_stop: Callable[[], bool],
                on_level: Callable[[float], None],
                then: Callable[[Enrolment | str], None]) -> None:
    """Record `name` for ENROL_SECONDS and learn the voice; `then` gets the
    enrolment, or one sentence saying what to redo (no microphone, silence, too
    little speech, or an error of any other kind, named). Not called when
    `should_stop()` came first."""
    try:
        clip = record_voice(source_factory("enrol", 1, None), should_stop=should_stop,
                            on_level=on_level)
        if should_stop():
            return
        voice = enroll(name, clip)
    except Exception as exc:  # noqa: BLE001 - the screen asks again, in words
        if not isinstance(exc, UserError):
            log.exception("learning a voice failed")
        then(str(exc) if isinstance(exc, UserError) else sentence("Learning the voice", exc))
        return
    then(voice)


def enrol_pair(first: Enrolment, second: Enrolment) -> tuple[Enrolment, Enrolment]:
    """Both voices, checked to be told apart (UserError when they sound the same)."""
    if first.name.casefold() == second.name.casefold():
        raise UserError("The two partners need different names.")
    check_pair(first, second)
    return first, second
