"""HID report descriptors, parsed with the Linux kernel's semantics (``hid-core.c``).

What the kernel does and we copy, because real tablets depend on it:

* globals (usage page, logical/physical ranges, unit, unit exponent, report size/count/ID)
  persist until changed; Push/Pop save and restore all of them, report ID included;
* Logical/Physical Maximum is read as signed only when the matching Minimum is negative;
* Unit Exponent accepts both the spec's 4-bit nibble (``0x0E`` = -2) and a full signed value;
* a 1- or 2-byte Usage takes the current usage page, a 4-byte Usage carries its own, and a
  Usage Page given after the usages but before the main item re-pages them;
* a main item without usages is padding: it only advances the bit offset;
* when a field has more values than usages, the last usage is repeated;
* bit offsets count from the first data bit; the report-ID byte is not part of the data.

Anything the kernel would refuse (long items, truncated items, Pop without Push, report ID 0,
unbalanced collections, absurd sizes) raises ``DescriptorError`` with the byte offset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, IntFlag

from devices.errors import ProtocolError

__all__ = [
    "DescriptorError",
    "FieldFlags",
    "HidField",
    "HidReport",
    "ReportDescriptor",
    "ReportType",
    "parse_report_descriptor",
]

# Kernel limits (include/linux/hid.h): HID_MAX_USAGES, HID_MAX_IDS, HID_GLOBAL_STACK_SIZE,
# HID_COLLECTION_STACK_SIZE, HID_MAX_BUFFER_SIZE; report_size may be up to 256 bits.
MAX_USAGES = 12288
MAX_REPORT_IDS = 256
GLOBAL_STACK_SIZE = 4
COLLECTION_STACK_SIZE = 4 * 64
MAX_REPORT_BITS = (16384 - 1) * 8
MAX_FIELD_BITS = 256


class DescriptorError(ProtocolError):
    """A report descriptor the kernel would refuse; ``offset`` is the byte where it went wrong."""

    def __init__(self, message: str, *, reason: str, offset: int) -> None:
        super().__init__(f"{message} (at byte {offset})", reason=reason)
        self.offset = offset


class ReportType(IntEnum):
    """The three report kinds; values are the main-item tags."""

    INPUT = 0x8
    OUTPUT = 0x9
    FEATURE = 0xB


class FieldFlags(IntFlag):
    """Bits of an Input/Output/Feature item's payload (HID 1.11 section 6.2.2.5)."""

    CONSTANT = 0x01
    VARIABLE = 0x02
    RELATIVE = 0x04
    WRAP = 0x08
    NONLINEAR = 0x10
    NO_PREFERRED = 0x20
    NULL_STATE = 0x40
    VOLATILE = 0x80
    BUFFERED_BYTES = 0x100


@dataclass(frozen=True, slots=True)
class HidField:
    """One main item with usages: ``count`` values of ``bit_size`` bits at ``bit_offset``."""

    report_type: ReportType
    report_id: int          # 0 when the device does not number its reports
    bit_offset: int         # from the first data bit, the report-ID byte excluded
    bit_size: int
    count: int
    usages: tuple[int, ...]  # 32-bit usages (page << 16 | id); one per value for variables
    flags: FieldFlags
    logical_min: int
    logical_max: int
    physical_min: int
    physical_max: int
    unit: int
    unit_exponent: int
    application: int        # usage of the enclosing application collection, 0 if none
    physical: int | None    # usage of the innermost physical collection
    logical: int | None     # usage of the innermost logical collection

    @property
    def is_variable(self) -> bool:
        return bool(self.flags & FieldFlags.VARIABLE)

    @property
    def is_constant(self) -> bool:
        return bool(self.flags & FieldFlags.CONSTANT)

    @property
    def is_signed(self) -> bool:
        """The kernel sign-extends a value exactly when the logical minimum is negative."""
        return self.logical_min < 0

    def usage_at(self, index: int) -> int:
        """The usage the ``index``-th value of a variable field reports."""
        return self.usages[min(index, len(self.usages) - 1)]

    def extract(self, data: bytes, index: int = 0) -> int:
        """The ``index``-th value from report data (no ID byte), sign-extended as the kernel does."""
        start = self.bit_offset + index * self.bit_size
        first, last = start // 8, (start + self.bit_size + 7) // 8
        raw = int.from_bytes(data[first:last], "little") >> (start % 8)
        raw &= (1 << self.bit_size) - 1
        if self.is_signed and raw >> (self.bit_size - 1):
            raw -= 1 << self.bit_size
        return raw


