"""Finding fingerprint readers, and opening one (a real port or the simulator) by its path.

``list_fingerprint_readers`` sends the handshake (VfyPwd) to each serial port at each baud rate
asked for and lists those that answer as a module of this family does; with
``include_simulated`` it adds the simulated reader, path ``simulated:r30x``, marked simulated.
``open_fingerprint_reader`` opens either: for the simulated path it starts a
``ModuleSimulator`` on a pty and the same driver talks to it through pyserial.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from serial.tools import list_ports

from devices.clock import SessionClock
from devices.discovery import DeviceInfo, DeviceKind
from devices.errors import DeviceError
from devices.fingerprint.emulation import FingerPlan, ImageSource, ModuleSettings
from devices.fingerprint.errors import PasswordRejected
from devices.fingerprint.protocol import DEFAULT_BAUD
from devices.fingerprint.reader import R30xReader
from devices.fingerprint.simulator import ModuleSimulator

__all__ = ["SIMULATED_PATH", "is_simulated_path", "list_fingerprint_readers",
           "open_fingerprint_reader"]

log = logging.getLogger(__name__)

SIMULATED_PATH = "simulated:r30x"
SIMULATED_NAME = "Simulated R30x fingerprint reader (模拟指纹仪)"


def is_simulated_path(path: str) -> bool:
    """True for the path that stands for Inkseal's simulated reader ("simulated[:...]")."""
    return path == "simulated" or path.startswith("simulated:")


def list_fingerprint_readers(*, include_simulated: bool = False,
                             ports: Iterable[str] | None = None,
                             bauds: Sequence[int] = (DEFAULT_BAUD,), password: int = 0,
                             timeout_s: float = 0.3) -> list[DeviceInfo]:
    """Serial ports where a module answers the handshake, plus the simulated reader if asked.

    A port that answers with "wrong password" is listed too (``details["password_ok"]`` is
    False): it is a reader, just not ours to use without its password. Each probe is bounded
    by ``timeout_s`` per baud rate; a port that errors is skipped and logged.
    """
    found: list[DeviceInfo] = []
    candidates = _serial_ports() if ports is None else [(p, None, None, "") for p in ports]
    for path, vid, pid, description in candidates:
        info = _probe(path, bauds, password, timeout_s, vid, pid, description)
        if info is not None:
            found.append(info)
    if include_simulated:
        found.append(DeviceInfo(kind=DeviceKind.FINGERPRINT, name=SIMULATED_NAME,
                                path=SIMULATED_PATH, simulated=True,
                                details={"protocol": "R30x/ZFM/AS608 0xEF01", "baud": DEFAULT_BAUD,
                                         "transport": "pseudo-terminal (os.openpty)"}))
    return found


def open_fingerprint_reader(path: str, *, baud: int = DEFAULT_BAUD, password: int = 0,
                            clock: SessionClock | None = None, response_timeout_s: float = 2.0,
                            simulator_settings: ModuleSettings | None = None,
                            finger: FingerPlan | None = None, images: ImageSource | None = None,
                            pace: bool = False, seed: int = 1) -> R30xReader:
    """An open ``R30xReader`` on ``path``; close it to release the port (and the simulator).

    For ``simulated:...`` a simulator is started on a pty with ``simulator_settings`` (by
    default: this baud rate and password), ``finger``, ``images`` and ``pace``.
    """
    if not is_simulated_path(path):
        reader = R30xReader(path, baud=baud, password=password, clock=clock,
                            response_timeout_s=response_timeout_s)
        reader.open()
        return reader
    settings = simulator_settings or ModuleSettings(baud=baud, password=password)
    simulator = ModuleSimulator(settings=settings, finger=finger, images=images, pace=pace,
                                seed=seed).start()
    try:
        reader = R30xReader(simulator.port, baud=baud, password=password, clock=clock,
                            simulated=True, response_timeout_s=response_timeout_s)
        reader.call_on_close(simulator.stop)
        reader.open()
    except BaseException:
        simulator.stop()
        raise
    return reader


def _serial_ports() -> list[tuple[str, int | None, int | None, str]]:
    return [(p.device, p.vid, p.pid, p.description or "") for p in list_ports.comports()]


def _probe(path: str, bauds: Sequence[int], password: int, timeout_s: float, vid: int | None,
           pid: int | None, description: str) -> DeviceInfo | None:
    for baud in bauds:
        reader = R30xReader(path, baud=baud, password=password, response_timeout_s=timeout_s)
        try:
            identity = reader.open()
        except PasswordRejected:
            return DeviceInfo(kind=DeviceKind.FINGERPRINT, name="R30x fingerprint reader",
                              path=path, vendor_id=vid, product_id=pid,
                              details={"baud": baud, "password_ok": False,
                                       "port_description": description})
        except DeviceError as exc:
            log.debug("no fingerprint reader on %s at %d baud: %s", path, baud, exc)
            if exc.reason in ("port_not_found", "permission_denied", "port_busy", "port_error"):
                return None
            continue
        finally:
            reader.close()
        return DeviceInfo(kind=DeviceKind.FINGERPRINT, name=identity.name, path=path,
                          simulated=identity.simulated, vendor_id=vid, product_id=pid,
                          details={"baud": baud, "password_ok": True,
                                   "packet_size": identity.packet_size,
                                   "library_size": identity.library_size,
                                   "model": identity.model, "serial_number": identity.serial_number,
                                   "port_description": description})
    return None
