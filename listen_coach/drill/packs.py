"""Exercise packs: pair topic cards and solo passages, read from TOML.

A pack is one `.toml` file (format in `exercises/README.md`). Loading never raises
for bad content: every problem becomes a `Problem` with the file and line, the
item it concerns is left out, and the rest of the pack stays usable. The app lists
a pack with problems as broken, with the reasons, and starts anyway. The data
classes live in pack_model.py, the reading in pack_reader.py; this module is what
the rest of the app imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from listen_coach.drill.pack_model import (
    DIFFICULTIES,
    MAX_POINTS,
    MAX_WEIGHT,
    MIN_PASSAGE_WORDS,
    MIN_POINTS,
    RATES,
    AnnotatedPoint,
    Card,
    Library,
    Pack,
    Passage,
    Problem,
)
from listen_coach.drill.pack_reader import load_pack

__all__ = ["DIFFICULTIES", "MAX_POINTS", "MAX_WEIGHT", "MIN_PASSAGE_WORDS", "MIN_POINTS",
           "RATES", "AnnotatedPoint", "Card", "Library", "Pack", "Passage", "Problem",
           "bundled_dir", "load_library", "load_pack", "pack_files", "settings_dirs"]


def bundled_dir() -> Path:
    """The packs that come with listen-coach (resources.exercises_dir)."""
    from listen_coach.resources import exercises_dir

    return exercises_dir()


def pack_files(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.toml") if p.is_file())


def load_library(dirs: Iterable[Path] | None = None, check_audio: bool = False) -> Library:
    """Every pack in `dirs` (default: the bundled packs), ids unique across them."""
    dirs = [bundled_dir()] if dirs is None else list(dirs)
    library, seen = Library(), set[str]()
    for directory in dirs:
        directory = Path(directory).expanduser()
        if not directory.is_dir():
            library.packs.append(Pack(directory, directory.name, problems=[
                Problem(directory, None, "is not a folder of exercise packs.")]))
            continue
        for path in pack_files(directory):
            library.packs.append(load_pack(path, check_audio, seen))
    return library


def settings_dirs(extra: str) -> list[Path]:
    """The bundled packs plus the facilitator's folder from settings, if any."""
    return [bundled_dir(), *([Path(extra).expanduser()] if extra.strip() else [])]
