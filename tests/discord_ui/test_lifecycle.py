"""Running 24/7: a clean stop on SIGTERM, start-up retried, the lines a deployer watches.

The lines: ready, heartbeat, and the health file ``python -m bot health`` reads.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from fakediscord import FakeDiscord

from bot.config import Settings
from bot.discord_ui.client import create_bot
from bot.discord_ui.lifecycle import (
    Backoff,
    heartbeat,
    heartbeat_line,
    keep_alive_file,
    ready_line,
    serve,
)
from bot.engine import Engine
from bot.health import problem
from tests.conftest import REPO, cache_copy
from tests.discord_ui.conftest import World, make_settings

LIFECYCLE = "bot.discord_ui.lifecycle"
T = TypeVar("T")


def _environment(fake: FakeDiscord, tmp_path: Path, **extra: str) -> dict[str, str]:
    """``python -m bot run`` pointed at the fake, everything it writes in tmp_path/data."""
    knowledge = tmp_path / "knowledge"
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DISCORD_TOKEN": fake.token,
        "KNOWLEDGE_DIR": str(knowledge),
        "DATA_DIR": str(tmp_path / "data"),
        "CACHE_DIR": str(cache_copy(tmp_path / "cache")),
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "AUTO_RELOAD": "false",
        **extra,
    }


async def _start(env: dict[str, str], cwd: Path, *options: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *options,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@asynccontextmanager
async def _running(
    env: dict[str, str], cwd: Path, *options: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bot run``, killed on the way out if it is still running."""
    process = await _start(env, cwd, *options)
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _stopped(process: asyncio.subprocess.Process) -> bytes:
    """SIGTERM the bot, as ``docker stop`` and systemd do; the rest of its output."""
    process.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    return output


async def test_sigterm_finishes_the_answer_closes_the_database_and_exits_0(
    tmp_path: Path, engine: Engine
) -> None:
    """``docker stop`` / systemd: the stored question survives, 'Stopped' is logged, exit 0.

    ``engine`` fills the session's embedding cache, which the bot's process then reads.
    """
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Club")
        channel = guild.add_text_channel("general")
        member = guild.add_member("alice")
        settings = make_settings(tmp_path, fake, guild, channel)
        env = _environment(fake, tmp_path, GUILD_ID=str(guild.id))
        async with _running(env, tmp_path) as process:
            await fake.wait_for_request("PUT", r"/applications/\d+/guilds/\d+/commands", timeout=60)
            await fake.sync_with_bot()
            await member.says(channel, f"<@{fake.bot_user.id}> should I foam roll my IT band?")
            reply = await channel.next_bot_message(timeout=15)
            output = await _stopped(process)
    log = output.decode()
    assert "foam" in reply.text.casefold()
    assert process.returncode == 0, log
    lines = log.splitlines()
    assert "SIGTERM received: stopping" in log
    assert lines[-1].endswith(f"{LIFECYCLE}: Stopped"), lines[-3:]
    assert "Traceback" not in log
    assert "\x1b[" not in log, "no colour codes when the log is not a terminal"
    database = tmp_path / "data" / "bot.sqlite3"
    assert settings.knowledge_dir == tmp_path / "knowledge"
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT text, outcome FROM asks").fetchall()
    assert stored == [("should I foam roll my IT band?", "answer")]
    assert not (tmp_path / "data" / "alive").exists(), "a stopped bot leaves no health file"


async def _run_until_it_stops(tmp_path: Path, **settings: str) -> tuple[int | None, str]:
    """``python -m bot run`` against the fake with ``settings``: its exit code and its log."""
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Club")
        make_settings(tmp_path, fake, guild, guild.add_text_channel("general"))
        env = _environment(fake, tmp_path, SEMANTIC="false", **settings)
        process = await _start(env, cwd=tmp_path)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, output.decode()


async def test_a_rejected_token_from_the_environment_says_so(tmp_path: Path) -> None:
    """A 401 at login: exit 1 and one line naming where the token came from."""
    code, log = await _run_until_it_stops(tmp_path, DISCORD_TOKEN="wrong.token")
    assert code == 1, log
    assert log.splitlines()[-1] == (
        "Discord rejected the token from the environment: check DISCORD_TOKEN there "
        "(developer portal -> your application -> Bot -> Reset Token)."
    )
    assert "wrong.token" not in log
    assert "Traceback" not in log


async def test_a_wrong_guild_id_is_one_line_naming_it(tmp_path: Path) -> None:
    """A server Discord doesn't know: exit 1 and one line naming GUILD_ID, no traceback."""
    code, log = await _run_until_it_stops(tmp_path, GUILD_ID="123456789012345678")
    assert code == 1, log
    assert log.splitlines()[-1].startswith("GUILD_ID=123456789012345678: Discord says")
    assert "Traceback" not in log


