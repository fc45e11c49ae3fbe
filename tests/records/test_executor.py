"""Ordered executors: jobs run one at a time in submission order; the immediate one runs them
on the caller's thread; failures arrive in the future and in the failure callback."""

from __future__ import annotations

import threading
from concurrent.futures import Future

import pytest

from records.executor import ImmediateExecutor, SerialExecutor, when_done


def test_the_serial_executor_runs_jobs_in_order_on_one_thread() -> None:
    seen: list[tuple[int, str]] = []
    gate = threading.Event()
    with SerialExecutor(name="test-writer") as executor:
        executor.submit(gate.wait, 5)
        futures = [executor.submit(lambda i=i: seen.append((i, threading.current_thread().name)))
                   for i in range(50)]
        gate.set()
        for future in futures:
            future.result(timeout=5)
    assert [i for i, _ in seen] == list(range(50))
    assert {name for _, name in seen} == {"test-writer_0"}


def test_a_failing_job_does_not_stop_the_ones_after_it() -> None:
    with SerialExecutor() as executor:
        failing = executor.submit(lambda: 1 / 0)
        after = executor.submit(lambda: "still runs")
        with pytest.raises(ZeroDivisionError):
            failing.result(timeout=5)
        assert after.result(timeout=5) == "still runs"


def test_the_immediate_executor_runs_on_the_callers_thread() -> None:
    executor = ImmediateExecutor()
    future = executor.submit(threading.current_thread)
    assert future.done() and future.result() is threading.current_thread()
    failed = executor.submit(lambda: [][1])
    assert isinstance(failed.exception(), IndexError)
    executor.shutdown()
    with pytest.raises(RuntimeError):
        executor.submit(lambda: None)


def test_when_done_calls_exactly_one_callback() -> None:
    executor = ImmediateExecutor()
    results: list[object] = []
    when_done(executor.submit(lambda: 42), results.append, lambda e: results.append(("E", e)))
    error = ValueError("bad")

    def fail() -> None:
        raise error

    when_done(executor.submit(fail), results.append, lambda e: results.append(("E", e)))
    assert results == [42, ("E", error)]


def test_a_callback_that_raises_is_logged_not_lost(caplog: pytest.LogCaptureFixture) -> None:
    future: Future[int] = Future()

    def broken(_: int) -> None:
        raise RuntimeError("callback bug")

    when_done(future, broken, lambda e: None)
    future.set_result(1)
    assert "a completion callback failed" in caplog.text
