"""Running a drill's phases against real audio: which source, which channel is
captioned, where the recording goes, when the speaker's transcript is final, and
scoring. UI-free: the drill session calls these on its lanes (drill/session.py),
and the tests and the benchmark call them directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from listen_coach.asr.types import Caption
from listen_coach.audio.recorder import TakeRecorder
from listen_coach.audio.sources import AudioSource
from listen_coach.drill.capture import PhaseCapture, PhaseTake, final_events
from listen_coach.drill.machine import Drill, Phase
from listen_coach.drill.packs import Card, Library, Passage
from listen_coach.errors import UserError
from listen_coach.turns.overlaps import OverlapEvent

if TYPE_CHECKING:
    from listen_coach.store.records import RoundDetail
    from listen_coach.store.repo import Store
    from listen_coach.turns.one_mic import Enrolment


class SourceFactory(Protocol):
    def __call__(self, phase: str, channels: int,
                 recorder: TakeRecorder | None) -> AudioSource: ...


@dataclass
class Callbacks:
    on_caption: Callable[[Caption], None] | None = None
    on_level: Callable[[list[float]], None] | None = None
    on_event: Callable[[OverlapEvent], None] | None = None


class DrillRunner:
    """Drive one drill. `two_channel`: each partner on their own channel, partners[0]
    on the left. Otherwise one microphone: with both partners' `voices` enrolled
    (turns/one_mic.py) interruptions are still counted, without them they are not."""

    def __init__(self, drill: Drill, transcriber, source_factory: SourceFactory,
                 two_channel: bool = False, card: Card | None = None,
                 passage: Passage | None = None, rate: str = "normal",
                 voices: tuple[Enrolment, Enrolment] | None = None):
        self.drill = drill
        self.transcriber = transcriber
        self.source_factory = source_factory
        self.two_channel = two_channel and not drill.solo
        self.voices = voices if not self.two_channel and not drill.solo else None
        self.card = card
        self.passage = passage
        self.rate = rate
        self.notes: list[str] = []
        self._final_thread: threading.Thread | None = None

    # ----- helpers -----------------------------------------------------------------

    @property
    def counts_turns(self) -> bool:
        """Whether interruptions and encouragers are counted: one channel per partner,
        or one microphone with both voices enrolled."""
        return self.two_channel or self.voices is not None

    @property
    def names(self) -> tuple[str, str]:
        a, b = self.drill.partners
        return (a, b or "")

    def _channel_of(self, person: str) -> int | None:
        if not self.two_channel:
            return None
        return self.names.index(person) if person in self.names else 0

    def _recorder(self, phase: str) -> TakeRecorder | None:
        store = self.drill.store
        if store is None:
            return None
        return TakeRecorder(store.recording_path(self.drill.current.uid, phase),
                            channels=2 if self.two_channel else 1)

    def capture(self, should_stop: Callable[[], bool], callbacks: Callbacks | None = None,
                max_seconds: float | None = None) -> PhaseTake:
        """Capture the current phase (speak or summary) until `should_stop()`, the
        source ends, or `max_seconds`; then save it through the drill."""
        cb = callbacks or Callbacks()
        drill = self.drill
        phase = drill.phase
        assert phase in (Phase.SPEAK, Phase.SUMMARY), phase
        r = drill.current
        who = r.speaker if phase == Phase.SPEAK else r.listener
        recorder = self._recorder(phase.value)
        source = self.source_factory(phase.value, 2 if self.two_channel else 1, recorder)
        counting = self.counts_turns and phase == Phase.SPEAK
        final = None
        if phase == Phase.SUMMARY:
            from listen_coach.asr.incremental import IncrementalTranscriber

            final = IncrementalTranscriber(self.transcriber, context=self._summary_context)
        capture = PhaseCapture(
            source, self.transcriber, caption_channel=self._channel_of(who),
            names=self.names if counting else None, voices=self.voices,
            on_caption=cb.on_caption, on_level=cb.on_level, on_event=cb.on_event,
            recording=recorder.path if recorder else None,
            on_block=final.feed if final is not None else None, flush_caption=final is None,
            floor=r.speaker)
        take = capture.run(should_stop, max_seconds)
        if take.error:
            self.notes.append(take.error)
        if drill.leaving or drill.phase != phase:
            # The round was left mid-phase (Drill.abandon): keep what was recorded, as
            # the leave dialog promises, and move the drill no further.
            if drill.store is not None:
                drill.store.save_phase(r.uid, phase.value, text=take.text,
                                       words=_words(take.caption), seconds=take.seconds,
                                       recording=take.recording)
            if final is not None:
                final.cancel()
            return take
        if not take.audio.size:
            # No sound at all reached us (no microphone, a muted or dead source): not a
            # round. Scoring silence would put "scored 0/100" in the workshop's report.
            if final is not None:
                final.cancel()
            drill.abandon()
            raise UserError(take.error or "No sound came from the microphone, so nothing "
                            "was scored or saved as a round. Check it with m on the home "
                            "screen, or press d for the demo.")
        if phase == Phase.SPEAK:
            events: list[OverlapEvent] = []
            if self.counts_turns:
                events, notes = final_events(take.audio, self.names, self.voices,
                                             floor=r.speaker)
                self.notes += notes
            drill.end_speak(take.text, events, recording=take.recording,
                            words=_words(take.caption))
            self._finalise_speaker_text(take)
        else:
            text, words = self._final_summary(take, final)
            drill.end_summary(text, recording=take.recording, words=words)
        return take

    def _summary_context(self) -> str | None:
        """What the listener's words are read against: the speaker's final transcript
        (None until it exists) or the passage, and the topic."""
        if self._final_thread is not None and self._final_thread.is_alive():
            return None
        topic = self.card.title if self.card else ""
        said = self.passage.text if self.passage is not None else self.drill.current.speak_text
        return f"{topic}. {said}" if topic else said

    def _final_summary(self, take: PhaseTake, final) -> tuple[str, list]:
        """The summary's final transcript; the live caption stands in if it fails."""
        if final is None:
            return take.text, _words(take.caption)
        if self._final_thread is not None:  # its words are the context: wait for them
            self._final_thread.join(timeout=120)
        try:
            transcript = final.finish()
        except Exception as exc:  # noqa: BLE001 - the live caption is a fine fallback
            self.notes.append(f"The summary's final transcript failed ({exc}); the live "
                              "caption was scored.")
            return take.text, _words(take.caption)
        if transcript.is_empty:
            if take.text.strip():
                self.notes.append("The summary's final pass heard no words; the live "
                                  "caption was scored.")
            return take.text, _words(take.caption)
        return transcript.text, [[w.text, round(w.start, 2), round(w.end, 2)]
                                 for w in transcript.words]

    def _finalise_speaker_text(self, take: PhaseTake) -> None:
        """The full (beam search) pass over the speaker's audio, in the background
        while the listener summarises; the live caption stands in if it fails."""
        r = self.drill.current
        channel = self._channel_of(r.speaker)
        audio = take.audio if channel is None or take.audio.ndim == 1 else take.audio[:, channel]

        def run() -> None:
            try:
                transcript = self.transcriber.transcribe(audio) if len(audio) else None
            except Exception as exc:  # noqa: BLE001 - the live caption is a fine fallback
                self.notes.append(f"The final transcript failed ({exc}); live captions used.")
                transcript = None
            if transcript is None or not transcript.text.strip():
                self._prepare(r.speak_text)
                return
            r.speak_text = transcript.text
            if self.drill.store is not None:
                self.drill.store.save_phase(
                    r.uid, "speak", text=transcript.text, turns=r.turns, seconds=take.seconds,
                    recording=take.recording,
                    words=[[w.text, round(w.start, 2), round(w.end, 2)]
                           for w in transcript.words])
            self._prepare(transcript.text)

        self._final_thread = threading.Thread(target=run, name="final-transcript", daemon=True)
        self._final_thread.start()

    @staticmethod
    def _prepare(text: str) -> None:
        """The speaker's half of the scoring, while the listener summarises."""
        from listen_coach.scoring.report import prepare_speaker

        try:
            prepare_speaker(text)
        except Exception:  # noqa: BLE001 - scoring redoes it and reports any real fault
            pass

    def listened(self) -> None:
        """Solo drill: the passage has been played (or read); the summary starts."""
        assert self.passage is not None
        self.drill.end_speak(self.passage.text)

    def passage_audio(self) -> Path | None:
        if self.passage is None:
            return None
        return self.passage.audio.get(self.rate) or self.passage.audio.get("normal")

    def score(self):
        """Score the current round (waits for the speaker's final transcript)."""
        from listen_coach.drill.solo import score_passage
        from listen_coach.scoring.report import score_round

        drill, r = self.drill, self.drill.current
        if self._final_thread is not None:
            self._final_thread.join(timeout=120)
        if self.passage is not None:
            result = score_passage(self.passage, r.summary_text)
        else:
            mine = [e for e in r.turns if e.speaker == r.listener]
            measured = self.counts_turns
            result = score_round(
                r.speak_text, r.summary_text, speaker_name=r.speaker or None,
                interruptions=sum(e.kind == "interruption" for e in mine) if measured else None,
                encouragers=sum(e.kind == "backchannel" for e in mine) if measured else None)
        drill.set_score(result)
        return result


