"""Settings: embedded defaults, one TOML file, ``INKSEAL_*`` environment variables, flags.

Precedence, lowest first: the defaults below; the settings file (``--settings FILE`` or
``INKSEAL_SETTINGS``, else ``settings.toml`` in the user's config directory); environment
variables named ``INKSEAL_<SECTION>_<KEY>`` (``INKSEAL_<KEY>`` for top-level keys, for
example ``INKSEAL_DATABASE_URL`` or ``INKSEAL_LANGUAGE``); ``--set section.key=value``
flags.  Every value remembers where it came from, so ``inkseal settings`` can say.

The core layers never read settings themselves: ``app`` resolves them and passes plain
values down.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

__all__ = [
    "APP_NAME",
    "DatabaseSettings",
    "DeviceSettings",
    "LinkSettings",
    "PkiSettings",
    "Settings",
    "SettingsError",
    "default_settings_file",
    "load_settings",
]

APP_NAME = "inkseal"
ENV_PREFIX = "INKSEAL_"


class SettingsError(ValueError):
    """A settings file, variable or flag that cannot be used; ``source`` names where it was."""

    def __init__(self, message: str, *, source: str, key: str | None = None) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.key = key


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


@dataclass(frozen=True)
class DatabaseSettings:
    """Where records are stored."""

    url: str = field(default="", metadata=_doc(
        "SQLAlchemy URL; empty means an SQLite file 'inkseal.sqlite3' in the data directory"))
    echo: bool = field(default=False, metadata=_doc("log every SQL statement"))


@dataclass(frozen=True)
class LinkSettings:
    """The mutually authenticated TLS link between workstation and terminal."""

    listen: str = field(default="127.0.0.1:8765", metadata=_doc(
        "HOST:PORT the workstation's session endpoint listens on"))
    connect: str = field(default="", metadata=_doc(
        "HOST:PORT of the workstation a terminal connects to (empty: the embedded endpoint)"))
    ca: str = field(default="", metadata=_doc("site CA certificate file (PEM); empty: the local PKI"))
    cert: str = field(default="", metadata=_doc("this machine's certificate (PEM)"))
    key: str = field(default="", metadata=_doc("this machine's encrypted private key (PKCS#8 PEM)"))


@dataclass(frozen=True)
class DeviceSettings:
    """Signature pad, fingerprint reader, camera and microphone."""

    mode: str = field(default="auto", metadata=_doc(
        "'auto' uses hardware when found and simulated devices otherwise; 'hardware' or 'simulated'"))
    pad: str = field(default="auto", metadata=_doc("signature pad: 'auto', a hidraw path, or a .hid replay file"))
    fingerprint: str = field(default="auto", metadata=_doc("fingerprint reader serial port, or 'auto'"))
    fingerprint_baud: int = field(default=57600, metadata=_doc("fingerprint reader baud rate (9600 x N)"))
    camera: str = field(default="auto", metadata=_doc("camera index, device path, file, RTSP URL or 'synthetic'"))
    microphone: str = field(default="auto", metadata=_doc("microphone name or index, audio file, or 'synthetic'"))
    video_size: str = field(default="1280x720", metadata=_doc("recording size WIDTHxHEIGHT"))
    video_fps: int = field(default=30, metadata=_doc("recording frame rate"))


@dataclass(frozen=True)
class PkiSettings:
    """Keys and certificates of this site."""

    dir: str = field(default="", metadata=_doc("PKI directory; empty: 'pki' in the data directory"))
    tsa_url: str = field(default="", metadata=_doc("RFC 3161 timestamp authority URL; empty: the local TSA"))
    pkcs11_module: str = field(default="", metadata=_doc("PKCS#11 module for officer and seal keys"))
    pkcs11_token: str = field(default="", metadata=_doc("PKCS#11 token label"))


@dataclass(frozen=True)
class Settings:
    """Everything Inkseal can be told, with the source of each value in ``sources``."""

    data_dir: str = field(default="", metadata=_doc(
        "where the database, blobs, logs and capture logs live; empty: the user's data directory"))
    language: str = field(default="zh", metadata=_doc("user interface language: 'zh' or 'en'"))
    log_level: str = field(default="INFO", metadata=_doc("console log level: DEBUG, INFO, WARNING, ERROR"))
    terminal_id: str = field(default="", metadata=_doc("this machine's name in capture logs; empty: host name"))
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    link: LinkSettings = field(default_factory=LinkSettings)
    devices: DeviceSettings = field(default_factory=DeviceSettings)
    pki: PkiSettings = field(default_factory=PkiSettings)
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    # Derived values: the rest of the program asks for these, never recomputes them.
    @property
    def data_path(self) -> Path:
        return Path(self.data_dir) if self.data_dir else Path(platformdirs.user_data_dir(APP_NAME))

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_path / 'inkseal.sqlite3'}"

    @property
    def pki_path(self) -> Path:
        return Path(self.pki.dir) if self.pki.dir else self.data_path / "pki"

    @property
    def log_path(self) -> Path:
        return self.data_path / "logs" / "inkseal.log"

    @property
    def station_id(self) -> str:
        return self.terminal_id or socket.gethostname()

    def items(self) -> list[tuple[str, Any, str, str]]:
        """(dotted key, value, source, doc) for every setting, in declaration order."""
        out = []
        for key, value, doc in _walk(self):
            out.append((key, value, self.sources.get(key, "default"), doc))
        return out


_SECTIONS = {
    f.name: f.default_factory
    for f in dataclasses.fields(Settings)
    if f.name != "sources" and f.default_factory is not dataclasses.MISSING
}


def _walk(obj: Any, prefix: str = "") -> list[tuple[str, Any, str]]:
    rows = []
    for f in dataclasses.fields(obj):
        if f.name == "sources":
            continue
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            rows.extend(_walk(value, f"{f.name}."))
        else:
            rows.append((prefix + f.name, value, f.metadata.get("doc", "")))
    return rows


def _known_keys() -> dict[str, dataclasses.Field]:
    keys: dict[str, dataclasses.Field] = {}
    for f in dataclasses.fields(Settings):
        if f.name == "sources":
            continue
        if f.name in _SECTIONS:
            for sub in dataclasses.fields(_SECTIONS[f.name]()):
                keys[f"{f.name}.{sub.name}"] = sub
        else:
            keys[f.name] = f
    return keys


def _coerce(value: Any, f: dataclasses.Field, *, source: str, key: str) -> Any:
    kind = f.type if isinstance(f.type, type) else {"str": str, "int": int, "bool": bool}[f.type]
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise SettingsError(f"{key} must be true or false, not {value!r}", source=source, key=key)
    if kind is int:
        if isinstance(value, bool):
            raise SettingsError(f"{key} must be a whole number, not {value!r}", source=source, key=key)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{key} must be a whole number, not {value!r}",
                                source=source, key=key) from None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise SettingsError(f"{key} must be text, not {value!r}", source=source, key=key)
    return str(value)


def _validate(key: str, value: Any, source: str) -> None:
    if key == "language" and value not in ("zh", "en"):
        raise SettingsError(f"language must be 'zh' or 'en', not {value!r}", source=source, key=key)
    if key == "log_level" and str(value).upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise SettingsError(f"log_level {value!r} is not a log level", source=source, key=key)
    if key == "devices.mode" and value not in ("auto", "hardware", "simulated"):
        raise SettingsError(f"devices.mode must be auto, hardware or simulated, not {value!r}",
                            source=source, key=key)


def default_settings_file(env: Mapping[str, str] | None = None) -> Path:
    """The settings file used when none is named: ``INKSEAL_SETTINGS`` or the user's config dir."""
    env = os.environ if env is None else env
    if env.get("INKSEAL_SETTINGS"):
        return Path(env["INKSEAL_SETTINGS"])
    return Path(platformdirs.user_config_dir(APP_NAME)) / "settings.toml"