WAITING = (
    "Waiting to be stopped instead of exiting, so that a restart does not try the same "
    "settings again: fix them, then recreate the container (docker compose up -d "
    "--force-recreate)."
)


async def _lines_until(process: asyncio.subprocess.Process, last: str) -> list[str]:
    """The process's output lines up to and including ``last`` (all of it if it never comes)."""
    assert process.stdout is not None
    lines: list[str] = []
    while line := (await process.stdout.readline()).decode():
        lines.append(line.rstrip("\n"))
        if lines[-1] == last:
            break
    return lines


@pytest.mark.parametrize(
    ("settings", "code", "refusal", "stopping"),
    [
        (
            {"DISCORD_TOKEN": "wrong.token"},
            1,
            "Discord rejected the token from the environment: check DISCORD_TOKEN there "
            "(developer portal -> your application -> Bot -> Reset Token).",
            "SIGTERM received: stopping",
        ),
        (
            {"GUILD_ID": "not-a-number"},
            2,
            "Some settings (environment or .env) can't be read:",
            "",
        ),
    ],
    ids=["rejected-token", "unreadable-setting"],
)
async def test_wait_when_refused_says_why_once_then_waits_to_be_stopped(
    tmp_path: Path, settings: dict[str, str], code: int, refusal: str, stopping: str
) -> None:
    """The image's ``run --wait-when-refused``: a refusal that any restart would meet again.

    Said once, then the bot waits (no exit for compose's restart policy to answer with another
    start and another login) until SIGTERM, and exits with the refusal's code.
    """
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Club")
        make_settings(tmp_path, fake, guild, guild.add_text_channel("general"))
        env = _environment(fake, tmp_path, SEMANTIC="false", **settings)
        async with _running(env, tmp_path, "--wait-when-refused") as process:
            lines = await asyncio.wait_for(_lines_until(process, WAITING), timeout=60)
            assert process.returncode is None, lines
            rest = await _stopped(process)
    log = "\n".join(lines) + "\n" + rest.decode()
    assert lines[-1] == WAITING, log
    assert refusal in log
    assert stopping in rest.decode()
    assert process.returncode == code, log
    assert "Traceback" not in log
    assert "wrong.token" not in log


def _free_port() -> int:
    """A port nothing listens on (connections to it are refused until something does)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def _forwarder(port: int, target: int) -> AsyncIterator[None]:
    """The network coming back: 127.0.0.1:port starts relaying to the fake at ``target``."""

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target)

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            finally:
                sink.close()

        await asyncio.gather(
            pipe(reader, upstream_writer), pipe(upstream_reader, writer), return_exceptions=True
        )

    server = await asyncio.start_server(relay, "127.0.0.1", port)
    async with server:
        yield


async def _eventually(check: Callable[[], T], timeout: float = 10.0) -> T:
    """Poll ``check`` until it gives something true, or ``timeout`` s pass: its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.01)


async def _records(caplog: pytest.LogCaptureFixture, text: str, count: int) -> list[str]:
    """The lifecycle's messages containing ``text``, once there are ``count`` (10 s at most)."""

    def found() -> list[str]:
        messages = [
            record.getMessage()
            for record in caplog.records
            if record.name == LIFECYCLE and text in record.getMessage()
        ]
        return messages if len(messages) >= count else []

    return await _eventually(found)


def _serving(
    settings: Settings, token: str, engine: Engine, backoff: Backoff
) -> tuple[asyncio.Event, asyncio.Task[None]]:
    """:func:`serve` in the background on a copy of the session's engine, and its stop event."""
    stop = asyncio.Event()
    work = serve(
        settings, token, stop, engine=copy.copy(engine), backoff=backoff, guild_ready_timeout=0.1
    )
    return stop, asyncio.create_task(work)


