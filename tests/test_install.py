"""What `make setup` installs is declared and pinned once: every runtime and extra
dependency in pyproject.toml has its exact version in requirements.txt, and the
voice encoder's weights (installed --no-deps) are the `voices` extra's pin."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_every_declared_dependency_is_locked_to_one_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = _locked()
    declared = list(project["dependencies"])
    for extra, requirements in project["optional-dependencies"].items():
        if extra != "train":  # torch comes from its CPU index, by `make train-scorer`
            declared += requirements
    missing = sorted({_name(r) for r in declared} - set(locked))
    assert not missing, f"declared but not in requirements.txt: {missing}"
    for requirement in declared:  # an exact pin in pyproject agrees with the lock
        if "==" in requirement:
            name, version = requirement.split("==")
            assert locked[_name(name)] == version.strip(), requirement


def test_the_voice_weights_are_the_voices_extra_installed_without_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["optional-dependencies"]["voices"] == ["resemblyzer==0.1.4"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"pip install .*--no-deps \$\(LOCK\) resemblyzer\b", makefile)