@dataclass(frozen=True, slots=True)
class HidReport:
    """All fields of one report (type, ID) and its length in bits."""

    report_type: ReportType
    report_id: int
    bit_size: int
    fields: tuple[HidField, ...]

    @property
    def data_size(self) -> int:
        """Bytes of data after the report-ID byte."""
        return (self.bit_size + 7) // 8

    @property
    def wire_size(self) -> int:
        """Bytes on the wire, the report-ID byte included when the report is numbered."""
        return self.data_size + (1 if self.report_id else 0)


@dataclass(frozen=True)
class ReportDescriptor:
    """A parsed descriptor: every report by (type, ID), and what was odd but tolerated."""

    raw: bytes
    reports: Mapping[tuple[ReportType, int], HidReport]
    applications: tuple[int, ...]
    warnings: tuple[str, ...] = ()

    def numbered(self, report_type: ReportType = ReportType.INPUT) -> bool:
        """Whether reports of this type carry a report-ID byte (kernel ``report_enum->numbered``)."""
        return any(rid for (rtype, rid) in self.reports if rtype == report_type)

    def report(self, report_type: ReportType, report_id: int) -> HidReport | None:
        return self.reports.get((report_type, report_id))

    def input_reports(self) -> list[HidReport]:
        return [r for (rtype, _), r in sorted(self.reports.items()) if rtype == ReportType.INPUT]

    def fields(self, report_type: ReportType = ReportType.INPUT) -> list[HidField]:
        return [f for r in self.reports.values() if r.report_type == report_type for f in r.fields]


@dataclass
class _Globals:
    usage_page: int = 0
    logical_min: int = 0
    logical_max: int = 0
    physical_min: int = 0
    physical_max: int = 0
    unit_exponent: int = 0
    unit: int = 0
    report_id: int = 0
    report_size: int = 0
    report_count: int = 0

    def copy(self) -> _Globals:
        return _Globals(**vars(self))


@dataclass
class _Locals:
    usages: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # item size each usage was declared with
    usage_min: int | None = None
    delimiter_depth: int = 0
    delimiter_branch: int = 0


def _udata(payload: bytes) -> int:
    return int.from_bytes(payload, "little", signed=False)


def _sdata(payload: bytes) -> int:
    return int.from_bytes(payload, "little", signed=True) if payload else 0


