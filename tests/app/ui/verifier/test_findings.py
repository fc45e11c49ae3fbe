"""What the verifier's work found in other layers, kept as failing specifications until
fixed there (strict: they turn red the day they pass, to be moved to the right suite)."""

from __future__ import annotations

import pytest

from app.ui.verifier.contents import VerifiedPackage


@pytest.mark.xfail(strict=True, reason=(
    "records.session_pen logs every pen sample (t, x, y, pressure, tilt) in clear in the "
    "capture log, which travels unencrypted in the package, while the same pen track is "
    "encrypted for the archive key as biometric evidence: anyone holding the package can "
    "rebuild the signature's dynamics without the archive key. The log could carry the "
    "batches' hashes (or the samples encrypted for the archive key) instead."))
def test_without_the_archive_key_the_package_reveals_no_pen_dynamics(
        verified_without_key: VerifiedPackage) -> None:
    assert verified_without_key.signatures == {}  # the replay is refused without the key
    rows = [row for log in verified_without_key.logs for entry in log.entries
            if entry.kind == "pen.batch" for row in (entry.data or {}).get("rows", [])]
    readable = [row for row in rows if isinstance(row, list) and len(row) >= 4
                and all(isinstance(v, int) for v in row[:4])]
    assert readable == [], f"{len(readable)} pen samples readable without the archive key"
