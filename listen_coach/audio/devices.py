"""Microphone discovery and choice, with PortAudio's faults turned into sentences."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from listen_coach.errors import AudioError, NoInputDevice, NoPortAudio

NO_PORTAUDIO = (
    "PortAudio is not installed, so no microphone can be opened; install it with "
    "`sudo apt-get install libportaudio2` (or run `make setup`)."
)
NO_DEVICE = (
    "No microphone was found; plug one in (or check that PulseAudio/PipeWire is running) "
    "and run `listen-coach devices`; `listen-coach transcribe FILE` works without one."
)


def sounddevice() -> ModuleType:
    """Import sounddevice, or raise NoPortAudio when the C library is missing."""
    try:
        import sounddevice as sd
    except OSError:
        raise NoPortAudio(NO_PORTAUDIO) from None
    return sd


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_samplerate: float
    hostapi: str
    is_default: bool

    def __str__(self) -> str:
        mark = " (default)" if self.is_default else ""
        return f"[{self.index}] {self.name}{mark}"


def list_input_devices() -> list[InputDevice]:
    """Every device with at least one input channel; the default one marked."""
    sd = sounddevice()
    try:
        devices = sd.query_devices()
        hostapis = sd.query_hostapis()
    except sd.PortAudioError as exc:
        raise AudioError(f"The sound system did not answer ({exc}).") from None
    default_in = _default_input_index(sd)
    out = []
    for index, info in enumerate(devices):
        if info["max_input_channels"] < 1:
            continue
        out.append(
            InputDevice(
                index=index,
                name=info["name"],
                channels=int(info["max_input_channels"]),
                default_samplerate=float(info["default_samplerate"]),
                hostapi=hostapis[info["hostapi"]]["name"],
                is_default=index == default_in,
            )
        )
    return out


def _default_input_index(sd: ModuleType) -> int:
    try:
        default = sd.default.device[0]
        if default is None or default < 0:
            return int(sd.query_devices(kind="input")["index"])
        return int(default)
    except (sd.PortAudioError, ValueError, TypeError, KeyError):
        return -1


def find_input_device(spec: str | int | None = None) -> InputDevice:
    """The device named by index or name (substring, case-insensitive), else the default."""
    devices = list_input_devices()
    if not devices:
        raise NoInputDevice(NO_DEVICE)
    if spec is None or spec == "":
        for d in devices:
            if d.is_default:
                return d
        return devices[0]
    text = str(spec).strip()
    if text.isdigit():
        for d in devices:
            if d.index == int(text):
                return d
        raise NoInputDevice(
            f"There is no input device number {text}; `listen-coach devices` lists them."
        )
    matches = [d for d in devices if text.lower() in d.name.lower()]
    exact = [d for d in matches if d.name.lower() == text.lower()]
    if exact:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NoInputDevice(
            f"No input device is called '{text}'; `listen-coach devices` lists them."
        )
    names = ", ".join(f"'{d.name}'" for d in matches)
    raise NoInputDevice(f"'{text}' matches several input devices ({names}); give its number.")


def pick_samplerate(device: InputDevice, channels: int, preferred: int = 16_000) -> int:
    """Open at 16 kHz if the device takes it, else at its own default rate (resampled later)."""
    sd = sounddevice()
    for rate in (preferred, int(device.default_samplerate), 48_000, 44_100):
        try:
            sd.check_input_settings(device=device.index, channels=channels, samplerate=rate,
                                    dtype="float32")
            return rate
        except (sd.PortAudioError, ValueError):
            continue
    raise AudioError(
        f"{device.name} accepts none of the usual sample rates; choose another microphone."
    )
