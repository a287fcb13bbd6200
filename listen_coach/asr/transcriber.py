"""Final-pass transcription of a whole take.

Voice-activity detection (the Silero model inside faster-whisper) finds the
speech; pauses are cut out and the speech is packed into windows of up to
`WINDOW_SECONDS`; each window is decoded with beam search and word alignment,
and word times are mapped back to the take. Silence never reaches the decoder,
which is the first guard against hallucinated text.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from listen_coach.asr import guards
from listen_coach.asr.engine import SAMPLE_RATE, SpeechModel
from listen_coach.asr.types import Segment, Transcript, Word
from listen_coach.audio.files import load_audio
from listen_coach.audio.level import dbfs
from listen_coach.config import AsrSettings

#: Speech per decoding window. Whisper's context is 30 s; 2 s stay free for the
#: padding the encoder gets and for VAD's speech padding.
WINDOW_SECONDS = 28.0
#: VAD settings. 500 ms of silence ends a stretch (faster-whisper's 2 s merges
#: whole turns, which loses pauses that the turn logic needs); 200 ms padding
#: keeps soft word onsets and endings (measured against WER on the shared clips).
VAD_MIN_SILENCE_MS = 500
VAD_SPEECH_PAD_MS = 200
#: Sentence-final punctuation splits a window's words into segments.
_SENTENCE_END = (".", "?", "!")


def speech_regions(audio: np.ndarray, threshold: float = 0.5,
                   min_silence_ms: int = VAD_MIN_SILENCE_MS) -> list[tuple[int, int]]:
    """Sample ranges holding speech, by Silero VAD (ships with faster-whisper, runs offline)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from listen_coach.offline import quiet_onnxruntime

    quiet_onnxruntime()
    if len(audio) < SAMPLE_RATE // 10:
        return []
    options = VadOptions(threshold=threshold, min_silence_duration_ms=min_silence_ms,
                         speech_pad_ms=VAD_SPEECH_PAD_MS)
    return [(c["start"], c["end"]) for c in get_speech_timestamps(audio, options)]


def pack_windows(regions: list[tuple[int, int]], max_seconds: float = WINDOW_SECONDS
                 ) -> list[list[tuple[int, int]]]:
    """Group consecutive speech regions into windows of at most `max_seconds` of speech;
    a region longer than that is split."""
    limit = int(max_seconds * SAMPLE_RATE)
    windows: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    size = 0
    for start, end in regions:
        while end - start > limit:
            if current:
                windows.append(current)
                current, size = [], 0
            windows.append([(start, start + limit)])
            start += limit
        if size + (end - start) > limit and current:
            windows.append(current)
            current, size = [], 0
        current.append((start, end))
        size += end - start
    if current:
        windows.append(current)
    return windows


def _to_take_time(t: float, window: list[tuple[int, int]]) -> float:
    """Map a time inside the packed window back to the original take."""
    offset = 0.0
    for start, end in window:
        length = (end - start) / SAMPLE_RATE
        if t <= offset + length:
            return start / SAMPLE_RATE + (t - offset)
        offset += length
    start, end = window[-1]
    return end / SAMPLE_RATE


def split_sentences(words: list[Word]) -> list[list[Word]]:
    groups: list[list[Word]] = []
    current: list[Word] = []
    for w in words:
        current.append(w)
        if w.text.endswith(_SENTENCE_END):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


