"""The final pass of a take while it is still being recorded, so that its
transcript is ready moments after the take ends.

A listener's summary is scored from a final (beam search) transcript, not the
live caption: the caption is decoded greedily in short overlapping pieces and
misreads names and rare words. Decoding 45 s of summary after it ends takes
several seconds on two cores, so the take is decoded window by window as it
comes in: a window is a run of speech regions (Silero VAD) that closes at the
first pause after `WINDOW_MIN_S` of speech, and a closed window never changes.
At the end only the open tail is left to decode.

When the speaker has been silent for `STABLE_S`, the open window is decoded too,
so a summary that ends with a pause before "done" is ready when it is pressed.

Deterministic: the windows are a function of the audio alone. When the take ends,
VAD runs once more over the whole take, and every window of that partition is
taken from the windows decoded along the way only if its sample boundaries and its
prompt are the same; otherwise it is decoded again. So the transcript is the one a
single pass over the whole take gives, whatever speed the audio arrived at.

Context: `context` (the speaker's transcript and the topic) goes into each
window's prompt as a list of the names and rare words in it, so that a word the
listener repeats comes out as it did for the speaker ("Nadia", not "Nadja").
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import numpy as np

from listen_coach.asr import guards
from listen_coach.asr.engine import SAMPLE_RATE
from listen_coach.asr.transcriber import (
    WINDOW_SECONDS,
    DecodedWindow,
    Transcriber,
    assemble,
    decode_window,
    speech_regions,
)
from listen_coach.asr.types import Segment, Transcript
from listen_coach.audio.level import dbfs

#: A window closes at the first pause after this much speech. Shorter windows leave
#: less to decode when the take ends (0.5 s for 2 s of speech, 1.6 s for 14 s on 2
#: cores at beam 5, `python -m bench summary_final`); longer ones give the decoder
#: more context. The prompt carries the previous window's words across the cut.
WINDOW_MIN_S = 5.0
#: Pauses this long end a speech region here (the final pass of a whole take uses
#: 500 ms): fluent speech pauses 300 ms between phrases far more often than 500 ms,
#: so windows close nearer WINDOW_MIN_S.
MIN_SILENCE_MS = 300
#: A speech region that ends closer than this to the end of the audio so far may
#: still grow (VAD looks MIN_SILENCE_MS ahead for the end of speech and pads 200 ms).
STABLE_S = 1.0
#: VAD runs again after this much new audio (about 40 ms for 45 s on one core).
STEP_S = 1.0
#: Prompt tokens for the context's names and words, and for the previous window.
CONTEXT_TOKENS = 48
PREVIOUS_TOKENS = 48
#: At most this many names and rare words from the context.
MAX_TERMS = 24

Window = tuple[tuple[int, int], ...]


def partition(regions: list[tuple[int, int]], min_seconds: float = WINDOW_MIN_S,
              max_seconds: float = WINDOW_SECONDS) -> list[Window]:
    """Consecutive speech regions grouped into windows: a window closes once it holds
    `min_seconds` of speech, and never holds more than `max_seconds` (a longer
    region is cut). Whether a window closes depends only on the regions before it,
    so the windows of a take's first minute are the same seen then or at the end."""
    low, high = int(min_seconds * SAMPLE_RATE), int(max_seconds * SAMPLE_RATE)
    windows: list[Window] = []
    current: list[tuple[int, int]] = []
    size = 0
    for start, end in regions:
        while start < end:
            take = min(end, start + high - size)
            current.append((start, take))
            size += take - start
            start = take
            if size >= low:
                windows.append(tuple(current))
                current, size = [], 0
    if current:
        windows.append(tuple(current))
    return windows


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)*)")
_LONG_WORD = re.compile(r"\b[a-z]{9,}\b")
_NOT_TERMS = {"I", "I'm", "I've", "I'd", "I'll", "OK", "Okay", "So", "And", "But", "Yeah"}


def context_terms(text: str, limit: int = MAX_TERMS) -> list[str]:
    """The names and rare words of `text`, most frequent first: capitalised words
    that do not start a sentence, and long words."""
    counts: dict[str, int] = {}
    for m in _NAME.finditer(text):
        term = m.group(1)
        if term.split()[0] not in _NOT_TERMS:
            counts[term] = counts.get(term, 0) + 1
    for m in _LONG_WORD.finditer(text):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    return sorted(counts, key=lambda t: (-counts[t], text.find(t)))[:limit]


