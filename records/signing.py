"""The signing order of one record revision, as a pure state machine (no I/O, no clock).

Signatories sign one after another in the template's order.  The *current* signatory is the
first pending one; only they may sign or refuse.  A refusal is recorded with its reason and
either lets the next signatory go on or stops the record, as the template says.  Editing the
record makes a new revision and voids every signature and refusal of the old one.  When every
signatory has signed or refused (with ``continue``) the record is ready to be sealed; a sealed
or stopped record accepts nothing more.

Every transition returns a new value; an impossible one raises :class:`~records.errors.SigningError`
saying exactly why (whose turn it is, who already signed, that the record is sealed...).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from records.errors import NotYourTurn, SigningError

__all__ = [
    "MAX_REFUSAL_REASON",
    "RecordState",
    "SignatoryState",
    "SigningOrder",
    "Slot",
]

#: A refusal reason is a sentence or a paragraph, not a document.
MAX_REFUSAL_REASON = 2000


class SignatoryState(StrEnum):
    """Where one signatory of one revision stands."""

    PENDING = "pending"
    SIGNED = "signed"
    REFUSED = "refused"
    VOIDED = "voided"  # the revision was superseded by an edit before the record was sealed


class RecordState(StrEnum):
    """Where a record stands, derived from its newest revision's signatories."""

    DRAFT = "draft"  # nobody has signed or refused yet
    SIGNING = "signing"  # someone has, and someone is still pending
    READY = "ready"  # everyone signed or refused with 'continue': the seal may go on
    STOPPED = "stopped"  # a refusal with 'stop': the record accepts nothing more
    SEALED = "sealed"


@dataclass(frozen=True)
class Slot:
    """One signatory's place in the order: 1-based ``order``, ``role`` (a template ``Role``
    value), bilingual label for messages, what a refusal does (``"continue"``/``"stop"``)."""

    order: int
    role: str
    label_zh: str
    label_en: str
    on_refusal: str = "continue"
    state: SignatoryState = SignatoryState.PENDING
    refusal_reason: str | None = None

    @property
    def name_en(self) -> str:
        """The English label as it reads inside a sentence ("the interrogating prosecutor")."""
        label = self.label_en
        return label[0].lower() + label[1:] if label[1:2].islower() else label

    @property
    def resolved(self) -> bool:
        """Signed, or refused: this signatory has had their turn."""
        return self.state in (SignatoryState.SIGNED, SignatoryState.REFUSED)


def _error(reason: str, zh: str, en: str, slot: Slot | None = None) -> SigningError:
    return SigningError(reason=reason, zh=zh, en=en,
                        order=slot.order if slot else None, role=slot.role if slot else None)


