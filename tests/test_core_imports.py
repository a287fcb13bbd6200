"""The core never imports Textual, and `--help` stays light (DESIGN.md §4, lessons 1 and 10)."""

import subprocess
import sys

#: Every module outside the terminal UI is core, found by walking the package, so a
#: new module is checked without being listed.
_WALK = """
import importlib, pkgutil, sys
import listen_coach
for info in pkgutil.walk_packages(listen_coach.__path__, "listen_coach."):
    if info.name.startswith("listen_coach.tui") or info.name == "listen_coach.__main__":
        continue
    importlib.import_module(info.name)
    print(info.name)
    if "textual" in sys.modules:
        raise SystemExit(f"{info.name} imports textual")
"""


def test_no_core_module_imports_textual():
    out = subprocess.run([sys.executable, "-c", _WALK], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    walked = out.stdout.split()
    # The walk reached the layers it is meant to guard.
    for layer in ("audio", "asr", "turns", "scoring", "drill", "store", "cli"):
        assert any(m.startswith(f"listen_coach.{layer}.") for m in walked), layer


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
