"""Guards against Whisper's hallucinations on silence and noise.

Whisper was trained on subtitles, so on silence or noise it tends to produce
"Thank you.", "Thanks for watching!" or the same line over and over. Three
layers stop that: voice-activity detection decides whether there is speech at
all (silence never reaches the decoder); the decoder's own confidence drops a
window that looks like no speech; and a stock phrase is only kept when the model
is confident about it.
"""

from __future__ import annotations

import re
import zlib

#: Whisper's own defaults (openai/whisper `transcribe()`): a window with
#: no-speech probability above 0.6 *and* average log-probability below -1 is silence.
NO_SPEECH_PROB = 0.6
LOGPROB_THRESHOLD = -1.0
#: Whisper's default: text whose gzip compression ratio exceeds 2.4 is a repetition loop.
COMPRESSION_RATIO = 2.4
#: Below this RMS level (dBFS) a take is silent whatever VAD says. Room tone of a
#: quiet laptop microphone sits around -60 to -50 dBFS; speech peaks at -30 to -10.
SILENCE_DBFS = -55.0
#: A stock phrase survives only when the model's mean word probability reaches
#: this and its no-speech probability stays under 0.2. Spoken for real (espeak-ng,
#: measured here), "Thank you." decodes at 0.88 and "Thanks for watching." at 0.95,
#: with no-speech probability 0.01-0.02.
STOCK_PHRASE_MIN_PROB = 0.7
STOCK_PHRASE_MAX_NO_SPEECH = 0.2

#: Subtitle clichés only. Short words a listener really says ("okay", "hmm",
#: "right") are not here: they are encouragers, and the drill counts them.
_STOCK = {
    "thank you", "thank you very much", "thanks for watching", "thank you for watching",
    "thanks for watching and see you next time", "please subscribe", "bye", "you",
    "subtitles by the amara org community", "music", "applause", "silence", "the end",
}
_NONWORD = re.compile(r"[^a-z0-9 ]+")


def normalise(text: str) -> str:
    return " ".join(_NONWORD.sub(" ", text.lower()).split())


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def looks_like_silence(no_speech_prob: float, avg_logprob: float) -> bool:
    return no_speech_prob > NO_SPEECH_PROB and avg_logprob < LOGPROB_THRESHOLD


def is_unsupported_stock_phrase(text: str, mean_word_prob: float, no_speech_prob: float) -> bool:
    """A subtitle cliché the model is not confident it actually heard."""
    if normalise(text) not in _STOCK:
        return False
    return mean_word_prob < STOCK_PHRASE_MIN_PROB or no_speech_prob > STOCK_PHRASE_MAX_NO_SPEECH


def collapse_repeats(texts: list[str], keep: int = 1) -> list[bool]:
    """Mark which of consecutive identical lines to keep (a looping decoder)."""
    keep_flags, run, prev = [], 0, None
    for text in texts:
        norm = normalise(text)
        run = run + 1 if norm == prev and norm else 1
        prev = norm
        keep_flags.append(run <= keep)
    return keep_flags
