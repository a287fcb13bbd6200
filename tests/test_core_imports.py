"""The core never imports Textual, and `--help` stays light (DESIGN.md §4, lessons 1 and 10)."""

import subprocess
import sys

import pytest

CORE = ["listen_coach.audio", "listen_coach.audio.sources", "listen_coach.asr",
        "listen_coach.asr.transcriber", "listen_coach.asr.live", "listen_coach.config",
        "listen_coach.models", "listen_coach.cli", "listen_coach.scoring",
        "listen_coach.scoring.report", "listen_coach.scoring.presence", "listen_coach.turns",
        "listen_coach.drill.machine", "listen_coach.drill.runner", "listen_coach.drill.packs",
        "listen_coach.drill.voices", "listen_coach.turns.one_mic", "listen_coach.store",
        "listen_coach.store.export", "listen_coach.store.report"]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module):
    code = f"import sys, {module}; assert 'textual' not in sys.modules, 'textual imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_app_starts_without_the_database_layer():
    """SQLAlchemy takes half a second to import; the home screen must not wait for it
    (the store opens in a worker once the screen is up)."""
    code = "import sys, listen_coach.tui.app; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"


def test_help_does_not_load_heavy_libraries():
    code = ("import sys; from listen_coach.cli import build_parser; build_parser(); "
            "heavy = {'faster_whisper', 'ctranslate2', 'spacy', 'sounddevice', 'av', 'numpy'}; "
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "listen_coach", "--help"], check=True,
                         capture_output=True, text=True)
    for command in ("devices", "transcribe", "record", "models"):
        assert command in out.stdout
