"""The app's view of the audio devices: the home screen's microphone line, the
device list for settings, and the sources a real drill records from."""

from __future__ import annotations

from collections.abc import Callable

from listen_coach.audio.recorder import TakeRecorder
from listen_coach.audio.sources import AudioSource
from listen_coach.config import Settings
from listen_coach.drill.runner import SourceFactory
from listen_coach.errors import UserError


def microphone_status(settings: Settings) -> Callable[[], str]:
    def status() -> str:
        try:
            from listen_coach.audio.devices import find_input_device

            device = find_input_device(settings.audio.input_device or None)
            return f"✔ Microphone: {device.name}"
        except UserError as exc:
            return f"✘ Microphone: {exc} Press d for the demo."

    return status


def list_devices_now() -> list:
    from listen_coach.audio.devices import list_input_devices

    return list_input_devices()


def default_source_factory(settings: Settings) -> SourceFactory:
    def factory(phase: str, channels: int, recorder: TakeRecorder | None) -> AudioSource:
        from listen_coach.audio.sources import DualMicrophoneSource, MicrophoneSource

        first = settings.audio.input_device or None
        if channels == 2 and settings.audio.second_device:
            return DualMicrophoneSource(first, settings.audio.second_device, recorder)
        return MicrophoneSource(first, channels, recorder=recorder)

    return factory
