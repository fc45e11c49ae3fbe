"""The signing order: whose turn it is, refusals, edits that void, sealing, and invariants
over random sequences of operations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from records.errors import NotYourTurn, SigningError
from records.signing import RecordState, SignatoryState, SigningOrder, Slot

PROSECUTOR = Slot(1, "prosecutor", "检察官", "prosecutor")
SUSPECT = Slot(2, "suspect", "犯罪嫌疑人", "suspect", on_refusal="continue")
GUARDIAN = Slot(3, "appropriate_adult", "合适成年人", "appropriate adult", on_refusal="stop")


def fresh() -> SigningOrder:
    return SigningOrder.start(0, [PROSECUTOR, SUSPECT, GUARDIAN])


def states(order: SigningOrder) -> list[SignatoryState]:
    return [slot.state for slot in order.slots]


def test_a_fresh_revision_is_a_draft_and_the_first_signatory_is_current() -> None:
    order = fresh()
    assert order.state is RecordState.DRAFT
    assert order.current == PROSECUTOR


def test_signatories_sign_in_order_and_the_record_becomes_ready() -> None:
    order = fresh().sign(1).sign("suspect").sign(3, role="appropriate_adult")
    assert states(order) == [SignatoryState.SIGNED] * 3
    assert order.state is RecordState.READY
    assert order.current is None


def test_signing_out_of_turn_says_whose_turn_it_is() -> None:
    order = fresh().sign(1)
    with pytest.raises(NotYourTurn) as caught:
        order.sign("appropriate_adult")
    error = caught.value
    assert error.reason == "not_your_turn"
    assert (error.current_order, error.current_role) == (2, "suspect")
    assert (error.order, error.role) == (3, "appropriate_adult")
    assert "suspect's turn" in error.en and "not the appropriate adult's" in error.en
    assert "轮到犯罪嫌疑人" in error.message("zh") and "不是合适成年人" in error.message("zh")


def test_signing_twice_is_refused() -> None:
    order = fresh().sign(1)
    with pytest.raises(SigningError) as caught:
        order.sign(1)
    assert caught.value.reason == "already_signed"


def test_a_role_that_does_not_match_the_order_is_refused() -> None:
    with pytest.raises(SigningError) as caught:
        fresh().sign(1, role="suspect")
    assert caught.value.reason == "role_mismatch"


def test_an_unknown_signatory_is_named() -> None:
    with pytest.raises(SigningError) as caught:
        fresh().sign("interpreter")
    assert caught.value.reason == "unknown_signatory"
    assert caught.value.role == "interpreter"


def test_a_refusal_needs_a_reason_and_records_it() -> None:
    order = fresh().sign(1)
    with pytest.raises(SigningError) as caught:
        order.refuse(2, "   ")
    assert caught.value.reason == "refusal_reason_required"
    refused = order.refuse(2, "  笔录第三页与我说的不符  ")
    assert refused.slots[1].state is SignatoryState.REFUSED
    assert refused.slots[1].refusal_reason == "笔录第三页与我说的不符"


def test_a_refusal_that_continues_passes_the_turn_on() -> None:
    order = fresh().sign(1).refuse(2, "不同意")
    assert order.state is RecordState.SIGNING
    assert order.current == GUARDIAN


def test_a_refusal_that_stops_ends_the_record() -> None:
    order = fresh().sign(1).sign(2).refuse(3, "没有看清")
    assert order.state is RecordState.STOPPED
    assert order.current is None
    for attempt in (lambda: order.seal(), lambda: order.revise([PROSECUTOR])):
        with pytest.raises(SigningError) as caught:
            attempt()
        assert caught.value.reason == "record_stopped"
        assert "appropriate adult refused" in caught.value.en


def test_sealing_needs_everyone_to_have_had_their_turn() -> None:
    with pytest.raises(SigningError) as caught:
        fresh().sign(1).seal()
    assert caught.value.reason == "signatures_missing"
    assert caught.value.role == "suspect"
    sealed = fresh().sign(1).refuse(2, "拒绝").sign(3).seal()
    assert sealed.state is RecordState.SEALED


def test_a_sealed_record_accepts_nothing() -> None:
    sealed = fresh().sign(1).sign(2).sign(3).seal()
    for attempt in (lambda: sealed.sign(1), lambda: sealed.refuse(2, "x"),
                    lambda: sealed.revise([PROSECUTOR]), lambda: sealed.seal()):
        with pytest.raises(SigningError) as caught:
            attempt()
        assert caught.value.reason == "record_sealed"


def test_an_edit_voids_the_old_revision_and_starts_a_fresh_one() -> None:
    order = fresh().sign(1).sign(2)
    old, new = order.revise([PROSECUTOR, SUSPECT])
    assert old.superseded and states(old) == [SignatoryState.VOIDED] * 3
    assert new.revision == 1 and states(new) == [SignatoryState.PENDING] * 2
    assert new.state is RecordState.DRAFT
    with pytest.raises(SigningError) as caught:
        old.sign(3)
    assert caught.value.reason == "revision_superseded"


def test_orders_must_be_distinct_and_ascending() -> None:
    with pytest.raises(ValueError):
        SigningOrder.start(0, [SUSPECT, PROSECUTOR])
    with pytest.raises(ValueError):
        SigningOrder.start(0, [])


# --- properties over random sequences -----------------------------------------------------

slots_strategy = st.lists(
    st.tuples(st.sampled_from(["prosecutor", "suspect", "appropriate_adult", "interpreter"]),
              st.sampled_from(["continue", "stop"])),
    min_size=1, max_size=5,
).map(lambda items: [Slot(i + 1, role, role, role.replace("_", " "), on_refusal=effect)
                     for i, (role, effect) in enumerate(items)])

operation = st.one_of(
    st.tuples(st.just("sign"), st.integers(0, 6)),
    st.tuples(st.just("sign_role"), st.sampled_from(["prosecutor", "suspect", "interpreter"])),
    st.tuples(st.just("refuse"), st.integers(0, 6), st.sampled_from(["", "不同意"])),
    st.tuples(st.just("revise"), slots_strategy),
    st.tuples(st.just("seal")),
)


def apply(order: SigningOrder, op: tuple) -> SigningOrder:
    kind = op[0]
    if kind == "sign":
        return order.sign(op[1])
    if kind == "sign_role":
        return order.sign(op[1])
    if kind == "refuse":
        return order.refuse(op[1], op[2])
    if kind == "revise":
        return order.revise(op[1])[1]
    return order.seal()


def check_invariants(order: SigningOrder) -> None:
    pending = [s for s in order.slots if s.state is SignatoryState.PENDING]
    current = order.current
    # At most one current signatory, and it is the first pending one.
    if current is not None:
        assert current == pending[0]
        # Everyone before the current signatory has had their turn.
        assert all(s.resolved for s in order.slots if s.order < current.order)
    # Nobody after a pending signatory has signed or refused.
    if pending:
        assert not any(s.resolved for s in order.slots if s.order > pending[0].order)
    assert not any(s.state is SignatoryState.VOIDED for s in order.slots)
    if order.state in (RecordState.SEALED, RecordState.STOPPED):
        assert current is None


def should_succeed(order: SigningOrder, op: tuple) -> bool:
    """An independent statement of the rules, to check the machine against."""
    is_open = order.state not in (RecordState.SEALED, RecordState.STOPPED)
    current = order.current
    if op[0] == "revise":
        return is_open
    if op[0] == "seal":
        return is_open and current is None
    if current is None:
        return False
    if op[0] == "sign_role":
        return op[1] == current.role
    if op[0] == "refuse":
        return op[1] == current.order and op[2] != ""
    return op[1] == current.order


@settings(max_examples=300, deadline=None)
@given(slots=slots_strategy, ops=st.lists(operation, max_size=25))
def test_random_sequences_keep_the_invariants(slots: list[Slot], ops: list[tuple]) -> None:
    order = SigningOrder.start(0, slots)
    for op in ops:
        before = order
        expected = should_succeed(before, op)
        try:
            order = apply(order, op)
        except SigningError as error:
            assert not expected, f"{op} was refused ({error.reason}) but is allowed"
            if before.state is RecordState.SEALED:
                assert error.reason == "record_sealed"
            elif before.state is RecordState.STOPPED:
                assert error.reason == "record_stopped"
            continue
        assert expected, f"{op} was accepted but is not allowed"
        if order.revision == before.revision:
            # Within one revision, a signed or refused signatory never becomes pending again.
            for was, now in zip(before.slots, order.slots, strict=True):
                if was.resolved:
                    assert now == was
            # Exactly one signatory changed, and it was the current one (or it was the seal).
            changed = [now for was, now in zip(before.slots, order.slots, strict=True)
                       if was != now]
            if op[0] == "seal":
                assert changed == [] and order.state is RecordState.SEALED
            else:
                assert before.current is not None
                assert [c.order for c in changed] == [before.current.order]
        else:
            assert op[0] == "revise" and order.revision == before.revision + 1
            assert all(s.state is SignatoryState.PENDING for s in order.slots)
        check_invariants(order)


@settings(max_examples=100, deadline=None)
@given(slots=slots_strategy, ops=st.lists(operation, max_size=15))
def test_a_closed_record_refuses_every_operation(slots: list[Slot], ops: list[tuple]) -> None:
    order = SigningOrder.start(0, slots)
    while order.current is not None:  # everyone signs, then the seal
        order = order.sign(order.current.order)
    order = order.seal()
    for op in ops:
        with pytest.raises(SigningError) as caught:
            apply(order, op)
        assert caught.value.reason == "record_sealed"


@settings(max_examples=100, deadline=None)
@given(slots=slots_strategy)
def test_only_the_current_signatory_can_ever_sign(slots: list[Slot]) -> None:
    order = SigningOrder.start(0, slots)
    while order.current is not None:
        for slot in order.slots:
            if slot.order != order.current.order:
                with pytest.raises(SigningError):
                    order.sign(slot.order)
        order = order.sign(order.current.order)
    assert order.state is RecordState.READY
