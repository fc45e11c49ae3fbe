"""Settings precedence: defaults < file < environment < --set, each value with its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import SettingsError, load_settings


def test_defaults_need_no_file(tmp_path: Path) -> None:
    s = load_settings(env={"INKSEAL_SETTINGS": str(tmp_path / "none.toml")})
    assert s.language == "zh"
    assert s.database_url.startswith("sqlite:///")
    assert s.database_url.endswith("inkseal.sqlite3")
    assert s.sources == {}


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    f = tmp_path / "site.toml"
    f.write_text('language = "en"\n[database]\nurl = "sqlite:///file.db"\n[devices]\nvideo_fps = 25\n',
                 encoding="utf-8")
    s = load_settings(f, env={"INKSEAL_DATABASE_URL": "postgresql://db/inkseal"},
                      overrides=["devices.video_fps=15"])
    assert s.language == "en" and s.sources["language"] == str(f)
    assert s.database_url == "postgresql://db/inkseal" and s.sources["database.url"] == "environment"
    assert s.devices.video_fps == 15 and s.sources["devices.video_fps"] == "--set"


def test_data_dir_moves_everything_derived(tmp_path: Path) -> None:
    s = load_settings(env={"INKSEAL_SETTINGS": str(tmp_path / "x.toml"),
                           "INKSEAL_DATA_DIR": str(tmp_path / "d")})
    assert s.log_path == tmp_path / "d" / "logs" / "inkseal.log"
    assert s.pki_path == tmp_path / "d" / "pki"
    assert s.database_url == f"sqlite:///{tmp_path / 'd' / 'inkseal.sqlite3'}"


@pytest.mark.parametrize("content,needle", [
    ("language = ", "not valid TOML"),
    ("colour = 'red'\n", "unknown setting 'colour'"),
    ("[nonsense]\na = 1\n", "unknown section [nonsense]"),
    ("[devices]\nvideo_fps = 'fast'\n", "whole number"),
    ("[database]\necho = 'perhaps'\n", "true or false"),
    ("language = 'fr'\n", "'zh' or 'en'"),
])
def test_bad_file_names_the_file_and_the_problem(tmp_path: Path, content: str, needle: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings(f, env={})
    assert needle in str(err.value)
    assert str(f) in str(err.value)


def test_named_file_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not found"):
        load_settings(tmp_path / "missing.toml", env={})


def test_bad_flag_shape() -> None:
    with pytest.raises(SettingsError, match="KEY=VALUE"):
        load_settings(env={"INKSEAL_SETTINGS": "/nonexistent/x.toml"}, overrides=["language"])
