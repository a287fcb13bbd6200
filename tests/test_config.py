import pytest

from listen_coach.config import Settings, config_path, load_settings, save_settings
from listen_coach.errors import ConfigError


def test_missing_file_gives_defaults():
    s = load_settings()
    assert s.asr.compute_type == "int8" and s.asr.language == "en" and s.asr.beam_size == 5


def test_env_points_at_the_file(hermetic_settings):
    assert config_path() == hermetic_settings / "config.toml"


def test_values_are_read(hermetic_settings):
    (hermetic_settings / "config.toml").write_text(
        '[asr]\nmodel_dir = "/opt/small.en"\ncompute_type = "float32"\n'
        '[audio]\ninput_device = "USB"\n')
    s = load_settings()
    assert s.asr.model_dir == "/opt/small.en"
    assert s.asr.compute_type == "float32"
    assert s.audio.input_device == "USB"


@pytest.mark.parametrize("text, phrase", [
    ("[asr]\nspeed = 3\n", "unknown setting 'asr.speed'"),
    ("[asr]\nbeam_size = 'wide'\n", "'asr.beam_size' must be int"),
    ("[asr]\ncompute_type = 'int3'\n", "asr.compute_type must be one of"),
    ("asr = 3\n", "must be a table"),
    ("[asr\n", "is not valid TOML"),
    ("[asr]\ncpu_threads = 9999\n", "asr.cpu_threads must be 0"),
    ("[asr]\ncpu_threads = -4\n", "asr.cpu_threads must be 0"),
    ("[asr]\nbeam_size = -3\n", "asr.beam_size must be 1 to 20"),
    ("[asr]\nlanguage = 'klingon'\n", "'klingon' is not a language code Whisper knows"),
    ("[store]\nkeep_recordings_days = -1\n", "keep_recordings_days must be 0"),
])
def test_bad_settings_are_one_clear_sentence(hermetic_settings, text, phrase):
    (hermetic_settings / "config.toml").write_text(text)
    with pytest.raises(ConfigError, match=phrase.replace("(", r"\(").replace("[", r"\[")):
        load_settings()


def test_save_round_trips_and_is_private(hermetic_settings):
    s = Settings()
    s.asr.language = "de"
    s.audio.input_device = 'Mic "2"'
    path = save_settings(s)
    assert path.stat().st_mode & 0o777 == 0o600
    again = load_settings()
    assert again.asr.language == "de" and again.audio.input_device == 'Mic "2"'


def test_data_dir_env_override(hermetic_settings):
    assert load_settings().data_path == hermetic_settings / "data"


def test_a_settings_path_that_is_a_folder_is_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv("LISTEN_COACH_CONFIG", str(tmp_path))
    with pytest.raises(ConfigError, match="is a folder, not a settings file"):
        load_settings()


@pytest.mark.parametrize("args, phrase", [
    (["transcribe", "x.wav", "--beam", "-3"], "--beam: must be 1 to 20"),
    (["transcribe", "x.wav", "--language", "klingon"], "not a language code Whisper knows"),
    (["record", "--seconds", "-1"], "--seconds: must be more than 0"),
    (["record", "--out", "."], "is a folder"),
    (["forget", "tom"], "No participant called 'tom'"),
])
def test_bad_command_lines_are_one_sentence(args, phrase, tmp_path):
    import subprocess
    import sys

    (tmp_path / "x.wav").write_bytes(b"RIFF")
    run = subprocess.run([sys.executable, "-m", "listen_coach", *args], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert run.returncode == 2 and phrase in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_forget_with_no_one_to_answer_removes_nothing(tmp_path):
    import subprocess
    import sys

    from listen_coach.store import open_store
    from listen_coach.store.repo import RoundStart

    store = open_store()
    store.begin_round(RoundStart(listener="Tom"))
    run = subprocess.run([sys.executable, "-m", "listen_coach", "forget", "Tom"],
                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert run.returncode == 1 and "Nothing removed" in run.stdout, run.stderr
    assert "Traceback" not in run.stderr and store.participants() == ["Tom"]
