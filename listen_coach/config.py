"""Typed settings, read from TOML.

The file lives at the platformdirs config path
(`~/.config/listen-coach/config.toml` on Linux). `LISTEN_COACH_CONFIG` points at
another file, which keeps tests hermetic. Every setting is documented where it
is declared; a missing file means all defaults.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from listen_coach.errors import ConfigError

APP_NAME = "listen-coach"
CONFIG_ENV = "LISTEN_COACH_CONFIG"
DATA_ENV = "LISTEN_COACH_DATA_DIR"

COMPUTE_TYPES = ("int8", "int8_float32", "int16", "float32", "default")


@dataclass
class AsrSettings:
    #: A CTranslate2 Whisper model directory (a user's own `small.en`, say).
    #: Empty means the bundled Whisper base assembled by `make setup`.
    model_dir: str = ""
    #: CTranslate2 compute type; int8 is the fastest on CPU with no measurable WER loss.
    compute_type: str = "int8"
    #: Spoken language, as a Whisper code ("en", "de", ...); "auto" detects it.
    language: str = "en"
    #: Beam width of the final pass (5 halves the WER of 1 for ~40 % more time; DESIGN.md §3).
    beam_size: int = 5
    #: CPU threads for the speech model; 0 uses every core.
    cpu_threads: int = 0


@dataclass
class AudioSettings:
    #: Microphone by index or (part of its) name, as `listen-coach devices` lists it.
    #: Empty means the system default input.
    input_device: str = ""
    #: Second microphone for the one-channel-per-partner mode with two devices.
    second_device: str = ""


@dataclass
class StoreSettings:
    #: A shared PostgreSQL database for several laptops in one room, as
    #: postgresql://user:password@host/dbname. Empty means the local SQLite file.
    #: The LISTEN_COACH_DB environment variable, when set, wins over this.
    database: str = ""
    #: Recordings older than this many days are deleted when the app starts (scores,
    #: transcripts and notes stay). 0 keeps them for ever.
    keep_recordings_days: int = 90


@dataclass
class Settings:
    asr: AsrSettings = field(default_factory=AsrSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    #: Where sessions and recordings are kept; empty means the platformdirs data path.
    data_dir: str = ""
    #: A folder of your own exercise packs (*.toml), offered beside the bundled ones.
    exercise_dir: str = ""
    #: Your name on the rulings you make in the review ("speaker was right"); empty
    #: uses this computer's login name.
    facilitator: str = ""

    @property
    def facilitator_name(self) -> str:
        if self.facilitator.strip():
            return self.facilitator.strip()
        import getpass

        try:
            return getpass.getuser()
        except (KeyError, OSError):  # no login name (a container without a passwd entry)
            return "facilitator"

    @property
    def data_path(self) -> Path:
        if env := os.environ.get(DATA_ENV):
            return Path(env)
        if self.data_dir:
            return Path(self.data_dir).expanduser()
        from platformdirs import user_data_path

        return user_data_path(APP_NAME)


def config_path() -> Path:
    """The settings file in use: `$LISTEN_COACH_CONFIG` or the platformdirs path."""
    if env := os.environ.get(CONFIG_ENV):
        return Path(env)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def _apply(obj: Any, values: dict[str, Any], where: str, path: Path) -> None:
    known = {f.name: f for f in dataclasses.fields(obj)}
    for key, value in values.items():
        name = f"{where}{key}"
        if key not in known:
            raise ConfigError(f"{path}: unknown setting '{name}'; see README.md for the settings.")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: '{name}' must be a table like [{name}].")
            _apply(current, value, f"{name}.", path)
            continue
        if isinstance(current, bool) or type(value) is not type(current):
            raise ConfigError(
                f"{path}: '{name}' must be {type(current).__name__}, not {value!r}."
            )
        setattr(obj, key, value)


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; a missing file gives defaults, a broken one a ConfigError."""
    path = path or config_path()
    settings = Settings()
    if not path.exists():
        return settings
    if path.is_dir():
        raise ConfigError(f"{path} is a folder, not a settings file; point {CONFIG_ENV} at "
                          "a .toml file (or unset it).")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix or delete it.") from None
    except OSError as exc:
        raise ConfigError(f"{path} cannot be read ({exc.strerror or exc}).") from None
    _apply(settings, data, "", path)
    if settings.asr.compute_type not in COMPUTE_TYPES:
        raise ConfigError(
            f"{path}: asr.compute_type must be one of {', '.join(COMPUTE_TYPES)}."
        )
    if not 1 <= settings.asr.beam_size <= MAX_BEAM:
        raise ConfigError(f"{path}: asr.beam_size must be 1 to {MAX_BEAM}.")
    if not 0 <= settings.asr.cpu_threads <= MAX_THREADS:
        raise ConfigError(f"{path}: asr.cpu_threads must be 0 (every core) to {MAX_THREADS}.")
    problem = language_problem(settings.asr.language)
    if problem:
        raise ConfigError(f"{path}: asr.language: {problem}")
    if settings.store.keep_recordings_days < 0:
        raise ConfigError(f"{path}: store.keep_recordings_days must be 0 (keep for ever) "
                          "or more.")
    return settings


#: Beyond 20 a beam only costs time (Whisper's own default is 5).
MAX_BEAM = 20
#: More threads than this only thrash (9999 started thousands of threads).
MAX_THREADS = 64


def language_problem(code: str) -> str | None:
    """None if Whisper knows `code` (or it is "auto"); otherwise one sentence why not."""
    if code == "auto":
        return None
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    if code in _LANGUAGE_CODES:
        return None
    return (f"{code!r} is not a language code Whisper knows; use a code such as en, de, "
            "fr, es, or auto.")


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value).lower() if isinstance(value, bool) else str(value)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write settings as TOML (readable by the user only)."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    top, tables = [], []
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        if dataclasses.is_dataclass(value):
            lines = [f"[{f.name}]"]
            lines += [
                f"{g.name} = {_toml_value(getattr(value, g.name))}"
                for g in dataclasses.fields(value)
            ]
            tables.append("\n".join(lines))
        else:
            top.append(f"{f.name} = {_toml_value(value)}")
    path.write_text("\n\n".join(["\n".join(top), *tables]) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path