@dataclass(frozen=True)
class SigningOrder:
    """The signatories of one revision and what has happened to them."""

    revision: int
    slots: tuple[Slot, ...]
    sealed: bool = False
    superseded: bool = False

    def __post_init__(self) -> None:
        orders = [slot.order for slot in self.slots]
        if not self.slots:
            raise ValueError("a signing order needs at least one signatory")
        if orders != sorted(set(orders)) or orders[0] < 1:
            raise ValueError(f"signatory orders must be distinct, ascending and from 1: {orders}")

    @classmethod
    def start(cls, revision: int, slots: Iterable[Slot]) -> SigningOrder:
        """A fresh revision: every signatory pending."""
        return cls(revision, tuple(dataclasses.replace(s, state=SignatoryState.PENDING,
                                                       refusal_reason=None) for s in slots))

    # --- what the state is -------------------------------------------------------------
    @property
    def stopped(self) -> bool:
        return any(s.state is SignatoryState.REFUSED and s.on_refusal == "stop" for s in self.slots)

    @property
    def state(self) -> RecordState:
        """The record's state if this is its newest revision."""
        if self.sealed:
            return RecordState.SEALED
        if self.stopped:
            return RecordState.STOPPED
        if all(s.resolved for s in self.slots):
            return RecordState.READY
        if any(s.resolved for s in self.slots):
            return RecordState.SIGNING
        return RecordState.DRAFT

    @property
    def current(self) -> Slot | None:
        """The signatory whose turn it is: the first pending one, if the record is still open."""
        if self.sealed or self.superseded or self.stopped:
            return None
        return next((s for s in self.slots if s.state is SignatoryState.PENDING), None)

    def slot(self, who: int | str) -> Slot:
        """The signatory at order ``who`` (an int), or with role ``who`` (a str): the first
        pending one of that role, else the last one of that role."""
        if isinstance(who, bool) or not isinstance(who, (int, str)):
            raise TypeError(f"a signatory is named by order or role, not {who!r}")
        if isinstance(who, int):
            found = [s for s in self.slots if s.order == who]
        else:
            found = [s for s in self.slots if s.role == who]
            pending = [s for s in found if s.state is SignatoryState.PENDING]
            found = pending[:1] or found[-1:]
        if not found:
            raise SigningError(reason="unknown_signatory",
                               zh=f"第 {self.revision} 版笔录没有签名人“{who}”",
                               en=f"revision {self.revision} has no signatory {who!r}",
                               order=who if isinstance(who, int) else None,
                               role=who if isinstance(who, str) else None)
        return found[0]

    # --- transitions -------------------------------------------------------------------
    def ensure_open(self, slot: Slot | None = None) -> None:
        """Raise ``SigningError`` if this revision accepts nothing (sealed, stopped, superseded)."""
        if self.sealed:
            raise _error("record_sealed", "笔录已封存，不能再更改",
                         "the record is sealed and cannot change", slot)
        if self.superseded:
            raise _error("revision_superseded",
                         f"第 {self.revision} 版已被修改后的新版本取代",
                         f"revision {self.revision} was superseded by an edit", slot)
        if self.stopped:
            who = next(s for s in self.slots
                       if s.state is SignatoryState.REFUSED and s.on_refusal == "stop")
            raise _error("record_stopped",
                         f"{who.label_zh}拒绝签名，笔录已终止，不再接受任何操作",
                         f"the {who.name_en} refused to sign, which stops the record; "
                         "it accepts nothing more", slot)

    def _turn(self, who: int | str, role: str | None) -> Slot:
        self.ensure_open()
        slot = self.slot(who)
        if role is not None and slot.role != role:
            raise _error("role_mismatch",
                         f"第 {slot.order} 位签名人是{slot.label_zh}，不是“{role}”",
                         f"signatory no. {slot.order} is the {slot.name_en}, not {role!r}", slot)
        if slot.state is SignatoryState.SIGNED:
            raise _error("already_signed", f"{slot.label_zh}已经签过名",
                         f"the {slot.name_en} has already signed", slot)
        if slot.state is SignatoryState.REFUSED:
            raise _error("already_refused", f"{slot.label_zh}已经拒绝签名",
                         f"the {slot.name_en} has already refused to sign", slot)
        current = self.current
        assert current is not None  # open and this slot is pending, so someone is pending
        if current.order != slot.order:
            raise NotYourTurn(order=slot.order, role=slot.role, label_zh=slot.label_zh,
                              label_en=slot.name_en, current_order=current.order,
                              current_role=current.role, current_zh=current.label_zh,
                              current_en=current.name_en)
        return slot

    def _with(self, slot: Slot) -> SigningOrder:
        slots = tuple(slot if s.order == slot.order else s for s in self.slots)
        return dataclasses.replace(self, slots=slots)

    def sign(self, who: int | str, *, role: str | None = None) -> SigningOrder:
        """The current signatory signed (``role``, when given, must match theirs)."""
        slot = self._turn(who, role)
        return self._with(dataclasses.replace(slot, state=SignatoryState.SIGNED))

    def refuse(self, who: int | str, reason: str, *, role: str | None = None) -> SigningOrder:
        """The current signatory refused to sign, for ``reason`` (required, recorded)."""
        slot = self._turn(who, role)
        text = (reason or "").strip()
        if not text:
            raise _error("refusal_reason_required", "拒绝签名必须记录理由",
                         "a refusal needs its reason recorded", slot)
        if len(text) > MAX_REFUSAL_REASON:
            raise _error("refusal_reason_too_long",
                         f"拒绝理由过长（{len(text)} 字，最多 {MAX_REFUSAL_REASON} 字）",
                         f"the refusal reason is too long ({len(text)} characters, "
                         f"at most {MAX_REFUSAL_REASON})", slot)
        return self._with(dataclasses.replace(slot, state=SignatoryState.REFUSED,
                                              refusal_reason=text))

    def revise(self, slots: Iterable[Slot]) -> tuple[SigningOrder, SigningOrder]:
        """The record was edited: returns (this revision with every signatory voided and marked
        superseded, the new revision with ``slots`` all pending)."""
        self.ensure_open()
        old = dataclasses.replace(
            self, superseded=True,
            slots=tuple(dataclasses.replace(s, state=SignatoryState.VOIDED) for s in self.slots))
        return old, SigningOrder.start(self.revision + 1, slots)

    def seal(self) -> SigningOrder:
        """The seal was applied; allowed only when every signatory has had their turn."""
        self.ensure_open()
        current = self.current
        if current is not None:
            raise _error("signatures_missing",
                         f"还不能封存：轮到{current.label_zh}（第 {current.order} 位）签名",
                         f"cannot seal yet: it is the {current.name_en}'s turn "
                         f"(no. {current.order})", current)
        return dataclasses.replace(self, sealed=True)
