"""Reading audio files of any format, rate and channel count; bad files give one sentence."""

import numpy as np
import pytest
import soundfile as sf

from listen_coach.audio.files import load_audio
from listen_coach.audio.level import dbfs
from listen_coach.errors import AudioFileError


def tone(seconds=1.0, rate=16000, freq=440.0, amp=0.3):
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize("fmt, subtype, rate, channels", [
    ("WAV", "PCM_16", 8000, 2),
    ("WAV", "PCM_24", 48000, 1),
    ("WAV", "FLOAT", 44100, 2),
    ("FLAC", "PCM_16", 22050, 1),
    ("OGG", "VORBIS", 48000, 2),
    ("MP3", "MPEG_LAYER_III", 44100, 1),
])
def test_formats_rates_and_channels_become_16k(tmp_path, fmt, subtype, rate, channels):
    data = tone(2.0, rate)
    if channels == 2:
        data = np.stack([data, data * 0.5], axis=1)
    path = tmp_path / f"clip.{fmt.lower()}"
    sf.write(path, data, rate, format=fmt, subtype=subtype)
    clip = load_audio(path)
    assert clip.sample_rate == 16000 and clip.samples.ndim == 1
    assert clip.source_rate == rate and clip.source_channels == channels
    assert abs(clip.duration - 2.0) < 0.1
    assert -20 < dbfs(clip.samples) < -8  # level survives resampling and downmix


def test_stereo_keeps_both_channels(tmp_path):
    left, right = tone(1.0, 8000, 300), np.zeros(8000, np.float32)
    sf.write(tmp_path / "s.wav", np.stack([left, right], axis=1), 8000)
    clip = load_audio(tmp_path / "s.wav", stereo=True)
    assert clip.samples.shape[1] == 2
    assert dbfs(clip.samples[:, 0]) > -15 and dbfs(clip.samples[:, 1]) < -80


def test_stereo_of_a_mono_file_is_a_clear_error(tmp_path):
    sf.write(tmp_path / "m.wav", tone(), 16000)
    with pytest.raises(AudioFileError, match="one channel; .*--stereo"):
        load_audio(tmp_path / "m.wav", stereo=True)


def test_missing_file(tmp_path):
    with pytest.raises(AudioFileError, match="No such file"):
        load_audio(tmp_path / "nope.wav")


def test_empty_file(tmp_path):
    (tmp_path / "e.wav").write_bytes(b"")
    with pytest.raises(AudioFileError, match="is empty"):
        load_audio(tmp_path / "e.wav")


def test_text_renamed_wav(tmp_path):
    (tmp_path / "t.wav").write_text("these are my notes, not audio\n" * 20)
    with pytest.raises(AudioFileError, match="not a readable audio file"):
        load_audio(tmp_path / "t.wav")


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(AudioFileError, match="is a folder"):
        load_audio(tmp_path)


def test_tenth_of_a_second(tmp_path):
    sf.write(tmp_path / "short.wav", tone(0.1), 16000)
    assert abs(load_audio(tmp_path / "short.wav").duration - 0.1) < 0.01


def test_killed_recorder_keeps_what_was_written(tmp_path):
    """A process killed mid-take (no close, no header fix-up) leaves a readable FLAC with
    everything but the FLAC encoder's last unfinished block (4096 samples, 0.26 s)."""
    import signal
    import subprocess
    import sys

    path = tmp_path / "take.flac"
    code = (
        "import sys, time, numpy as np\n"
        "from listen_coach.audio.recorder import TakeRecorder\n"
        f"rec = TakeRecorder({str(path)!r})\n"
        "t = np.arange(1600) / 16000\n"
        "for _ in range(30): rec.write((0.3 * np.sin(2 * np.pi * 440 * t)).astype('float32'))\n"
        "print('written', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "written"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    clip = load_audio(path)
    assert 3.0 - 4096 / 16000 - 0.01 <= clip.duration <= 3.0
    assert dbfs(clip.samples) > -15
    assert path.stat().st_mode & 0o777 == 0o600
    assert clip.cut_short is None  # its length was never written: nothing to compare


@pytest.mark.parametrize("fmt", ["flac", "wav"])
def test_a_file_cut_short_keeps_what_decodes_and_says_so(tmp_path, fmt):
    """A copy that stopped half-way: its header still declares the whole length."""
    whole = tmp_path / f"whole.{fmt}"
    sf.write(whole, tone(8.0), 16000)
    assert load_audio(whole).cut_short is None
    data = whole.read_bytes()
    cut = tmp_path / f"cut.{fmt}"
    cut.write_bytes(data[:len(data) // 2])
    clip = load_audio(cut)
    assert 3.0 < clip.duration < 4.5
    assert clip.cut_short is not None
    assert clip.cut_short.startswith(f"the file is cut short: {clip.duration:.1f} s of its 8.0 s")


def test_bytes_that_pass_for_audio_but_hold_none_are_a_clear_error(tmp_path):
    (tmp_path / "bad.flac").write_bytes(b"garbage")
    with pytest.raises(AudioFileError, match="holds no audio that can be decoded"):
        load_audio(tmp_path / "bad.flac")
    sf.write(tmp_path / "none.wav", np.zeros(0, np.float32), 16000)  # a well-formed header
    assert load_audio(tmp_path / "none.wav").duration == 0  # an empty take, not damage


def test_a_transcript_of_a_file_cut_short_carries_the_note(tmp_path, transcriber):
    sf.write(tmp_path / "whole.flac", tone(6.0), 16000)
    data = (tmp_path / "whole.flac").read_bytes()
    (tmp_path / "cut.flac").write_bytes(data[:len(data) // 2])
    result = transcriber.transcribe(tmp_path / "cut.flac")
    assert result.notes[0].startswith("the file is cut short")
