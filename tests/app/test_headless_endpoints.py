"""``inkseal workstation --headless`` and ``inkseal terminal --headless`` as two processes on
loopback: the workstation completes the demo record with the terminal that connects, over
mutual TLS 1.3 with the site's certificates, and the package it seals verifies."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from app.cli import main

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A command run as a user runs it; its stderr collected line by line as it comes."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "app", *args], cwd=REPO, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.err: list[str] = []
        self.out: list[str] = []
        # One reader per pipe and nothing else reading them (communicate() would take lines
        # the reader then never sees).
        self._readers = [threading.Thread(target=self._read, args=(pipe, lines), daemon=True)
                         for pipe, lines in ((self.proc.stderr, self.err),
                                             (self.proc.stdout, self.out))]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(pipe: Any, lines: list[str]) -> None:
        for line in pipe:
            lines.append(line)

    def wait_for(self, words: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hit = next((line for line in list(self.err) if words in line), None)
            if hit:
                return hit
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {words!r} in:\n{''.join(self.err)}")

    def finish(self, timeout: float) -> tuple[int, str]:
        self.proc.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(5)
        return self.proc.returncode, "".join(self.out)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.mark.slow
def test_a_workstation_and_a_terminal_process_complete_a_sealed_verified_record(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INKSEAL_")}
    env["INKSEAL_SETTINGS"] = str(tmp_path / "settings.toml")
    address = f"127.0.0.1:{_free_port()}"
    out = tmp_path / "demo"
    workstation = Process(["--set", f"data_dir={tmp_path / 'ws'}", "workstation", "--headless",
                           "--demo-record", "--out", str(out), "--listen", address], env)
    terminal = None
    try:
        hint = workstation.wait_for("terminal --headless", timeout=120)
        assert f"--connect {address}" in hint and "--passphrase-file" in hint
        passphrase_file = out / "data" / "DEMO-ONLY-site-passphrase.txt"
        terminal = Process(["--set", f"data_dir={tmp_path / 'term'}",
                            "--set", f"pki.dir={out / 'data' / 'pki'}",
                            "--set", "devices.mode=simulated",
                            "--set", "devices.video_size=320x240", "--set", "devices.video_fps=15",
                            "terminal", "--headless", "--connect", address,
                            "--passphrase-file", str(passphrase_file), "--records", "1"], env)
        code, stdout = workstation.finish(timeout=240)
        assert code == 0, stdout + "".join(workstation.err) + "".join(terminal.err)
        assert "demo passed" in stdout
        t_code, _ = terminal.finish(timeout=60)
        assert t_code == 0, "".join(terminal.err)
    finally:
        workstation.kill()
        if terminal is not None:
            terminal.kill()
    # Every protocol event was logged on both sides.
    assert any("received turn.begin" in line for line in terminal.err)
    assert any("received signature.result" in line for line in workstation.err)
    assert any("upload" in line and "stored" in line.lower() for line in workstation.err)
    # The package carries the terminal's own capture log, byte for byte, and its recording.
    (package,) = out.glob("record-*.zip")
    (own_log,) = (tmp_path / "term" / "terminal" / "capture").glob("*/terminal-1.jsonl")
    with zipfile.ZipFile(package) as zf:
        names = zf.namelist()
        (log_member,) = [n for n in names if n.endswith("logs/terminal-1.jsonl")]
        assert zf.read(log_member) == own_log.read_bytes()
        assert any(n.endswith("-terminal-1.mkv") for n in names)
        manifest = next(n for n in names if n.endswith("inkseal-package.json"))
        assert b'"terminal-1"' in zf.read(manifest) and b"pad" in zf.read(manifest)


def test_a_headless_terminal_needs_somewhere_to_connect(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INKSEAL_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.delenv("INKSEAL_LINK_CONNECT", raising=False)
    assert main(["terminal", "--headless"]) == 2
    assert "--connect" in capsys.readouterr().err


def test_a_headless_terminal_without_its_site_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INKSEAL_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("SITE_PASS", "secret")
    assert main(["--set", f"pki.dir={tmp_path / 'nowhere'}", "terminal", "--headless",
                 "--connect", "127.0.0.1:9", "--passphrase-env", "SITE_PASS"]) == 2
    assert "site_missing" in capsys.readouterr().err


def test_a_passphrase_is_never_taken_from_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INKSEAL_SETTINGS", str(tmp_path / "settings.toml"))
    with pytest.raises(SystemExit):
        main(["terminal", "--headless", "--connect", "127.0.0.1:9", "--passphrase", "x"])
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # no terminal to prompt on
    assert main(["--set", f"pki.dir={tmp_path}", "workstation", "--headless"]) == 2
    assert "--passphrase-env" in capsys.readouterr().err
