"""Signal levels for meters and silence checks."""

from __future__ import annotations

import numpy as np

#: Floor of the meter: a digital-silence block reads this rather than -inf.
FLOOR_DB = -100.0


def dbfs(samples: np.ndarray) -> float:
    """RMS level in dB relative to full scale (0 dBFS = a full-scale square wave)."""
    if samples.size == 0:
        return FLOOR_DB
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return max(FLOOR_DB, 20.0 * np.log10(rms)) if rms > 0 else FLOOR_DB


def channel_dbfs(block: np.ndarray) -> list[float]:
    """Per-channel level of a (frames,) or (frames, channels) block."""
    if block.ndim == 1:
        return [dbfs(block)]
    return [dbfs(block[:, c]) for c in range(block.shape[1])]

