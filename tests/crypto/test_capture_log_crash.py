"""A writer killed mid-stream: every acknowledged entry survives, earlier lines stay intact,
and the log reopens (setting a torn tail aside) and continues its chain."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from crypto.capture_log import CaptureLog, TornTailPolicy
from crypto.capture_log_verify import verify_log

REPO = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys
from pathlib import Path
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from crypto.capture_log import CaptureLog, GroupCommit

key = load_pem_private_key(Path(sys.argv[2]).read_bytes(), None)
log = CaptureLog.open(sys.argv[1], key, "terminal-a", commit=GroupCommit(max_batch=64))
def acknowledged(pending):
    sys.stdout.write(f"{pending.seq}\n")
    sys.stdout.flush()
i = 0
while True:
    log.submit("pen.batch", {"i": i, "xs": list(range(i % 50))}).add_done_callback(acknowledged)
    i += 1
"""


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [200, 1500])
def test_kill_during_appends_loses_only_unacknowledged_entries(tmp_path: Path,
                                                               kill_after: int) -> None:
    key = Ed25519PrivateKey.generate()
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    log_path = tmp_path / "terminal-a.jsonl"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(log_path), str(key_file)],
                             cwd=REPO, stdout=subprocess.PIPE, text=True)
    acknowledged = -1
    deadline = time.monotonic() + 60
    try:
        assert child.stdout is not None
        while acknowledged < kill_after and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            acknowledged = max(acknowledged, int(line))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        if child.stdout:
            child.stdout.close()
    assert acknowledged >= kill_after

    report = verify_log(log_path, key.public_key(), source="terminal-a")
    # Every line before any torn tail verifies; every acknowledged entry is among them.
    assert report.issue is None or report.issue.reason == "torn_tail"
    assert len(report.entries) > acknowledged

    with CaptureLog.open(log_path, key, "terminal-a",
                         torn_tail=TornTailPolicy.QUARANTINE) as log:
        assert log.head.size > acknowledged
        log.append("pen.batch", {"after": "crash"})
    final = verify_log(log_path, key.public_key(), source="terminal-a")
    assert final.ok
    assert [e.line for e in final.entries[:len(report.entries)]] == [e.line for e in report.entries]


FORGETFUL = r"""
import sys
from pathlib import Path
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from crypto.capture_log import CaptureLog

key = load_pem_private_key(Path(sys.argv[2]).read_bytes(), None)
log = CaptureLog.open(sys.argv[1], key, "terminal-a")
for i in range(200):
    log.submit("pen.batch", {"i": i})
# no close(): the program just ends
"""


def test_a_log_never_closed_is_flushed_at_exit_and_does_not_hang(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    log_path = tmp_path / "terminal-a.jsonl"
    done = subprocess.run([sys.executable, "-c", FORGETFUL, str(log_path), str(key_file)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report = verify_log(log_path, key.public_key(), source="terminal-a")
    assert report.ok and len(report.entries) == 201