def _words(caption: Caption) -> list:
    return [[w.text, round(w.start, 2), round(w.end, 2)] for w in caption.words]


def resumed(detail: RoundDetail, library: Library, transcriber, source_factory: SourceFactory,
            store: Store, clock: Callable[[], float]) -> DrillRunner:
    """A runner for a round the app left unfinished, at its first phase not saved
    (same uid): the saved speak phase's words and turns, then the saved summary,
    whose row (recording and all) stays as it was written."""
    row = detail.row
    card = library.card(row.exercise)
    passage = library.passage(row.exercise)
    solo = passage is not None and not row.speaker
    drill = Drill("solo" if solo else "pair",
                  (row.listener, None) if solo else (row.speaker or "", row.listener),
                  row.exercise, row.exercise_title, store=store, clock=clock)
    r = drill.current
    r.uid, r.number = row.uid, 1
    drill.session_uid = "resumed"
    runner = DrillRunner(drill, transcriber, source_factory, card=card,
                         passage=passage if solo else None)
    speak = detail.phases.get("speak")
    if speak is not None:
        r.speak_text, r.turns = speak.text, list(speak.turns)
        drill.phase = Phase.SUMMARY
        summary = detail.phases.get("summary")
        if summary is not None:
            drill.end_summary(summary.text, save=False)
    return runner
