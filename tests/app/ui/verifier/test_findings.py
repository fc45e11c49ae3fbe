"""What the verifier's work found in other layers, kept as failing specifications until
fixed there (strict: they turn red the day they pass, to be moved to the right suite).

None is open: the pen samples once readable from the capture log without the archive key are
now committed to, not logged (``tests/records/test_package_privacy.py``).
"""