def _snto32(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


class _Parser:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.g = _Globals()
        self.stack: list[_Globals] = []
        self.local = _Locals()
        self.collections: list[tuple[int, int]] = []  # (type, usage)
        self.sizes: dict[tuple[ReportType, int], int] = {}
        self.fields: dict[tuple[ReportType, int], list[HidField]] = {}
        self.applications: list[int] = []
        self.warnings: list[str] = []
        self.offset = 0

    def fail(self, message: str, reason: str) -> DescriptorError:
        return DescriptorError(message, reason=reason, offset=self.offset)

    def run(self) -> ReportDescriptor:
        data = self.data
        if not data:
            raise self.fail("empty report descriptor", "empty_descriptor")
        pos = 0
        while pos < len(data):
            self.offset = pos
            prefix = data[pos]
            if prefix == 0xFE:
                raise self.fail("long items are not supported (the kernel refuses them too)",
                                "long_item")
            size = (0, 1, 2, 4)[prefix & 3]
            kind, tag = (prefix >> 2) & 3, prefix >> 4
            if pos + 1 + size > len(data):
                raise self.fail(f"item 0x{prefix:02x} needs {size} payload bytes past the end",
                                "truncated_item")
            payload = data[pos + 1:pos + 1 + size]
            pos += 1 + size
            if kind == 0:
                self.main(tag, payload)
            elif kind == 1:
                self.global_item(tag, payload)
            elif kind == 2:
                self.local_item(tag, payload, size)
            else:
                raise self.fail(f"reserved item type in 0x{prefix:02x}", "reserved_item")
        self.offset = len(data)
        if self.collections:
            raise self.fail("collection left open at the end of the descriptor",
                            "unbalanced_collection")
        if self.local.delimiter_depth:
            raise self.fail("delimiter left open at the end of the descriptor",
                            "unbalanced_delimiter")
        reports = {
            key: HidReport(key[0], key[1], bits, tuple(self.fields.get(key, ())))
            for key, bits in self.sizes.items()
        }
        return ReportDescriptor(bytes(data), reports, tuple(self.applications),
                                tuple(self.warnings))

    # -- global items ---------------------------------------------------------------------
    def global_item(self, tag: int, payload: bytes) -> None:
        g = self.g
        if tag == 0x0:
            g.usage_page = _udata(payload)
        elif tag == 0x1:
            g.logical_min = _sdata(payload)
        elif tag == 0x2:
            g.logical_max = _sdata(payload) if g.logical_min < 0 else _udata(payload)
        elif tag == 0x3:
            g.physical_min = _sdata(payload)
        elif tag == 0x4:
            g.physical_max = _sdata(payload) if g.physical_min < 0 else _udata(payload)
        elif tag == 0x5:
            raw = _sdata(payload)
            g.unit_exponent = _snto32(raw, 4) if not raw & ~0xF else raw
        elif tag == 0x6:
            g.unit = _udata(payload)
        elif tag == 0x7:
            g.report_size = _udata(payload)
            if g.report_size > MAX_FIELD_BITS:
                raise self.fail(f"report size {g.report_size} bits is too large",
                                "report_size_too_large")
        elif tag == 0x8:
            g.report_id = _udata(payload)
            if g.report_id == 0 or g.report_id >= MAX_REPORT_IDS:
                raise self.fail(f"report ID {g.report_id} is invalid", "invalid_report_id")
        elif tag == 0x9:
            g.report_count = _udata(payload)
            if g.report_count > MAX_USAGES:
                raise self.fail(f"report count {g.report_count} is too large",
                                "report_count_too_large")
        elif tag == 0xA:
            if len(self.stack) == GLOBAL_STACK_SIZE:
                raise self.fail("global stack overflow (too many Push)", "push_overflow")
            self.stack.append(g.copy())
        elif tag == 0xB:
            if not self.stack:
                raise self.fail("Pop without Push", "pop_without_push")
            self.g = self.stack.pop()
        else:
            raise self.fail(f"unknown global item tag 0x{tag:x}", "unknown_global_item")

    # -- local items ----------------------------------------------------------------------
    def add_usage(self, usage: int, size: int) -> None:
        if len(self.local.usages) >= MAX_USAGES:
            raise self.fail("too many usages", "too_many_usages")
        self.local.usages.append(usage)
        self.local.sizes.append(size)

    def local_item(self, tag: int, payload: bytes, size: int) -> None:
        loc = self.local
        value = _udata(payload)
        if tag == 0xA:  # delimiter
            if value:
                if loc.delimiter_depth:
                    raise self.fail("nested delimiters", "nested_delimiter")
                loc.delimiter_depth += 1
                loc.delimiter_branch += 1
            else:
                if loc.delimiter_depth < 1:
                    raise self.fail("closing a delimiter that was never opened",
                                    "unbalanced_delimiter")
                loc.delimiter_depth -= 1
            return
        if tag not in (0x0, 0x1, 0x2):
            return  # designators and strings: the kernel ignores them too
        if loc.delimiter_branch > 1:
            return  # alternative usages after the first branch are ignored (kernel)
        usage = value if size > 2 else (self.g.usage_page << 16) | value
        if tag == 0x0:
            self.add_usage(usage, size)
        elif tag == 0x1:
            loc.usage_min = usage
        else:
            start = loc.usage_min if loc.usage_min is not None else usage
            if usage - start + len(loc.usages) > MAX_USAGES:
                raise self.fail("usage range too large", "too_many_usages")
            for n in range(start, usage + 1):
                self.add_usage(n, size)

    # -- main items -----------------------------------------------------------------------
    def repage_last_usages(self) -> None:
        """Kernel ``hid_concatenate_last_usage_page``: a late Usage Page re-pages short usages."""
        page = self.g.usage_page
        usages, sizes = self.local.usages, self.local.sizes
        for i in range(len(usages) - 1, -1, -1):
            if sizes[i] > 2:
                continue
            if usages[i] >> 16 == page:
                break
            usages[i] = (page << 16) | (usages[i] & 0xFFFF)

    def collection_usage(self, kind: int) -> int | None:
        for ctype, usage in reversed(self.collections):
            if ctype == kind:
                return usage
        return None

    def main(self, tag: int, payload: bytes) -> None:
        self.repage_last_usages()
        value = _udata(payload)
        if tag == 0xA:
            if len(self.collections) >= COLLECTION_STACK_SIZE:
                raise self.fail("collections nested too deeply", "collection_overflow")
            usage = self.local.usages[0] if self.local.usages else 0
            self.collections.append((value & 0xFF, usage))
            if value & 0xFF == 1:
                self.applications.append(usage)
        elif tag == 0xC:
            if not self.collections:
                raise self.fail("End Collection without a Collection", "unbalanced_collection")
            self.collections.pop()
        elif tag in (ReportType.INPUT, ReportType.OUTPUT, ReportType.FEATURE):
            self.add_field(ReportType(tag), value)
        else:
            self.warnings.append(f"byte {self.offset}: unknown main item tag 0x{tag:x} ignored")
        self.local = _Locals()

    def add_field(self, report_type: ReportType, flags: int) -> None:
        g = self.g
        invalid = (g.logical_max < g.logical_min) if g.logical_min < 0 else (
            (g.logical_max & 0xFFFFFFFF) < (g.logical_min & 0xFFFFFFFF))
        if invalid:
            raise self.fail(f"logical range {g.logical_min}..{g.logical_max} is invalid",
                            "invalid_logical_range")
        key = (report_type, g.report_id)
        offset = self.sizes.get(key, 0)
        self.sizes[key] = offset + g.report_size * g.report_count
        if self.sizes[key] > MAX_REPORT_BITS:
            raise self.fail("report is too long", "report_too_long")
        usages = self.local.usages
        if not usages:
            return  # padding: advances the offset only
        count = max(len(usages), g.report_count)
        expanded = tuple(usages[min(i, len(usages) - 1)] for i in range(count))
        variable = bool(flags & FieldFlags.VARIABLE)
        hid_field = HidField(
            report_type=report_type,
            report_id=g.report_id,
            bit_offset=offset,
            bit_size=g.report_size,
            count=g.report_count,
            usages=expanded if variable else tuple(usages),
            flags=FieldFlags(flags & 0x1FF),
            logical_min=g.logical_min,
            logical_max=g.logical_max,
            physical_min=g.physical_min,
            physical_max=g.physical_max,
            unit=g.unit,
            unit_exponent=g.unit_exponent,
            application=self.collection_usage(1) or 0,
            physical=self.collection_usage(0),
            logical=self.collection_usage(2),
        )
        if g.report_size == 0 or g.report_count == 0:
            self.warnings.append(f"byte {self.offset}: field with no bits ignored")
            return
        self.fields.setdefault(key, []).append(hid_field)


def parse_report_descriptor(data: bytes) -> ReportDescriptor:
    """Parse a HID report descriptor as the Linux kernel would; raise ``DescriptorError``."""
    return _Parser(bytes(data)).run()