async def test_an_unreachable_discord_is_one_line_per_attempt_with_capped_back_off(
    tmp_path: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Connection refused: a warning per attempt, no traceback, waits 0.05, 0.1, 0.2, 0.2 s."""
    caplog.set_level(logging.INFO)
    closed = _free_port()
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Club")
        settings = make_settings(tmp_path, fake, guild, guild.add_text_channel("general"))
        unreachable = f"http://127.0.0.1:{closed}/api/v10"
        settings = settings.model_copy(update={"discord_api_base": unreachable})
        stop, serving = _serving(settings, fake.token, engine, Backoff(0.05, 0.2))
        attempts = await _records(caplog, "Can't reach Discord", 4)
        stop.set()
        await asyncio.wait_for(serving, timeout=10)
    reason = f"Cannot connect to host 127.0.0.1:{closed}"
    assert len(attempts) >= 4
    for number, (message, delay) in enumerate(
        zip(attempts[:4], ("0.05", "0.1", "0.2", "0.2"), strict=True), 1
    ):
        assert message.startswith(f"Can't reach Discord at {unreachable} ({reason}")
        assert message.endswith(f"); retrying in {delay} s (attempt {number})")
    assert not [record for record in caplog.records if record.exc_info]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert caplog.records[-1].getMessage() == "Stopped"


async def test_the_bot_connects_once_discord_is_reachable_again(
    tmp_path: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """After refused attempts the next one logs in, and the bot answers."""
    caplog.set_level(logging.INFO)
    port = _free_port()
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Club")
        channel = guild.add_text_channel("general")
        member = guild.add_member("alice")
        settings = make_settings(tmp_path, fake, guild, channel, heartbeat_seconds=0)
        forwarded = fake.api_base.replace(f":{fake.port}", f":{port}")
        settings = settings.model_copy(update={"discord_api_base": forwarded})
        stop, serving = _serving(settings, fake.token, engine, Backoff(0.05, 0.05))
        assert len(await _records(caplog, "Can't reach Discord", 2)) >= 2
        async with _forwarder(port, fake.port):
            [ready] = await _records(caplog, "Ready as", 1)
            await member.says(channel, f"<@{fake.bot_user.id}> what is the IT band?")
            assert "IT band" in (await channel.next_bot_message(timeout=10)).text
            stop.set()
            await asyncio.wait_for(serving, timeout=10)
    assert ready.startswith("Ready as MovementBot (id ")
    assert caplog.records[-1].getMessage() == "Stopped"


async def test_the_ready_line_names_the_bot_its_servers_and_what_it_knows(world: World) -> None:
    """Name and id, servers, entries, labelled examples, and the semantic layer's state."""
    knowledge = world.bot.engine.knowledge
    assert ready_line(world.bot) == (
        f"Ready as MovementBot (id {world.fake.bot_user.id}) in 1 server(s); knowledge: "
        f"{len(knowledge.entries)} entries, {len(knowledge.examples)} labelled examples; "
        f"{world.bot.engine.semantic_status}"
    )
    assert world.bot.engine.semantic_status.startswith("semantic layer on: all-MiniLM-L6-v2")


def test_the_heartbeat_line_is_counts_only() -> None:
    """Servers, questions by outcome since start, latency; nothing members wrote."""
    assert heartbeat_line(2, {"answer": 5, "abstain": 1, "safety": 1}, 0.0432) == (
        "Alive: 2 server(s); 7 question(s) since start (abstain 1, answer 5, safety 1); "
        "gateway latency 43 ms"
    )
    assert heartbeat_line(1, {}, float("inf")) == (
        "Alive: 1 server(s); 0 question(s) since start; gateway latency unknown"
    )


async def test_a_heartbeat_every_interval_counts_the_questions_answered(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """With a short interval the heartbeat comes round, and counts the answer just given."""
    caplog.set_level(logging.INFO, logger=LIFECYCLE)
    await world.alice.says(world.general, f"<@{world.fake.bot_user.id}> what is the IT band?")
    await world.general.next_bot_message()
    beating = asyncio.create_task(heartbeat(world.bot, 0.05))
    try:
        beats = await _records(caplog, "Alive:", 2)
    finally:
        beating.cancel()
    assert len(beats) >= 2
    assert beats[0].startswith("Alive: 1 server(s); 1 question(s) since start (answer 1); ")
    assert "IT band" not in " ".join(beats)


async def test_the_health_file_is_fresh_while_connected(world: World, tmp_path: Path) -> None:
    """The file ``python -m bot health`` reads is touched while the gateway is open."""
    alive = tmp_path / "alive"
    assert (
        problem(alive)
        == f"not connected: {alive} is missing (the bot is stopped or not connected yet)"
    )
    touching = asyncio.create_task(keep_alive_file(world.bot, alive, every=0.02))
    try:
        assert await _eventually(alive.exists)
        assert problem(alive) is None
    finally:
        touching.cancel()
    later = alive.stat().st_mtime + 91
    assert problem(alive, now=later) == f"not connected for 91 s (last seen connected by {alive})"


async def test_a_reply_the_stop_cut_off_is_one_line_not_a_traceback(
    tmp_path: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """After a stop, a handler's "Session is closed" is logged as dropped; before it, in full."""
    caplog.set_level(logging.INFO)
    bot = create_bot(Settings(database_path=tmp_path / "bot.sqlite3", auto_reload=False), engine)
    try:
        raise RuntimeError("Session is closed")
    except RuntimeError:
        await bot.on_error("on_message")
    assert [record.exc_info is not None for record in caplog.records] == [True]
    caplog.clear()
    await bot.close()
    try:
        raise RuntimeError("Session is closed")
    except RuntimeError:
        await bot.on_error("on_message")
    assert [(record.levelno, record.exc_info) for record in caplog.records] == [
        (logging.INFO, None)
    ]
    assert "dropped: the bot is stopping" in caplog.records[0].getMessage()
