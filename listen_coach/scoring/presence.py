"""The learned point-presence model: a cross-encoder run with onnxruntime.

`make train-scorer` fine-tunes MiniLM on judgments of whether a summary carries a
point, listener summaries of talks first (training/data, the spoken corpus) and
news summaries beside them (training/train_scorer.py), and ships it as ONNX
(float32 arithmetic, float16 storage) in `models/point-scorer/`, checked against
models/manifest.toml like the speech model. Its logit is combined with the lexical
evidence (lexical.py) by a logistic regression fitted on the *dev* splits
(training/fit_combiner.py); the decision threshold comes from the same splits. Loaded
once per process, lazily.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from listen_coach.errors import ModelError

NAME = "point-scorer"  # = models.POINT_SCORER
#: Tokens the model reads when its training.json does not say (training/train_scorer.py).
MAX_TOKENS = 144
_lock = threading.Lock()
_model: PresenceModel | None = None


@dataclass(frozen=True)
class Combiner:
    """Logistic regression over [model logit, *lexical features]; `threshold` on its output."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    features: tuple[str, ...]

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = x @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))


class PresenceModel:
    def __init__(self, directory: Path, with_combiner: bool = True, workers: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from listen_coach.offline import quiet_onnxruntime

        quiet_onnxruntime()

        # By default one thread per call and pairs spread over the cores (pair_logits):
        # a pair is too small a matrix for two threads to share well. `workers=1` runs
        # one call at a time on all the threads instead; `python -m bench
        # bench_pair_speed` compares the two (2 cores: 6.5 against 8.3 ms a pair).
        cores = max(1, min(2, os.cpu_count() or 1))
        workers = cores if workers is None else max(1, workers)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1 if workers > 1 else cores
        options.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(str(directory / "model.onnx"), options,
                                                providers=["CPUExecutionProvider"])
            self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
            data = json.loads((directory / "combiner.json").read_text()) if with_combiner else None
            trained = directory / "training.json"
            recipe = json.loads(trained.read_text()) if trained.is_file() else {}
        except Exception as exc:  # noqa: BLE001 - any load failure is a broken model file
            raise ModelError(
                f"The point scorer in {directory} could not be loaded ({str(exc)[:100]}); "
                f"restore it with `git checkout models/` or rebuild it with `make train-scorer`."
            ) from None
        # Read as it was trained: the same length and the same windows.
        from listen_coach.scoring.windows import POINT_WORDS, WINDOW_WORDS

        self.max_tokens = int(recipe.get("max_len", MAX_TOKENS))
        self.window_words = int(recipe.get("window_words", WINDOW_WORDS))
        self.point_words = int(recipe.get("point_words", POINT_WORDS))
        # Longest first: a pair that does not fit loses words from whichever side is
        # longer, never raises (a 90-word point once stopped scoring with "Sequence to
        # truncate too short"); windows and point pieces keep that rare.
        self.tokenizer.enable_truncation(self.max_tokens, strategy="longest_first")
        self.tokenizer.no_padding()  # one pair per call (pair_logits): nothing to pad
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="point-scorer") \
            if workers > 1 else None
        self._in_flight = 0  # model calls running now (busy(), listen_coach/shutdown.py)
        self._count = threading.Lock()
        self.combiner = Combiner(tuple(data["weights"]), data["bias"], data["threshold"],
                                 tuple(data["features"])) if data else None

    def logits(self, points: Sequence[str], summary: str) -> np.ndarray:
        """One logit per point against the same summary.

        The model reads a point against each window of the summary (whole sentences,
        about `window_words` words; windows.py) and the best window counts: a
        point is usually said in one place. A point longer than `point_words` is read
        in pieces and its logit is the mean of theirs, so every part of it must be
        there. Training reads pairs the same way (training/train_scorer.py)."""
        pairs: list[tuple[str, str]] = []
        spans: list[list[tuple[int, int]]] = []  # per point, per piece: its pairs
        for point in points:
            spans.append([])
            for piece in readings(point, summary, self.window_words, self.point_words):
                spans[-1].append((len(pairs), len(pairs) + len(piece)))
                pairs += piece
        flat = self.pair_logits(pairs)
        return np.array([np.mean([flat[a:b].max() for a, b in point]) for point in spans],
                        np.float64)

    def pair_logits(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Logits for (point, passage) pairs, after `prepare`, each pair run on its own.

        One pair a call, unpadded: padded batches of 8 are no faster (`python -m bench
        bench_batch_drift` measures it, and how far a logit moves in a batch), and a
        point's verdict must not depend on its batch mates. onnxruntime releases the
        GIL while it runs, so the calls go to one worker per core."""
        encodings = self.tokenizer.encode_batch([prepare(p, s) for p, s in pairs])
        if self._pool is None or len(encodings) < 2:
            return np.array([self._run(e) for e in encodings], np.float64)
        return np.fromiter(self._pool.map(self._run, encodings), np.float64, len(encodings))

    def busy(self) -> bool:
        """Whether a model call is running now, on any thread."""
        return self._in_flight > 0

    def _run(self, enc) -> float:
        with self._count:
            self._in_flight += 1
        try:
            return self._infer(enc)
        finally:
            with self._count:
                self._in_flight -= 1

    def _infer(self, enc) -> float:
        feeds = {"input_ids": np.array([enc.ids], np.int64),
                 "attention_mask": np.array([enc.attention_mask], np.int64),
                 "token_type_ids": np.array([enc.type_ids], np.int64)}
        return float(self.session.run(None, feeds)[0][0])


def readings(point: str, summary: str, window_words: int, point_words: int
             ) -> list[list[tuple[str, str]]]:
    """How the model reads a point against a summary: per piece of the point, its
    (piece, window) pairs. The point's logit is the mean over pieces of the best
    window's logit; the app (`PresenceModel.logits`) and training share this."""
    from listen_coach.scoring.windows import chunks, windows

    views = windows(point, summary, size=window_words) or [""]
    return [[(piece, view) for view in views] for piece in chunks(point, point_words) or [point]]


def prepare(point: str, passage: str) -> tuple[str, str]:
    """What the model reads: numbers as digits on both sides ("three" = "3"), and a
    speaker's first person turned into the listener's "you", as a summary says it."""
    from listen_coach.scoring.nlp import digits
    from listen_coach.scoring.person import second_person

    if re.search(r"\b(i|me|my|mine|myself)\b", point, re.I):
        point = second_person(point)
    # Numbers as the shipped model was trained on them ("a hundred and 50"); the
    # next `make train-scorer` may switch to joined=True, with its reference logits.
    return digits(point, joined=False), digits(passage, joined=False)


def in_use() -> bool:
    """Whether the shared model, if loaded, is running a call now (shutdown.py)."""
    return _model is not None and _model.busy()


def model_dir() -> Path:
    from listen_coach.models import scorer_dir

    return scorer_dir()


def load() -> PresenceModel:
    """The shared model, verified and loaded on first use."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from listen_coach.models import SCORER_FIX, load_manifest, verify

                spec = load_manifest().get(NAME)
                if spec is None:
                    raise ModelError("models/manifest.toml has no point-scorer entry; "
                                     "run `make train-scorer`.")
                verify(spec, model_dir(), fix=SCORER_FIX)
                _model = PresenceModel(model_dir())
    return _model