class Transcriber:
    """Loads the speech model lazily (once) and transcribes takes.

    Thread-safe: the app loads it in a worker while the home screen is up, and
    live captions and the final pass may share it.
    """

    def __init__(self, settings: AsrSettings | None = None):
        self.settings = settings or AsrSettings()
        self._model: SpeechModel | None = None
        self._load_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> SpeechModel:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    from listen_coach.models import whisper_model_dir

                    path = whisper_model_dir(self.settings.model_dir)
                    self._model = SpeechModel(
                        path, self.settings.compute_type, self.settings.cpu_threads,
                        self.settings.language,
                    )
        return self._model

    def transcribe(self, audio: np.ndarray | str | Path, beam_size: int | None = None
                   ) -> Transcript:
        """Transcribe a take: a path to any audio file, or 16 kHz mono float32 samples."""
        cut_short = None
        if isinstance(audio, np.ndarray):
            samples = audio
        else:
            clip = load_audio(audio)
            samples, cut_short = clip.samples, clip.cut_short
        take = np.ascontiguousarray(samples, dtype=np.float32)
        if take.ndim > 1:
            take = take.mean(axis=1)
        result = self._transcribe(take, beam_size)
        if cut_short:
            result = replace(result, notes=(cut_short, *result.notes))
        return result

    def _transcribe(self, audio: np.ndarray, beam_size: int | None) -> Transcript:
        duration = len(audio) / SAMPLE_RATE
        language = self.settings.language if self.settings.language != "auto" else ""
        if dbfs(audio) < guards.SILENCE_DBFS:
            return Transcript("", duration, language, notes=("silent take",))
        regions = speech_regions(audio)
        if not regions:
            return Transcript("", duration, language, notes=("no speech detected",))
        model = self.load()
        beam = beam_size or self.settings.beam_size
        segments: list[Segment] = []
        notes: list[str] = []
        prompt: tuple[int, ...] = ()
        for window in pack_windows(regions):
            decoded = decode_window(model, audio, window, beam, prompt)
            segments += decoded.segments
            notes += decoded.notes
            language = decoded.language or language
            prompt = decoded.tokens or prompt
        return assemble(segments, notes, duration, language)


@dataclass(frozen=True)
class DecodedWindow:
    """One window of a take, decoded and checked by the guards."""

    segments: tuple[Segment, ...]
    notes: tuple[str, ...]
    tokens: tuple[int, ...]  # the text's tokens (the next window's prompt); () if dropped
    language: str


def decode_window(model: SpeechModel, audio: np.ndarray, window: list[tuple[int, int]],
                  beam: int, prompt: tuple[int, ...] = (),
                  prompt_limit: int | None = None) -> DecodedWindow:
    """Decode the speech regions of `window` (sample ranges of `audio`) as one
    stretch; drop text the guards take for silence, a stock hallucination or a loop;
    word times are mapped back to the take."""
    samples = np.concatenate([audio[s:e] for s, e in window])
    result = model.decode(samples, beam_size=beam, prompt=prompt, prompt_limit=prompt_limit)
    at = f"{window[0][0] / SAMPLE_RATE:.1f}s"
    if not result.words:
        return DecodedWindow((), (), (), result.language)
    if guards.looks_like_silence(result.no_speech_prob, result.avg_logprob):
        return DecodedWindow((), (f"dropped low-confidence text at {at} (likely not speech)",),
                             (), result.language)
    mean_prob = float(np.mean([w.probability for w in result.words]))
    if guards.is_unsupported_stock_phrase(result.text, mean_prob, result.no_speech_prob):
        return DecodedWindow((), (f"dropped '{result.text}' at {at} (a typical hallucination)",),
                             (), result.language)
    if result.compression_ratio > guards.COMPRESSION_RATIO:
        return DecodedWindow((), (f"dropped repeating text at {at}",), (), result.language)
    words = [
        Word(w.text.strip(), round(_to_take_time(w.start, window), 3),
             round(_to_take_time(w.end, window), 3), w.probability)
        for w in result.words
    ]
    raw = iter(result.words)
    segments = []
    for group in split_sentences(words):
        text = "".join(next(raw).text for _ in group).strip()
        segments.append(Segment(
            text=text, start=group[0].start, end=group[-1].end, words=tuple(group),
            avg_logprob=result.avg_logprob, no_speech_prob=result.no_speech_prob))
    return DecodedWindow(tuple(segments), (), result.tokens, result.language)


def assemble(segments: list[Segment], notes: list[str], duration: float, language: str
             ) -> Transcript:
    """The take's transcript from its decoded segments, repeated lines dropped."""
    keep = guards.collapse_repeats([s.text for s in segments], keep=2)
    if not all(keep):
        notes = [*notes, "dropped repeated lines"]
    segments = [s for s, k in zip(segments, keep, strict=True) if k]
    text = " ".join(s.text for s in segments)
    return Transcript(text, round(duration, 3), language, tuple(segments), tuple(notes))
