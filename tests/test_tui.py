"""The real app, driven by Pilot, fed from a WAV file through the real transcriber."""

import asyncio

import pytest

from listen_coach.asr.wer import wer
from listen_coach.audio.sources import FileSource
from listen_coach.config import load_settings
from listen_coach.tui.app import HomeScreen, MicCheckScreen, make_app, meter_bar
from support.speech import SENTENCES, SYNTH_WER


def test_meter_bar_spans_silence_to_full_scale():
    assert meter_bar(-100).startswith("░" * 40)
    assert meter_bar(0).startswith("█" * 40)


async def _wait_for(predicate, timeout=30.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.1)


@pytest.mark.slow
def test_home_then_microphone_check_shows_live_captions(transcriber, speech_dir):
    app = make_app(load_settings(), transcriber,
                   lambda phase, channels, recorder: FileSource(speech_dir / "mentor-lead.wav",
                                                                realtime=True))

    async def run():
        async with app.run_test(size=(80, 24)) as pilot:
            assert isinstance(app.screen, HomeScreen)
            await _wait_for(lambda: app.model_state == "ready")
            status = str(app.screen.query_one("#status").render())
            assert "Speech model: ready" in status
            assert "topic cards" in status
            await pilot.press("m")
            assert isinstance(app.screen, MicCheckScreen)
            caption = app.screen.query_one("#caption")
            await _wait_for(lambda: wer(SENTENCES["mentor"], str(caption.render())) <= SYNTH_WER)
            assert "dBFS" in str(app.screen.query_one("#meter").render())
            await pilot.press("escape")
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("q")

    asyncio.run(run())


@pytest.mark.slow
def test_missing_microphone_is_a_sentence_on_screen(transcriber):
    from listen_coach.errors import NoInputDevice

    def no_mic(phase, channels, recorder):
        raise NoInputDevice("No microphone was found; plug one in.")

    app = make_app(load_settings(), transcriber, no_mic)

    async def run():
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("m")
            name = app.screen.query_one("#mic-name")
            await _wait_for(lambda: "No microphone" in str(name.render()))
            await pilot.press("escape")

    asyncio.run(run())


def test_settings_are_saved_and_used(tmp_path):
    """Choosing a microphone and an exercise folder writes the settings file (0600)
    and takes effect at once; a bad value gets a sentence and saves nothing."""
    import asyncio

    from listen_coach.audio.devices import InputDevice
    from listen_coach.config import config_path, load_settings
    from listen_coach.tui.app import make_app

    devices = [InputDevice(0, "Built-in Microphone", 2, 48000.0, "ALSA", True),
               InputDevice(3, "USB Headset", 1, 16000.0, "ALSA", False)]
    packs = tmp_path / "packs"
    packs.mkdir()
    app = make_app(load_settings(), microphone_status=lambda: "mic",
                   list_devices=lambda: devices)

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("c")
            screen = app.screen
            assert type(screen).__name__ == "SettingsScreen"
            screen.query_one("#input-device").value = "USB Headset"
            screen.query_one("#keep-days").value = "soon"
            await pilot.press("ctrl+s")
            assert "number of days" in str(screen.query_one("#error").render())
            assert not config_path().exists()
            screen.query_one("#keep-days").value = "30"
            screen.query_one("#exercise-dir").value = str(packs)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert type(app.screen).__name__ == "HomeScreen"

    asyncio.run(run())
    saved = load_settings()
    assert saved.audio.input_device == "USB Headset"
    assert (saved.store.keep_recordings_days, saved.exercise_dir) == (30, str(packs))
    assert config_path().stat().st_mode & 0o777 == 0o600
    assert app.settings.audio.input_device == "USB Headset"


def test_enrolment_cancelled_while_recording(tmp_path):
    """Esc during an enrolment take closes the dialog at once; the take in flight
    stops and is dropped, and the app carries on."""
    import asyncio
    import time

    import numpy as np
    import soundfile as sf

    from listen_coach.audio.sources import FileSource
    from listen_coach.config import load_settings
    from listen_coach.tui.app import make_app

    sf.write(tmp_path / "voice.wav", np.zeros(16000 * 6, np.float32), 16000)
    stopped: list[float] = []

    class Mic(FileSource):  # a file played in real time; notes when it is closed
        def stop(self):
            stopped.append(time.monotonic())
            super().stop()

    app = make_app(load_settings(), microphone_status=lambda: "mic", list_devices=lambda: [],
                   source_factory=lambda phase, ch, rec: Mic(tmp_path / "voice.wav"))

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("p", *"Sam", "enter", *"Alex", "f3")
            assert type(app.screen).__name__ == "EnrolScreen"
            await pilot.press("space")
            await asyncio.sleep(0.5)  # recording, in real time
            await pilot.press("escape")
            cancelled = time.monotonic()
            assert type(app.screen).__name__ == "PairSetupScreen"
            await asyncio.sleep(1.5)
            assert stopped and stopped[0] - cancelled < 1.0  # the 6 s take stopped at once
            assert "Not enrolled" in str(app.screen.query_one("#voices-status").render())

    asyncio.run(run())
