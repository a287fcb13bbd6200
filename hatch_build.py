"""Wheel build hook: pack the files an installed listen-coach needs beside its code.

The exercise packs and demo, the model manifest and the trained point scorer go
into `listen_coach/_bundled` (listen_coach/resources.py finds them there). Only
for a real wheel: an editable install runs from the checkout and reads them in
place, so copying 48 MB into site-packages would be waste.
"""

from __future__ import annotations

import os

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLED = {
    "exercises": "listen_coach/_bundled/exercises",
    "models/manifest.toml": "listen_coach/_bundled/models/manifest.toml",
    **{f"models/point-scorer/{name}": f"listen_coach/_bundled/models/point-scorer/{name}"
       for name in ("model.onnx", "tokenizer.json", "combiner.json", "training.json")},
}


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if version == "standard":
            build_data["force_include"].update(
                {os.path.join(self.root, source): target for source, target in BUNDLED.items()})