def _flatten_toml(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            if name not in _SECTIONS:
                raise SettingsError(f"unknown section [{name}]", source=source, key=name)
            for sub, subvalue in value.items():
                flat[f"{name}.{sub}"] = subvalue
        else:
            flat[name] = value
    return flat


def _env_values(env: Mapping[str, str]) -> dict[str, str]:
    wanted = {ENV_PREFIX + key.replace(".", "_").upper(): key for key in _known_keys()}
    return {wanted[name]: value for name, value in env.items() if name in wanted}


def load_settings(
    file: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Sequence[str] = (),
) -> Settings:
    """Resolve the settings from every source; raise ``SettingsError`` naming the bad one."""
    env = os.environ if env is None else env
    keys = _known_keys()
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}

    def take(flat: Mapping[str, Any], source: str) -> None:
        for key, raw in flat.items():
            if key not in keys:
                raise SettingsError(f"unknown setting {key!r}", source=source, key=key)
            value = _coerce(raw, keys[key], source=source, key=key)
            _validate(key, value, source)
            values[key] = value
            sources[key] = source

    path = file or default_settings_file(env)
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"not valid TOML: {exc}", source=str(path)) from None
        take(_flatten_toml(data, str(path)), str(path))
    elif file is not None:
        raise SettingsError("settings file not found", source=str(path))

    take(_env_values(env), "environment")

    flags: dict[str, str] = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise SettingsError(f"expected KEY=VALUE, got {item!r}", source="--set")
        flags[key.strip()] = value
    take(flags, "--set")

    top: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        section, _, name = key.rpartition(".")
        if section:
            sections.setdefault(section, {})[name] = value
        else:
            top[name] = value
    built = {name: _SECTIONS[name](**kw) for name, kw in sections.items()}
    if "log_level" in top:
        top["log_level"] = str(top["log_level"]).upper()
    return Settings(**top, **built, sources=sources)
