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
