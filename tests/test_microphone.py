"""The real PortAudio capture path, through a PulseAudio virtual microphone."""

import json
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from listen_coach.asr.wer import wer
from listen_coach.audio.devices import find_input_device, list_input_devices
from listen_coach.audio.files import load_audio
from listen_coach.audio.level import channel_dbfs
from listen_coach.audio.recorder import TakeRecorder
from listen_coach.audio.sources import MicrophoneSource
from support.speech import SENTENCES, SYNTH_WER

pytestmark = pytest.mark.slow


def test_devices_lists_the_virtual_microphone(virtual_mic):
    devices = list_input_devices()
    assert devices and sum(d.is_default for d in devices) == 1
    assert find_input_device().is_default
    assert find_input_device(str(devices[0].index)) == devices[0]


def test_unknown_device_is_one_sentence(virtual_mic):
    from listen_coach.errors import NoInputDevice

    with pytest.raises(NoInputDevice, match="No input device is called 'Zoom H6'"):
        find_input_device("Zoom H6")
    with pytest.raises(NoInputDevice, match="no input device number 99"):
        find_input_device("99")


def test_capture_what_is_played(virtual_mic, speech_dir, transcriber, tmp_path):
    take = tmp_path / "take.flac"
    source = MicrophoneSource(recorder=TakeRecorder(take))
    source.start()
    player = virtual_mic.play(speech_dir / "mentor-lead.wav")
    blocks, levels = [], []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (player.poll() is None or len(blocks) < 10):
        block = source.read(timeout=0.5)
        if block is not None and block.size:
            blocks.append(block)
            levels.append(max(source.levels))
        if player.poll() is not None:
            time.sleep(0.5)
            break
    source.stop()
    while (block := source.read(timeout=0.5)) is not None and block.size:
        blocks.append(block)
    audio = np.concatenate(blocks)
    assert source.error is None
    assert max(levels) > -40  # the meter saw the speech
    assert wer(SENTENCES["mentor"], transcriber.transcribe(audio).text) <= SYNTH_WER
    on_disk = load_audio(take)  # the take was written as it was recorded
    assert abs(on_disk.duration - len(audio) / 16000) < 0.3
    assert wer(SENTENCES["mentor"], transcriber.transcribe(take).text) <= SYNTH_WER


def test_capture_matches_the_played_samples(virtual_mic, tmp_path):
    """Sample for sample: the virtual mic delivers what was played (after alignment)."""
    import soundfile as sf

    rng = np.random.default_rng(0)
    chirp = (0.3 * np.sin(2 * np.pi * np.cumsum(np.linspace(200, 3000, 32000)) / 16000))
    signal = np.concatenate([np.zeros(16000), chirp, rng.normal(0, 0.1, 8000)]).astype("float32")
    sf.write(tmp_path / "probe.wav", signal, 16000, subtype="FLOAT")
    source = MicrophoneSource()
    source.start()
    virtual_mic.play(tmp_path / "probe.wav").wait(timeout=20)
    time.sleep(0.5)
    source.stop()
    got = []
    while (block := source.read(timeout=0.5)) is not None and block.size:
        got.append(block)
    captured = np.concatenate(got)
    corr = np.correlate(captured, signal[16000:], mode="valid")
    lag = int(np.argmax(np.abs(corr)))
    segment = captured[lag:lag + len(signal) - 16000]
    similarity = np.dot(segment, signal[16000:]) / (
        np.linalg.norm(segment) * np.linalg.norm(signal[16000:]))
    assert similarity > 0.95


def _capture(source, mic, wav, device="vsink", settle=1.0):
    source.start()
    mic.play(wav, device=device).wait(timeout=30)
    time.sleep(settle)
    source.stop()
    blocks = []
    while (block := source.read(timeout=0.5)) is not None and block.size:
        blocks.append(block)
    return np.concatenate(blocks)


def test_two_channel_input_keeps_partners_apart(virtual_mic, speech_dir, tmp_path):
    """One partner per channel: speech on the left only stays on the left."""
    import soundfile as sf

    virtual_mic.add_stereo_mic()
    speech = load_audio(speech_dir / "project-lead.wav").samples
    sf.write(tmp_path / "left.wav", np.stack([speech, np.zeros_like(speech)], 1), 16000)
    take = tmp_path / "stereo.flac"
    audio = _capture(MicrophoneSource(channels=2, recorder=TakeRecorder(take, channels=2)),
                     virtual_mic, tmp_path / "left.wav", device="ssink")
    assert audio.ndim == 2 and audio.shape[1] == 2
    left, right = channel_dbfs(audio)
    assert left > -40 and right < left - 40
    assert load_audio(take, stereo=True).samples.shape[1] == 2


def test_two_devices_paired_into_one_stereo_stream(virtual_mic, speech_dir):
    """Two PortAudio devices ('pulse' and 'default', both on the virtual mic) opened
    together come out as one aligned two-channel stream."""
    from listen_coach.audio.sources import DualMicrophoneSource

    names = [d.name for d in list_input_devices()]
    if not {"pulse", "default"} <= set(names):
        pytest.skip(f"needs ALSA's pulse and default devices, found {names}")
    audio = _capture(DualMicrophoneSource("pulse", "default"), virtual_mic,
                     speech_dir / "customer-lead.wav")
    assert audio.shape[1] == 2
    assert min(channel_dbfs(audio)) > -40  # both devices heard the speech


def test_device_lost_mid_recording_keeps_the_take(virtual_mic, speech_dir, tmp_path):
    """The sound server dies mid-take: a clear sentence, no hang, the audio before is kept."""
    take = tmp_path / "lost.flac"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(virtual_mic.runtime_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "listen_coach", "record", "--seconds", "30", "--json",
         "--out", str(take)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    assert "Recording from" in proc.stderr.readline()
    virtual_mic.play(speech_dir / "project-lead.wav")
    time.sleep(5)
    virtual_mic.kill()
    out, err = proc.communicate(timeout=60)  # no hang
    assert proc.returncode == 2, err
    assert "stopped sending audio" in err and "Traceback" not in err
    data = json.loads(out)
    assert data["error"] and data["file"] == str(take)
    assert load_audio(take).duration >= 2.0
    assert data["text"]  # what was said before the loss is transcribed


def _run_isolated(code: str, env_extra: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env_extra})


def test_no_input_device_is_one_sentence(tmp_path):
    """No sound server and no sound card: `devices` says so plainly."""
    env = {"XDG_RUNTIME_DIR": str(tmp_path), "PULSE_SERVER": f"unix:{tmp_path}/none"}
    proc = _run_isolated("from listen_coach.cli import main; raise SystemExit(main(['devices']))",
                         env)
    assert proc.returncode != 0
    assert "No microphone was found" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _run_isolated(
        "from listen_coach.cli import main; raise SystemExit(main(['record', '--seconds', '1']))",
        env)
    assert proc.returncode == 2 and "No microphone was found" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_no_portaudio_is_one_sentence():
    """PortAudio missing (a fault we cannot uninstall per test): the library lookup fails."""
    code = """
        import ctypes.util
        ctypes.util.find_library = lambda name: None  # as on a machine without libportaudio2
        from listen_coach.cli import main
        raise SystemExit(main(['devices']))
    """
    proc = _run_isolated(code, {})
    assert proc.returncode == 2
    assert "PortAudio is not installed" in proc.stderr and "apt-get install libportaudio2" in (
        proc.stderr)
    assert "Traceback" not in proc.stderr
