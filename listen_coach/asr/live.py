"""Live captions: committed text plus a tentative tail, never blocking the caller.

`feed()` only appends audio under a lock; a worker thread re-decodes the
uncommitted audio every `STEP_SECONDS` (greedy, short encoder context, see
`engine.py`) and commits the words two consecutive hypotheses agree on
("local agreement", as in Macháček et al. 2023, whisper_streaming). Committed
words never change; the tail may. Once committed text lies far enough back, the
buffer is cut at the last committed word, so each decode stays short and fast.
Silence is never decoded (VAD first), so it produces no caption.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from listen_coach.asr.engine import SAMPLE_RATE
from listen_coach.asr.guards import normalise
from listen_coach.asr.transcriber import Transcriber, speech_regions
from listen_coach.asr.types import Caption, Word

#: New audio between decodes. A decode of an 8 s buffer takes ~0.3 s on 2 cores,
#: so 0.5 s steps keep one core mostly free; a word needs two agreeing decodes,
#: so the expected commit lag is about 2 steps plus decode time (~1.3 s).
STEP_SECONDS = 0.5
#: Cut the buffer at the last committed word once it is longer than this...
TRIM_SECONDS = 8.0
#: ...and commit everything if agreement has not let it shrink by this length
#: (a long unbroken stretch must not grow the decode cost without bound).
FORCE_SECONDS = 20.0
#: Words starting this close before the committed end are taken as re-decodes of
#: it, when the committed words cannot be found in the new hypothesis by text.
OVERLAP_TOLERANCE = 0.3
#: Previous text given to the decoder as context (about 40 words).
PROMPT_CHARS = 200
#: One decode sees at most Whisper's 30 s window (less the 2 s of padding the engine
#: adds). A longer buffer (audio fed faster than real time, or a machine too busy to
#: keep up) is finished by the windowed transcriber, so no audio is dropped.
MAX_DECODE_SECONDS = 28.0
#: A decode with fewer words than this per second of speech (by VAD) has failed:
#: recordings here hold 1.9-3.3 words a second of speech (median 2.7; `python -m bench
#: bench_speech_rate`), and a decode misled by its prompt (a misheard
#: committed word) can stop after a few words or make up a sentence over 25 s of
#: speech. It is decoded again without the prompt; a final decode that still falls
#: short is redone by the windowed transcriber.
MIN_WORDS_PER_SPEECH_SECOND = 0.5
#: ...when there is this much speech to judge by.
FELL_SHORT_MIN_SPEECH_SECONDS = 4.0


class LiveCaptioner:
    """Feed 16 kHz mono blocks; get `Caption` updates through `on_update` (worker thread)."""

    def __init__(self, transcriber: Transcriber,
                 on_update: Callable[[Caption], None] | None = None,
                 step_seconds: float = STEP_SECONDS):
        self.transcriber = transcriber
        self.on_update = on_update
        self.step = int(step_seconds * SAMPLE_RATE)
        self._audio = np.zeros(0, np.float32)
        self._offset = 0  # absolute sample index of self._audio[0]
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = False
        self._stopping = False
        self._committed: list[Word] = []
        self._commit_times: list[float] = []
        self._previous: list[Word] = []
        self._tentative: list[Word] = []
        self._decoded_until = 0
        self._since_cut: list[Word] = []  # committed words still inside the buffer
        self._prompt_text = ""  # committed text already cut from the buffer
        self.error: BaseException | None = None
        self.decode_seconds: list[float] = []
        self._thread = threading.Thread(target=self._run, name="live-captions", daemon=True)
        self._thread.start()

    # -- caller side -------------------------------------------------------
    def feed(self, block: np.ndarray) -> None:
        """Append audio; returns at once."""
        if block.ndim > 1:
            block = block.mean(axis=1)
        with self._lock:
            self._audio = np.concatenate([self._audio, block.astype(np.float32, copy=False)])
        self._wake.set()

    def close(self, timeout: float = 30.0) -> Caption:
        """Decode what is left, commit it all, stop the worker; returns the final caption."""
        self._closing = True
        self._wake.set()
        self._thread.join(timeout)
        return self.caption(final=True)

    def stop(self) -> Caption:
        """Stop without a last decode (a final pass of the take is coming, so the
        flush would only take CPU from it); the tentative tail counts as said."""
        self._stopping = True
        self._wake.set()
        with self._lock:
            words = (*self._committed, *self._tentative)
            seconds = (self._offset + len(self._audio)) / SAMPLE_RATE
        return Caption(committed=_join(words), tentative="", words=words,
                       audio_seconds=seconds, final=True)

    def caption(self, final: bool = False) -> Caption:
        with self._lock:
            words = tuple(self._committed)
            tail = tuple(self._tentative)
            seconds = (self._offset + len(self._audio)) / SAMPLE_RATE
        return Caption(
            committed=_join(words), tentative=_join(tail), words=words,
            audio_seconds=seconds, final=final,
        )

    @property
    def commit_times(self) -> list[float]:
        """`time.monotonic()` at which each committed word was committed (for lag measurement)."""
        return list(self._commit_times)

    # -- worker ------------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                self._wake.wait(timeout=0.2)
                self._wake.clear()
                if self._stopping:
                    return
                with self._lock:
                    total = self._offset + len(self._audio)
                closing = self._closing
                if not closing and total - self._decoded_until < self.step:
                    continue
                self._decoded_until = total
                self._update(final=closing)
                if closing:
                    return
        except BaseException as exc:  # noqa: BLE001 - reported to the caller, never raised here
            self.error = exc

    def _update(self, final: bool) -> None:
        # The last decode, too, reads the whole buffer, committed words included: the
        # uncommitted tail alone lacks the context it needs and loses words.
        with self._lock:
            audio, offset = self._audio, self._offset
        start_s = offset / SAMPLE_RATE
        regions = speech_regions(audio)
        if not regions:
            self._tentative = []
            self._previous = []
            if len(audio) > 2 * SAMPLE_RATE:  # nothing to say in this buffer: drop all but 0.5 s
                self._cut(offset + len(audio) - SAMPLE_RATE // 2)
            self._emit(final)
            return
        if final and len(audio) > MAX_DECODE_SECONDS * SAMPLE_RATE:
            self._finish_long(audio, start_s)
            return
        model = self.transcriber.load()
        prompt = ()
        if self._prompt_text:
            prompt = tuple(model.tokenizer(model.language or "en").encode(self._prompt_text))
        t0 = time.monotonic()
        result = model.decode(audio, beam_size=1, prompt=prompt)
        # Only where this decode's words are committed whole, unchecked by agreement (the
        # final decode, or a buffer past FORCE_SECONDS), is a second decode worth its cost.
        whole = final or len(audio) > FORCE_SECONDS * SAMPLE_RATE
        if prompt and whole and _fell_short(result.words, regions):
            result = model.decode(audio, beam_size=1)  # the prompt misled it: once without
        self.decode_seconds.append(time.monotonic() - t0)
        hyp_all = [
            Word(w.text, round(start_s + w.start, 3), round(start_s + w.end, 3), w.probability)
            for w in result.words
        ]
        if final and _fell_short(hyp_all, regions):
            self._finish_long(audio, start_s)
            return
        hyp = hyp_all[_new_content_index(self._since_cut, hyp_all):]
        if final:
            agreed = hyp
        else:
            agreed = []
            for a, b in zip(hyp, self._previous, strict=False):
                if normalise(a.text) != normalise(b.text):
                    break
                agreed.append(a)
        now = time.monotonic()
        with self._lock:
            self._committed.extend(agreed)
            self._commit_times.extend([now] * len(agreed))
            self._tentative = hyp[len(agreed):]
        self._since_cut.extend(agreed)
        self._previous = hyp[len(agreed):]
        buffer_seconds = len(audio) / SAMPLE_RATE
        if self._committed and buffer_seconds > TRIM_SECONDS:
            self._cut(int(self._committed[-1].end * SAMPLE_RATE))
        elif buffer_seconds > FORCE_SECONDS:
            with self._lock:
                self._committed.extend(self._tentative)
                self._commit_times.extend([now] * len(self._tentative))
                self._tentative = []
            self._previous = []
            # Up to the last word decoded (audio past one decode's window stays for
            # later), and at least FORCE_SECONDS on, so the buffer always shrinks.
            last = self._committed[-1].end if self._committed else start_s
            cut = max(int(last * SAMPLE_RATE), offset + int(FORCE_SECONDS * SAMPLE_RATE))
            self._cut(min(offset + len(audio), cut))
        self._emit(final)

    def _finish_long(self, audio: np.ndarray, start_s: float) -> None:
        """Commit everything after the committed words, transcribed window by window."""
        done_until = self._since_cut[-1].end if self._since_cut else start_s
        skip = max(0, int((done_until - start_s) * SAMPLE_RATE))
        base = start_s + skip / SAMPLE_RATE
        rest = self.transcriber.transcribe(audio[skip:], beam_size=1)
        # Live words carry their leading space (" word"), as the decoder emits them.
        words = [Word(" " + w.text.strip(), round(base + w.start, 3), round(base + w.end, 3),
                      w.probability) for w in rest.words]
        now = time.monotonic()
        with self._lock:
            self._committed.extend(words)
            self._commit_times.extend([now] * len(words))
            self._tentative = []
        self._emit(True)

    def _cut(self, absolute_sample: int) -> None:
        """Drop audio before `absolute_sample`; committed words there become the prompt."""
        if self._since_cut:
            self._prompt_text = f"{self._prompt_text} {_join(self._since_cut)}".strip()[
                -PROMPT_CHARS:]
            self._since_cut = []
        with self._lock:
            drop = max(0, min(absolute_sample - self._offset, len(self._audio)))
            self._audio = self._audio[drop:]
            self._offset += drop

    def _emit(self, final: bool) -> None:
        if self.on_update is not None:
            self.on_update(self.caption(final=final))


def _fell_short(words: Sequence[object], regions: list[tuple[int, int]]) -> bool:
    """Whether a decode holds far fewer words than the speech in its buffer."""
    speech = sum(end - start for start, end in regions) / SAMPLE_RATE
    return (speech >= FELL_SHORT_MIN_SPEECH_SECONDS
            and len(words) < MIN_WORDS_PER_SPEECH_SECOND * speech)


def _join(words: tuple[Word, ...] | list[Word]) -> str:
    return "".join(w.text for w in words).strip()


def _new_content_index(since_cut: list[Word], hyp: list[Word]) -> int:
    """Where the not-yet-committed part of a hypothesis starts.

    Every decode covers the whole buffer, so it should begin with the words already
    committed since the buffer was last cut. Matching them by text is robust to the
    word times drifting between decodes; if the text differs (the model changed its
    mind about an earlier word), fall back to times.
    """
    if not since_cut:
        return 0
    done = [normalise(w.text) for w in since_cut]
    said = [normalise(w.text) for w in hyp]
    k = len(done)
    if said[:k] == done:
        return k
    # The last two committed words, searched near where they should be.
    tail = done[-2:]
    for i in sorted(range(len(said)), key=lambda j: abs(j - k)):
        if said[i:i + len(tail)] == tail and abs(i + len(tail) - k) <= 3:
            return i + len(tail)
    end = since_cut[-1].end
    for i, w in enumerate(hyp):
        if w.start >= end - OVERLAP_TOLERANCE:
            return i
    return len(hyp)
