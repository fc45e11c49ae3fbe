"""Baud rates, confirmation codes and the typed errors they become."""

from __future__ import annotations

import pytest

from devices.errors import DeviceError
from devices.fingerprint.errors import PasswordRejected, ReaderRefused, refusal
from devices.fingerprint.protocol import baud_multiplier, code_info, is_valid_baud


@pytest.mark.parametrize("n", range(1, 13))
def test_every_multiple_of_9600_up_to_12_is_a_baud_rate(n: int) -> None:
    assert is_valid_baud(9600 * n)
    assert baud_multiplier(9600 * n) == n


@pytest.mark.parametrize("baud", [0, 4800, 9601, 124800, 230400, -9600])
def test_other_rates_are_refused(baud: int) -> None:
    assert not is_valid_baud(baud)
    with pytest.raises(ValueError):
        baud_multiplier(baud)


def test_known_codes_have_reasons_and_both_languages() -> None:
    for code in (0x01, 0x02, 0x03, 0x06, 0x07, 0x0F, 0x13, 0x15, 0x21, 0xFC):
        info = code_info(code)
        assert info.reason and not info.reason.startswith("code_")
        assert info.text.en and info.text.zh and info.text.en != info.text.zh


def test_unknown_code_names_itself() -> None:
    info = code_info(0x77)
    assert info.reason == "code_0x77"
    assert "0x77" in info.text.en and "0x77" in info.text.zh


def test_password_codes_become_password_rejected() -> None:
    error = refusal(0x13, instruction="VfyPwd", device="/dev/ttyUSB0")
    assert isinstance(error, PasswordRejected) and isinstance(error, DeviceError)
    assert (error.reason, error.code, error.device) == ("wrong_password", 0x13, "/dev/ttyUSB0")
    assert "口令" in error.localized("zh") and "password" in error.localized("en")
    assert isinstance(refusal(0x21, instruction="GenImg"), PasswordRejected)


def test_other_codes_become_reader_refused() -> None:
    error = refusal(0x0F, instruction="UpImage")
    assert type(error) is ReaderRefused
    assert error.reason == "image_upload_error" and "UpImage" in str(error)
