"""The speech model and one decoding step over a window of up to 30 s.

faster-whisper pads every window to Whisper's full 30 s context, which costs
about 1.0 s of encoder time on 2 cores whether the window holds 3 s or 30 s of
speech. Encoding only the audio present (plus a second of silence) costs 0.08 s
for 6 s and 0.15 s for 10 s, with the same text on our clips (measured with
`make bench`; whisper.cpp calls this `audio_ctx`). That is what makes live
captions keep up and the final pass run well under real time on short takes,
so this module drives the CTranslate2 model directly, reusing faster-whisper's
feature extractor, tokenizer and word aligner.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from listen_coach.asr import guards
from listen_coach.asr.types import Word
from listen_coach.errors import ModelError

SAMPLE_RATE = 16_000
HOP = 160  # samples per mel frame (10 ms)
MAX_FRAMES = 3000  # Whisper's 30 s context
#: Silence appended to each window before encoding, in mel frames (2 s). With
#: 0.5-1 s of padding, 2-3 s windows came back with the sentence repeated
#: ("Go forward 10 meters. Go forward 10 meters."); 2 s removed that.
PAD_FRAMES = 200
#: Shortest context encoded (6 s): the same repetition appears when a short
#: window sits in a short context, whatever the padding.
MIN_FRAMES = 600
#: Longest prompt of previous text (Whisper's limit is 223 tokens; shorter keeps
#: a wrong earlier guess from steering the next window).
MAX_PROMPT_TOKENS = 64
#: Whisper's own limit on a prompt (half its 448-token text context, less one).
MAX_PROMPT_LIMIT = 223
#: Cap on generated tokens per second of audio. Fast speech is ~4 words (~5-6
#: tokens) a second; a greedy decode of cut-off audio can otherwise loop to
#: Whisper's 448-token limit, which costs seconds.
MAX_TOKENS_PER_SECOND = 12


@dataclass(frozen=True)
class WindowResult:
    """One decoded window: words with times relative to the window start.

    Word texts keep Whisper's leading space ("ill", "-disposed" -> " ill", "-disposed"),
    so `"".join` rebuilds the text; `Transcriber` strips them for its results.
    """

    text: str
    tokens: tuple[int, ...]
    words: tuple[Word, ...]
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    language: str


class SpeechModel:
    """A loaded Whisper model (CTranslate2) with a lock-free decode for windows <= 30 s."""

    def __init__(self, model_dir: Path, compute_type: str = "int8", cpu_threads: int = 0,
                 language: str = "en"):
        from faster_whisper import WhisperModel

        threads = cpu_threads or (os.cpu_count() or 2)
        try:
            self.whisper = WhisperModel(
                str(model_dir), device="cpu", compute_type=compute_type, cpu_threads=threads,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"The speech model in {model_dir} could not be loaded ({str(exc)[:120]}); "
                f"run `make setup` to rebuild it, or fix asr.model_dir in settings."
            ) from None
        self.language = language
        self._tokenizers: dict[str, object] = {}
        self._lock = threading.Lock()

    @property
    def multilingual(self) -> bool:
        return bool(self.whisper.model.is_multilingual)

    def tokenizer(self, language: str):  # -> faster_whisper.tokenizer.Tokenizer
        from faster_whisper.tokenizer import Tokenizer

        with self._lock:
            tok = self._tokenizers.get(language)
            if tok is None:
                tok = Tokenizer(
                    self.whisper.hf_tokenizer, self.multilingual, task="transcribe",
                    language=language if self.multilingual else None,
                )
                self._tokenizers[language] = tok
        return tok

    def encode(self, audio: np.ndarray):  # -> (ctranslate2.StorageView, n_frames)
        import ctranslate2

        n_frames = min(len(audio) // HOP, MAX_FRAMES)
        context = min(MAX_FRAMES, max(MIN_FRAMES, n_frames + PAD_FRAMES))
        context += context % 2  # the encoder's second convolution has stride 2
        padded = np.zeros(context * HOP + HOP, dtype=np.float32)
        clip = audio[: context * HOP]
        padded[: len(clip)] = clip
        features = self.whisper.feature_extractor(padded, padding=0)[:, :context]
        if features.shape[1] < context:
            features = np.pad(features, ((0, 0), (0, context - features.shape[1])),
                              constant_values=float(features.min()))
        view = ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None]))
        return self.whisper.model.encode(view, to_cpu=False), max(n_frames, 1)

    def detect_language(self, encoder_output) -> str:
        if not self.multilingual:
            return "en"
        results = self.whisper.model.detect_language(encoder_output)[0]
        return results[0][0][2:-2]

    def decode(self, audio: np.ndarray, beam_size: int = 5, prompt: tuple[int, ...] = (),
               language: str | None = None, word_timestamps: bool = True,
               prompt_limit: int | None = None) -> WindowResult:
        """Decode one window (<= 30 s) of 16 kHz mono audio. `prompt`: tokens of text
        that came before (its last `prompt_limit` tokens, MAX_PROMPT_TOKENS by default)."""
        from faster_whisper.transcribe import get_suppressed_tokens, merge_punctuations

        encoder_output, n_frames = self.encode(audio)
        lang = language or self.language
        if lang in ("", "auto"):
            lang = self.detect_language(encoder_output)
        tok = self.tokenizer(lang)
        kept = min(prompt_limit or MAX_PROMPT_TOKENS, MAX_PROMPT_LIMIT)
        head = [tok.sot_prev, *prompt[-kept:]] if prompt else []
        sequence = [*head, *tok.sot_sequence, tok.no_timestamps]
        suppress = list(get_suppressed_tokens(tok, [-1]))

        budget = 16 + int(MAX_TOKENS_PER_SECOND * len(audio) / SAMPLE_RATE)
        max_length = min(self.whisper.max_length, len(sequence) + budget)

        def generate(**kwargs):
            result = self.whisper.model.generate(
                encoder_output, [sequence], beam_size=beam_size, patience=1.0,
                length_penalty=1.0, max_length=max_length,
                return_scores=True, return_no_speech_prob=True, suppress_blank=True,
                suppress_tokens=suppress, **kwargs,
            )[0]
            tokens = [t for t in result.sequences_ids[0] if t < tok.eot]
            avg = result.scores[0] * len(tokens) / (len(tokens) + 1)
            return result, tokens, avg

        result, tokens, avg_logprob = generate()
        text = tok.decode(tokens).strip()
        ratio = guards.compression_ratio(text)
        if ratio > guards.COMPRESSION_RATIO:
            # A repetition loop: decode again forbidding repeated trigrams (deterministic,
            # unlike Whisper's temperature fallback).
            result, tokens, avg_logprob = generate(no_repeat_ngram_size=3, repetition_penalty=1.2)
            text = tok.decode(tokens).strip()
            ratio = guards.compression_ratio(text)
        words: list[Word] = []
        if word_timestamps and tokens:
            alignment = self.whisper.find_alignment(tok, [tokens], encoder_output, n_frames)[0]
            merge_punctuations(alignment, "\"'“¿([{-", "\"'.。,，!！?？:：”)]}、")
            limit = len(audio) / SAMPLE_RATE
            alignment = [w for w in alignment if w["word"].strip()]
            for w in alignment:
                start = min(float(w["start"]), limit)
                end = min(max(float(w["end"]), start), limit)
                # Text keeps its leading space, so "ill" + "-disposed" rejoin correctly.
                words.append(Word(w["word"], round(start, 3), round(end, 3),
                                  round(float(w["probability"]), 4)))
            words = _drop_unvoiced_tail(words)
            if len(words) < len(alignment):
                text = "".join(w.text for w in words).strip()
                tokens = tokens[: _token_count(alignment, len(words))]
        return WindowResult(
            text=text, tokens=tuple(tokens), words=tuple(words),
            avg_logprob=float(avg_logprob), no_speech_prob=float(result.no_speech_prob),
            compression_ratio=ratio, language=lang,
        )


#: Words packed tighter than 60 ms each are not backed by audio (fast speech
#: runs at 200-300 ms a word). A run of 3 or more at the end of a window is text
#: the decoder invented in the padding, typically the sentence said again, which
#: the aligner squeezes into the last few frames.
UNVOICED_SECONDS_PER_WORD = 0.06
UNVOICED_RUN = 3


def _drop_unvoiced_tail(words: list[Word]) -> list[Word]:
    for i in range(max(0, len(words) - UNVOICED_RUN + 1)):
        tail = words[i:]
        if len(tail) < UNVOICED_RUN or tail[0].end - tail[0].start > UNVOICED_SECONDS_PER_WORD:
            continue
        if tail[-1].end - tail[0].start < UNVOICED_SECONDS_PER_WORD * len(tail):
            return words[:i]
    return words


def _token_count(alignment: list[dict], n_words: int) -> int:
    return sum(len(w["tokens"]) for w in alignment[:n_words])
