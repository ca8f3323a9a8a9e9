"""Members take turns on the answering thread: one member's flood delays only that member."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.discord_ui import fair_queue
from bot.discord_ui.fair_queue import FairQueue
from tests.discord_ui.conftest import World
from tests.discord_ui.test_members import mention
from tests.discord_ui.test_screening import gate_the_encoder, open_once_waiting


class GatedWork:
    """Work that records the names it ran, in order; "a1" first waits for :attr:`gate`."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.gate = threading.Event()

    def __call__(self, name: str) -> str:
        if name == "a1":
            assert self.gate.wait(timeout=5)
        self.ran.append(name)
        return name


class HeldCall:
    """Calls that record the names they start, in order; the one named ``held`` waits.

    It sets :attr:`running` once started, and waits for :attr:`release`.
    """

    def __init__(self, held: str) -> None:
        self.held = held
        self.started: list[str] = []
        self.running = threading.Event()
        self.release = threading.Event()

    def __call__(self, name: str) -> str:
        self.started.append(name)
        if name == self.held:
            self.running.set()
            assert self.release.wait(timeout=5)
        return name


async def test_members_take_turns() -> None:
    """A's five calls queued before B's one: B's runs second, not sixth."""
    work = GatedWork()
    with ThreadPoolExecutor(max_workers=1) as executor:
        queue = FairQueue(executor)
        calls = [asyncio.create_task(queue.run(1, lambda n=f"a{i}": work(n))) for i in range(1, 6)]
        await asyncio.sleep(0)
        calls.append(asyncio.create_task(queue.run(2, lambda: work("b1"))))
        await asyncio.sleep(0)
        work.gate.set()
        results = await asyncio.gather(*calls)
    assert results == ["a1", "a2", "a3", "a4", "a5", "b1"]
    assert work.ran == ["a1", "b1", "a2", "a3", "a4", "a5"]


async def test_two_workers_serve_two_members_never_one_member_twice() -> None:
    """While A's first call is held, B's runs beside it; A's second waits for A's first."""
    work = HeldCall("a1")
    started, held = work.started, work.release
    with ThreadPoolExecutor(max_workers=2) as executor:
        queue = FairQueue(executor, workers=2)
        calls = [asyncio.create_task(queue.run(1, lambda n=f"a{i}": work(n))) for i in (1, 2)]
        calls.append(asyncio.create_task(queue.run(2, lambda: work("b1"))))
        assert await calls[2] == "b1"  # done while a1 is still held
        assert started == ["a1", "b1"]
        held.set()
        assert await asyncio.gather(*calls) == ["a1", "a2", "b1"]
    assert started == ["a1", "b1", "a2"]


async def test_a_background_call_waits_while_another_members_question_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A's background call, queued while B's question is held, starts once it ends.

    Its longest wait is an hour: it starts when the queue goes quiet, not when that is over.
    """
    monkeypatch.setattr(fair_queue, "BACKGROUND_WAIT_SECONDS", 3600)
    work = HeldCall("b1")
    started, held, running = work.started, work.release, work.running
    with ThreadPoolExecutor(max_workers=2) as executor:
        queue = FairQueue(executor, workers=2)
        question = asyncio.create_task(queue.run(2, lambda: work("b1")))
        assert await asyncio.to_thread(running.wait, 5)
        background = asyncio.create_task(queue.run(1, lambda: work("a1"), background=True))
        await asyncio.sleep(0.2)  # a free worker, yet A's call doesn't start beside B's
        assert started == ["b1"]
        held.set()
        assert await asyncio.wait_for(asyncio.gather(question, background), 10) == ["b1", "a1"]
    assert started == ["b1", "a1"]


async def test_a_background_call_runs_beside_others_once_it_has_waited_long_enough(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Never starved: past its longest wait, A's background call runs beside B's question."""
    monkeypatch.setattr(fair_queue, "BACKGROUND_WAIT_SECONDS", 0.1)
    work = HeldCall("b1")
    started, held = work.started, work.release
    with ThreadPoolExecutor(max_workers=2) as executor:
        queue = FairQueue(executor, workers=2)
        question = asyncio.create_task(queue.run(2, lambda: work("b1")))
        background = asyncio.create_task(queue.run(1, lambda: work("a1"), background=True))
        assert await background == "a1"  # done while b1 is still held
        held.set()
        assert await question == "b1"
    assert started == ["b1", "a1"]


