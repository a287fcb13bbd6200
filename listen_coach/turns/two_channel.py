"""Two-channel mode: each partner on their own microphone (a stereo input, or two devices).

Voice activity is found per channel. A headset also picks up the partner, more
quietly: that *crosstalk* must not count as the other partner speaking. In a
frame where both channels look like speech, the quieter one is taken for bleed
when it is `CROSSTALK_DB` or more below the louder one and follows it closely
(normalised correlation of the frames at small lags at least `CROSSTALK_CORR`);
two people really talking at once are both loud in their own microphones and
uncorrelated.
"""

from __future__ import annotations

import numpy as np

from listen_coach.errors import UserError
from listen_coach.turns.activity import (
    FRAME,
    frame_levels,
    hysteresis,
    speech_probabilities,
    to_stretches,
)
from listen_coach.turns.overlaps import Turn, merge_continuations

#: A close-talking microphone hears its wearer 10-20 dB louder than the partner a
#: metre away (inverse-square law: 1 m vs 3-5 cm is 26-30 dB; room reflections
#: bring it nearer 10-20 dB). Bleed is at least 6 dB down.
CROSSTALK_DB = 6.0
#: Bleed is a delayed copy of the other channel: on generated conversations its
#: 32 ms frames correlated 0.6-0.98 with the source at lags up to 3 ms (1 m of
#: travel), while frames where both partners really spoke measured 0.1-0.45. A
#: frame is dropped only when the level gap holds too, so 0.3 errs towards bleed;
#: real rooms (reflections, different microphones) are untested here.
CROSSTALK_CORR = 0.3
MAX_LAG = 48  # samples, 3 ms
#: Speech stands well clear of a microphone's noise floor; a frame within 12 dB
#: of it (the floor taken as the channel's 10th-percentile frame level) is bleed
#: or VAD hangover. Quiet encouragers still reach 20 dB and more above the floor.
FLOOR_MARGIN_DB = 12.0


def _max_corr(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    if norm < 1e-18:
        return 0.0
    best = 0.0
    for lag in range(0, MAX_LAG + 1, 4):  # the other channel may lead or lag
        for x, y in ((a[lag:], b[:len(b) - lag]), (a[:len(a) - lag], b[lag:])):
            best = max(best, abs(float(np.dot(x, y))) / norm)
    return best


def channel_masks(stereo: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Speech masks per channel after crosstalk suppression; also the frames dropped as bleed."""
    if stereo.ndim != 2 or stereo.shape[1] != 2:
        raise UserError("Two-channel mode needs a stereo recording with one partner per channel.")
    left, right = stereo[:, 0], stereo[:, 1]
    masks = [hysteresis(speech_probabilities(ch)) for ch in (left, right)]
    levels = [frame_levels(ch) for ch in (left, right)]
    n = min(len(masks[0]), len(masks[1]), len(levels[0]), len(levels[1]))
    masks = [m[:n].copy() for m in masks]
    pad = [np.pad(ch, (0, (-len(ch)) % FRAME)) for ch in (left, right)]
    dropped = 0
    # Any frame where a channel looks like speech is checked, not only frames where
    # both do: VAD's hangover keeps bleed "speech" on after the wearer's own ends.
    for i in np.nonzero(masks[0] | masks[1])[0]:
        diff = levels[0][i] - levels[1][i]
        if abs(diff) < CROSSTALK_DB:
            continue
        frame = slice(i * FRAME, (i + 1) * FRAME)
        quiet = 1 if diff > 0 else 0
        if masks[quiet][i] and _max_corr(pad[0][frame], pad[1][frame]) >= CROSSTALK_CORR:
            masks[quiet][i] = False
            dropped += 1
    for c in (0, 1):
        floor = float(np.percentile(levels[c][:n], 10)) if n else -100.0
        masks[c] &= levels[c][:n] > floor + FLOOR_MARGIN_DB
    return masks[0], masks[1], dropped


def two_channel_turns(stereo: np.ndarray, names: tuple[str, str] = ("A", "B")) -> list[Turn]:
    """Speech stretches of each partner, in time order (no text yet)."""
    left, right, _ = channel_masks(stereo)
    turns = [Turn(names[0], s, e) for s, e in to_stretches(left)]
    turns += [Turn(names[1], s, e) for s, e in to_stretches(right)]
    return merge_continuations(turns)
