"""Our CMS attribute types register into asn1crypto without breaking attributes built before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_registration_after_asn1crypto_was_used_keeps_every_name_working() -> None:
    # A fresh interpreter: asn1crypto must have built its name map before our module loads.
    code = (
        "from asn1crypto import cms\n"
        "cms.CMSAttribute({'type': 'signing_time', 'values': []})\n"
        "import crypto.pades_attributes as pa\n"
        "a = cms.CMSAttribute({'type': pa.EVIDENCE_ATTRIBUTE, 'values': []})\n"
        "b = cms.CMSAttribute({'type': 'content_type', 'values': ['data']})\n"
        "print(a['type'].dotted, b['type'].native)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    dotted, native = out.stdout.split()
    assert dotted.startswith("2.25.") or dotted.count(".") >= 3
    assert native == "content_type"