async def test_two_members_background_calls_do_not_wait_for_each_others_later_questions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A and B each have a background call, then a question: nothing runs, so all four do.

    A question behind its own member's background call can't start before it: it is no
    reason for another member's background call to wait (an hour, here), nor theirs for it.
    """
    monkeypatch.setattr(fair_queue, "BACKGROUND_WAIT_SECONDS", 3600)
    with ThreadPoolExecutor(max_workers=2) as executor:
        queue = FairQueue(executor, workers=2)
        calls = [
            asyncio.create_task(queue.run(1, lambda: "a1", background=True)),
            asyncio.create_task(queue.run(2, lambda: "b1", background=True)),
            asyncio.create_task(queue.run(1, lambda: "a2")),
            asyncio.create_task(queue.run(2, lambda: "b2")),
        ]
        assert await asyncio.wait_for(asyncio.gather(*calls), 10) == ["a1", "b1", "a2", "b2"]


async def test_background_calls_that_may_start_together_take_every_free_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once C's question ends, A's and B's waiting background calls run side by side.

    A's call holds until B's has started: on one worker, it would wait for it in vain.
    """
    monkeypatch.setattr(fair_queue, "BACKGROUND_WAIT_SECONDS", 3600)
    started: list[str] = []
    held, running, b_started = threading.Event(), threading.Event(), threading.Event()

    def work(name: str) -> str:
        started.append(name)
        if name == "c1":
            running.set()
            assert held.wait(timeout=5)
        if name == "a1":
            assert b_started.wait(timeout=5)
        if name == "b1":
            b_started.set()
        return name

    with ThreadPoolExecutor(max_workers=2) as executor:
        queue = FairQueue(executor, workers=2)
        question = asyncio.create_task(queue.run(3, lambda: work("c1")))
        assert await asyncio.to_thread(running.wait, 5)
        readings = [
            asyncio.create_task(queue.run(member, lambda n=name: work(n), background=True))
            for member, name in ((1, "a1"), (2, "b1"))
        ]
        await asyncio.sleep(0)
        assert started == ["c1"]
        held.set()
        assert await asyncio.wait_for(asyncio.gather(question, *readings), 10) == [
            "c1",
            "a1",
            "b1",
        ]


async def test_a_background_call_runs_at_once_on_a_quiet_queue() -> None:
    """With nobody else asking, a background call is not made to wait."""
    with ThreadPoolExecutor(max_workers=2) as executor:
        queue = FairQueue(executor, workers=2)
        assert await asyncio.wait_for(queue.run(1, lambda: "a1", background=True), 1.0) == "a1"


async def test_an_error_reaches_its_caller_and_the_queue_goes_on() -> None:
    """A call that raises fails its own caller only."""

    def broken() -> None:
        raise ValueError("broken")

    with ThreadPoolExecutor(max_workers=1) as executor:
        queue = FairQueue(executor)
        with pytest.raises(ValueError, match="broken"):
            await queue.run(1, broken)
        assert await queue.run(1, lambda: "fine") == "fine"


async def test_closing_cancels_waiting_calls_and_lets_a_running_one_finish() -> None:
    """A stopping bot drops the messages still waiting, without running them or erring."""
    work = GatedWork()
    with ThreadPoolExecutor(max_workers=1) as executor:
        queue = FairQueue(executor)
        running = asyncio.create_task(queue.run(1, lambda: work("a1")))
        waiting = [asyncio.create_task(queue.run(n, lambda n=n: work(f"m{n}"))) for n in (1, 2)]
        await asyncio.sleep(0.05)
        queue.close()
        work.gate.set()
        assert await running == "a1"
        for call in waiting:
            with pytest.raises(asyncio.CancelledError):
                await call
        with pytest.raises(asyncio.CancelledError):
            await queue.run(3, lambda: work("late"))
    assert work.ran == ["a1"]


@pytest.mark.parametrize("bot_settings", [{"burst_answers": 3, "burst_seconds": 60}])
async def test_a_flood_from_one_member_does_not_hold_up_another(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob asks after Alice's twenty mentions: his turn comes next, not after all twenty.

    The encoder is held shut until all twenty-one messages wait to be read, so the order the
    bot works in is decided by the queue alone, not by how fast anything runs.
    """
    gated = gate_the_encoder(world, monkeypatch)
    for number in range(20):
        await world.alice.says(world.general, mention(world, f"what is the IT band? ({number})"))
    bob = await world.bob.says(world.general, mention(world, "what is the vastus lateralis?"))
    await open_once_waiting(gated, handlers=21)
    done = [
        request
        for request in world.fake.requests
        if (request.method == "PUT" and "/reactions/" in request.path)
        or (request.method == "POST" and request.path == f"/channels/{world.general.id}/messages")
    ]
    answered_bob = next(
        index
        for index, request in enumerate(done)
        if request.method == "POST"
        and str((request.json.get("message_reference") or {}).get("message_id")) == str(bob.id)
    )
    assert answered_bob <= 2, [request.summary() for request in done]
