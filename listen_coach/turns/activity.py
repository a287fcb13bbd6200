"""Voice activity per channel, frame by frame, with the Silero model inside faster-whisper.

Silero scores 32 ms frames (512 samples at 16 kHz) with a speech probability.
Frames become speech with hysteresis (on at 0.5, off below 0.35, Silero's own
defaults), short gaps are bridged and tiny blips dropped, so the output is a
list of (start, end) stretches per channel.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16_000
FRAME = 512  # samples per Silero frame
FRAME_SECONDS = FRAME / SAMPLE_RATE  # 0.032 s
ON, OFF = 0.5, 0.35
#: Gaps shorter than this inside one person's speech are within a phrase: word
#: joins and comma pauses run 100-250 ms, while turns change after about 200 ms
#: of silence *between two people* (DESIGN.md §3), which this does not touch.
BRIDGE_SECONDS = 0.25
#: Backchannels last a median 0.31 s; anything under 0.1 s is a click or a breath.
MIN_SPEECH_SECONDS = 0.1


def speech_probabilities(audio: np.ndarray) -> np.ndarray:
    """Silero speech probability for every 32 ms frame of 16 kHz mono audio."""
    from faster_whisper.vad import get_vad_model

    from listen_coach.offline import quiet_onnxruntime

    quiet_onnxruntime()
    audio = np.ascontiguousarray(audio, dtype=np.float32)
    padded = np.pad(audio, (0, (-len(audio)) % FRAME))
    if not len(padded):
        return np.zeros(0, np.float32)
    return np.asarray(get_vad_model()(padded), dtype=np.float32).reshape(-1)


def hysteresis(probs: np.ndarray, on: float = ON, off: float = OFF) -> np.ndarray:
    mask = np.zeros(len(probs), bool)
    active = False
    for i, p in enumerate(probs):
        active = p >= on or (active and p >= off)
        mask[i] = active
    return mask


def to_stretches(mask: np.ndarray, bridge: float = BRIDGE_SECONDS,
                 min_speech: float = MIN_SPEECH_SECONDS) -> list[tuple[float, float]]:
    """Frame mask -> (start, end) seconds: single-frame blips dropped, gaps under
    `bridge` closed, stretches under `min_speech` dropped."""
    mask = mask.copy()
    for i in range(len(mask)):  # a lone 32 ms frame is a click, not speech
        if mask[i] and not (i and mask[i - 1]) and not (i + 1 < len(mask) and mask[i + 1]):
            mask[i] = False
    out: list[list[float]] = []
    i = 0
    n = len(mask)
    while i < n:
        if not mask[i]:
            i += 1
            continue
        j = i
        while j < n and mask[j]:
            j += 1
        start, end = i * FRAME_SECONDS, j * FRAME_SECONDS
        if out and start - out[-1][1] < bridge:
            out[-1][1] = end
        else:
            out.append([start, end])
        i = j
    return [(round(s, 3), round(e, 3)) for s, e in out if e - s >= min_speech]


def frame_levels(audio: np.ndarray) -> np.ndarray:
    """RMS level in dBFS for every 32 ms frame."""
    padded = np.pad(np.asarray(audio, np.float32), (0, (-len(audio)) % FRAME))
    frames = padded.reshape(-1, FRAME).astype(np.float64)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-10))