class IncrementalTranscriber:
    """Feed a take's mono 16 kHz samples as they arrive; `finish()` returns its
    final transcript. Decoding runs on a thread of its own.

    `context()` returns the text to take names and words from, or None while it is
    not known yet (the speaker's final transcript may still be in progress); no
    window is decoded before it is known, since the prompt depends on it."""

    def __init__(self, transcriber: Transcriber, context: Callable[[], str | None] = lambda: "",
                 beam_size: int | None = None):
        self.transcriber = transcriber
        self._context_of = context
        self.beam = beam_size or transcriber.settings.beam_size
        self._blocks: list[np.ndarray] = []
        self._frames = 0
        self._seen = 0  # frames when VAD last ran
        self._done: dict[tuple[Window, tuple[int, ...]], DecodedWindow] = {}
        self._context: tuple[int, ...] | None = None
        self._closed = False
        self._cond = threading.Condition()
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, name="summary-final-pass",
                                        daemon=True)
        self._thread.start()

    # ----- input -----------------------------------------------------------------

    def feed(self, block: np.ndarray) -> None:
        mono = block.mean(axis=1) if block.ndim == 2 else block
        with self._cond:
            self._blocks.append(np.asarray(mono, dtype=np.float32))
            self._frames += len(mono)
            self._cond.notify()

    def _audio(self) -> np.ndarray:
        with self._cond:
            if len(self._blocks) > 1:
                self._blocks = [np.concatenate(self._blocks)]
            return self._blocks[0] if self._blocks else np.zeros(0, np.float32)

    # ----- prompt ------------------------------------------------------------------

    def _context_tokens(self, wait: bool) -> tuple[int, ...] | None:
        if self._context is None:
            text = self._context_of()
            if text is None and not wait:
                return None
            terms = context_terms(text or "")
            if not terms:
                self._context = ()
            else:
                model = self.transcriber.load()
                tok = model.tokenizer(model.language or "en")
                self._context = tuple(tok.encode(" " + ", ".join(terms) + "."))[
                    :CONTEXT_TOKENS]
        return self._context

    def _prompt(self, context: tuple[int, ...], previous: tuple[int, ...]) -> tuple[int, ...]:
        return (*context, *previous[-PREVIOUS_TOKENS:])

    def _decode(self, audio: np.ndarray, window: Window, prompt: tuple[int, ...]
                ) -> DecodedWindow:
        key = (window, prompt)
        if key not in self._done:
            self._done[key] = decode_window(self.transcriber.load(), audio, list(window),
                                            self.beam, prompt,
                                            prompt_limit=CONTEXT_TOKENS + PREVIOUS_TOKENS)
        return self._done[key]

    # ----- work ----------------------------------------------------------------------

    def _run(self) -> None:
        """Decode each window as it closes, while the take goes on."""
        try:
            while True:
                with self._cond:
                    while not self._closed and self._frames - self._seen < STEP_S * SAMPLE_RATE:
                        self._cond.wait(timeout=0.5)
                    if self._closed:
                        return
                    self._seen = self._frames
                context = self._context_tokens(wait=False)
                if context is None:
                    continue
                audio = self._audio()
                regions = speech_regions(audio, min_silence_ms=MIN_SILENCE_MS)
                stable = [r for r in regions if r[1] <= len(audio) - STABLE_S * SAMPLE_RATE]
                closed = partition(stable)
                pausing = len(stable) == len(regions)  # silent for STABLE_S: decode it all
                if closed and not pausing and \
                        sum(e - s for s, e in closed[-1]) < WINDOW_MIN_S * SAMPLE_RATE:
                    closed = closed[:-1]  # the last window may take in more speech
                previous: tuple[int, ...] = ()
                for window in closed:
                    if self._closed:
                        return
                    decoded = self._decode(audio, window, self._prompt(context, previous))
                    previous = decoded.tokens or previous
        except Exception as exc:  # noqa: BLE001 - finish() decodes what is left itself
            self.error = f"{type(exc).__name__}: {exc}"

    def cancel(self) -> None:
        """The take is not wanted (the round was left): stop decoding."""
        with self._cond:
            self._closed = True
            self._cond.notify()

    def finish(self, timeout: float = 60.0) -> Transcript:
        """The take has ended: decode what is left and return the whole transcript,
        the same as one pass over the whole take would give. A context that is still
        None now is taken as none at all: callers wait for it first (the runner
        joins the speaker's final pass)."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout=timeout)
        audio = self._audio()
        settings = self.transcriber.settings
        language = settings.language if settings.language != "auto" else ""
        duration = len(audio) / SAMPLE_RATE
        if not len(audio) or dbfs(audio) < guards.SILENCE_DBFS:
            return Transcript("", round(duration, 3), language, notes=("silent take",))
        regions = speech_regions(audio, min_silence_ms=MIN_SILENCE_MS)
        if not regions:
            return Transcript("", round(duration, 3), language, notes=("no speech detected",))
        context = self._context_tokens(wait=True) or ()
        segments: list[Segment] = []
        notes: list[str] = []
        previous: tuple[int, ...] = ()
        for window in partition(regions):
            decoded = self._decode(audio, window, self._prompt(context, previous))
            segments += decoded.segments
            notes += decoded.notes
            language = decoded.language or language
            previous = decoded.tokens or previous
        return assemble(segments, notes, duration, language)

    @property
    def reused(self) -> int:
        """Windows decoded along the way (for the benchmark)."""
        return len(self._done)
