"""Speaker embeddings offline: the Resemblyzer voice encoder, in numpy.

The `resemblyzer` 0.1.4 wheel ships a trained GE2E voice encoder (a 3-layer LSTM
over 40-band mel spectra, 256-d output; Apache-2.0). Its package needs torch,
librosa and webrtcvad (about 1.4 GB); its weights file is a legacy torch pickle
that `torch_legacy` reads into numpy bit for bit, and the network is small
enough to run here in numpy: 0.04-0.09 s of one core per second of audio
(DESIGN.md §3). Its LSTM reproduces torch.nn.LSTM with the same weights to a
cosine of 0.9999999 (checked when this was written).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s, what the encoder was trained on
PARTIAL_STEP = 77  # frames between partials (Resemblyzer's rate of 1.3 per second)
NORM_DBFS = -30.0  # Resemblyzer's volume normalisation target (increase only)

_lock = threading.Lock()
_encoder: VoiceEncoder | None = None


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    """Slaney's mel scale (librosa's default): linear below 1 kHz, logarithmic above."""
    f = np.asarray(f, dtype=np.float64)
    mel = f / (200.0 / 3)
    log_region = f >= 1000.0
    mel[log_region] = 15.0 + np.log(f[log_region] / 1000.0) / (np.log(6.4) / 27.0)
    return mel


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    f = m * (200.0 / 3)
    log_region = m >= 15.0
    f[log_region] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (m[log_region] - 15.0))
    return f


@lru_cache(maxsize=1)
def mel_filters() -> np.ndarray:
    """(40, 201) Slaney-normalised triangular filters, as librosa.filters.mel builds them."""
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + N_FFT // 2)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(np.array([0.0]))[0],
                                   _hz_to_mel(np.array([SAMPLE_RATE / 2]))[0], N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fft_freqs)
    weights = np.zeros((N_MELS, len(fft_freqs)))
    for i in range(N_MELS):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:N_MELS + 2] - mel_f[:N_MELS]))[:, None]
    return weights.astype(np.float32)


def mel_spectrogram(wav: np.ndarray) -> np.ndarray:
    """(frames, 40) mel power spectrogram (not log), centred frames, zero padding."""
    wav = np.asarray(wav, dtype=np.float32)
    padded = np.pad(wav, (N_FFT // 2, N_FFT // 2))
    n_frames = 1 + (len(padded) - N_FFT) // HOP
    if n_frames < 1:
        return np.zeros((0, N_MELS), np.float32)
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)
    spectrum = np.abs(np.fft.rfft(padded[idx] * window, axis=1)) ** 2
    return (spectrum.astype(np.float32) @ mel_filters().T).astype(np.float32)


def normalise_volume(wav: np.ndarray) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(wav, dtype=np.float64)))) if len(wav) else 0.0
    if rms <= 0:
        return wav
    change = NORM_DBFS - 20 * np.log10(rms)
    return wav * (10 ** (change / 20)) if change > 0 else wav


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


class VoiceEncoder:
    def __init__(self, weights_path: Path):
        from listen_coach.turns.torch_legacy import load

        state = load(weights_path)["model_state"]
        self.layers = [
            (state[f"lstm.weight_ih_l{k}"].T.copy(), state[f"lstm.weight_hh_l{k}"].T.copy(),
             state[f"lstm.bias_ih_l{k}"] + state[f"lstm.bias_hh_l{k}"])
            for k in range(3)
        ]
        self.linear_w = state["linear.weight"].T.copy()
        self.linear_b = state["linear.bias"]

    def forward(self, mels: np.ndarray) -> np.ndarray:
        """(batch, frames, 40) mel spectra -> (batch, 256) L2-normalised embeddings.

        BLAS is held to one thread: hundreds of small products per second of audio
        run 10x slower when threads fight over 2 busy cores (measured)."""
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return self._forward(mels)

    def _forward(self, mels: np.ndarray) -> np.ndarray:
        x = mels.astype(np.float32)
        batch, steps, _ = x.shape
        for w_ih, w_hh, bias in self.layers:
            hidden = w_hh.shape[0]
            pre = x @ w_ih + bias  # all time steps at once
            h = np.zeros((batch, hidden), np.float32)
            c = np.zeros((batch, hidden), np.float32)
            out = np.empty((batch, steps, hidden), np.float32)
            for t in range(steps):
                gates = pre[:, t] + h @ w_hh
                i, f, g, o = np.split(gates, 4, axis=1)
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
                h = _sigmoid(o) * np.tanh(c)
                out[:, t] = h
            x = out
        raw = np.maximum(0.0, x[:, -1] @ self.linear_w + self.linear_b)
        norm = np.linalg.norm(raw, axis=1, keepdims=True)
        return raw / np.maximum(norm, 1e-9)

    def embed(self, wav: np.ndarray) -> np.ndarray:
        """One embedding for a stretch of speech: the normalised mean of 1.6 s partials."""
        mels = mel_spectrogram(normalise_volume(wav))
        if len(mels) <= PARTIAL_FRAMES:
            return self.forward(mels[None])[0] if len(mels) else np.zeros(256, np.float32)
        starts = list(range(0, len(mels) - PARTIAL_FRAMES + 1, PARTIAL_STEP))
        if len(mels) - (starts[-1] + PARTIAL_FRAMES) > PARTIAL_FRAMES * 0.25:
            starts.append(len(mels) - PARTIAL_FRAMES)
        partials = self.forward(np.stack([mels[s:s + PARTIAL_FRAMES] for s in starts]))
        mean = partials.mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-9)

    def embed_windows(self, wav: np.ndarray, windows: list[tuple[int, int]]) -> np.ndarray:
        """Embeddings of many equal-length windows (sample ranges), in one batch."""
        if not windows:
            return np.zeros((0, 256), np.float32)
        mels = [mel_spectrogram(normalise_volume(wav[s:e])) for s, e in windows]
        n = min(len(m) for m in mels)
        return self.forward(np.stack([m[:n] for m in mels]))


def encoder() -> VoiceEncoder:
    """The shared encoder, verified and loaded on first use."""
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                from listen_coach.models import VOICE_ENCODER, load_manifest, models_dir, verify

                spec = load_manifest()[VOICE_ENCODER]
                verify(spec, models_dir() / VOICE_ENCODER)
                _encoder = VoiceEncoder(models_dir() / VOICE_ENCODER / "pretrained.pt")
    return _encoder
