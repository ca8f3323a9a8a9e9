"""Deploying: any working directory, teaches in the data directory, plain logs, the files.

The files: the Dockerfile, .dockerignore, compose.yaml and the systemd unit keep their promises.
"""

from __future__ import annotations

import configparser
import io
import json
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
import yaml

from bot.config import Settings
from bot.discord_ui.runner import configure_logging, rejected_token
from bot.engine import Engine
from tests.conftest import KNOWLEDGE, REPO
from tests.test_cli import run

TAUGHT = "the stripy band down the outside of my leg"


def test_check_and_ask_work_from_outside_the_checkout(tmp_path: Path, engine: Engine) -> None:
    """Started elsewhere, the bot still finds knowledge/ in the project, not in the cwd.

    ``engine`` fills the session's embedding cache, which ``ask`` then reads.
    """
    checked = run("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"{KNOWLEDGE}: OK: ")
    asked = run("ask", "--json", "should i foam roll my IT band?", cwd=tmp_path)
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["id"] == "foam-rolling"
    assert list(tmp_path.iterdir()) == [], "nothing is written where the bot was started"


def test_teaches_go_to_the_data_dir_and_leave_the_knowledge_base_alone(tmp_path: Path) -> None:
    """With DATA_DIR set, a teach writes DATA_DIR/learned.yaml, which ask then reads."""
    knowledge = Path(shutil.copytree(KNOWLEDGE, tmp_path / "knowledge"))
    shipped = (knowledge / "learned.yaml").read_bytes()
    settings = {
        "KNOWLEDGE_DIR": str(knowledge),
        "DATA_DIR": str(tmp_path / "data"),
        "SEMANTIC": "false",
    }
    taught = run("teach", "it-band", TAUGHT, cwd=tmp_path, **settings)
    assert taught.returncode == 0, taught.stderr
    assert (knowledge / "learned.yaml").read_bytes() == shipped
    learned = yaml.safe_load((tmp_path / "data" / "learned.yaml").read_text())
    assert [(item["entry"], item["question"]) for item in learned["learned"]] == [
        ("it-band", TAUGHT)
    ]
    asked = run("ask", "--json", TAUGHT, cwd=tmp_path, **settings)
    assert json.loads(asked.stdout)["id"] == "it-band"
    checked = run("check", cwd=tmp_path, **settings)
    before = run("check", cwd=tmp_path, KNOWLEDGE_DIR=str(knowledge), SEMANTIC="false")
    [with_teach] = re.findall(r"(\d+) questions", checked.stdout)
    assert re.findall(r"(\d+) questions", before.stdout) == [str(int(with_teach) - 1)]


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Leave the root logger as it was after a test configures logging."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_logs_are_plain_off_a_terminal_even_in_a_container(
    root_logging: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log file, journal or ``docker logs`` gets no colour codes; a terminal does."""
    monkeypatch.setattr(discord.utils, "is_docker", lambda: True)
    stream = io.StringIO()
    configure_logging(Settings(), "abc.def.ghi", stream)
    logging.getLogger("bot.test").info("hello abc.def.ghi")
    line = stream.getvalue()
    assert "\x1b[" not in line
    assert re.fullmatch(
        r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[INFO    \] bot\.test: hello \[token redacted\]\n",
        line,
    )
    terminal = _Terminal()
    configure_logging(Settings(), "abc.def.ghi", terminal)
    logging.getLogger("bot.test").info("hello")
    assert "\x1b[" in terminal.getvalue()


def test_a_rejected_token_from_the_env_file_names_the_file(tmp_path: Path) -> None:
    """The token's origin is part of the message, so the deployer fixes the right place."""
    (tmp_path / ".env").write_text("DISCORD_TOKEN=abc.def.ghi\n")
    token = Settings.from_environment({}, tmp_path / ".env").discord_token
    assert token is not None
    assert rejected_token(token) == (
        f"Discord rejected the token from the .env file {tmp_path / '.env'}: check "
        "DISCORD_TOKEN there (developer portal -> your application -> Bot -> Reset Token)."
    )


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuations joined."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
        for line in joined.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_image_runs_the_bot_as_a_user_with_its_data_in_a_volume() -> None:
    """Non-root, ``pip install .`` (the model wheel with it), DATA_DIR the volume, run as CMD."""
    steps = _instructions((REPO / "Dockerfile").read_text())
    keywords = [keyword for keyword, _ in steps]
    assert steps[0] == ("FROM", "python:3.11-slim")
    assert ("RUN", "pip install .") in steps
    assert ("VOLUME", "/data") in steps
    assert ("USER", "bot") in steps
    assert keywords.index("USER") > keywords.index("RUN", keywords.index("COPY"))
    environment = " ".join(arguments for keyword, arguments in steps if keyword == "ENV")
    assert "DATA_DIR=/data" in environment
    assert "KNOWLEDGE_DIR=/app/knowledge" in environment
    assert steps[-1] == ("CMD", '["python", "-m", "bot", "run"]')
    health = dict(steps)["HEALTHCHECK"]
    assert health.endswith('CMD ["python", "-m", "bot", "health"]')
    assert "torch" not in (REPO / "pyproject.toml").read_text()


def test_dockerignore_keeps_secrets_environments_and_data_out() -> None:
    """The token's .env, virtual environments, git, caches and databases never reach the image."""
    patterns = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {
        ".env",
        ".env.*",
        ".venv",
        ".git",
        "data",
        "**/*.sqlite3*",
        "**/__pycache__",
    } <= patterns
    assert "!.env.example" in patterns


def test_compose_restarts_the_bot_with_settings_from_env_and_a_named_volume() -> None:
    """``restart: unless-stopped``, ``env_file: .env``, DATA_DIR on a named volume."""
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    bot = compose["services"]["bot"]
    assert bot["restart"] == "unless-stopped"
    assert bot["env_file"] == ".env"
    assert bot["environment"]["DATA_DIR"] == "/data"
    [volume] = bot["volumes"]
    name, mount = volume.split(":")
    assert mount == "/data"
    assert name in compose["volumes"]


def test_the_systemd_unit_runs_the_bot_from_the_checkout_as_its_own_user() -> None:
    """ExecStart is the venv's ``python -m bot run`` in the checkout; restarts on failure."""
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string((REPO / "deploy" / "movement-bot.service").read_text())
    service = unit["Service"]
    root = service["WorkingDirectory"]
    assert service["ExecStart"] == f"{root}/.venv/bin/python -m bot run"
    assert service["User"] == "movement-bot"
    assert service["Restart"] == "on-failure"
    assert service["KillSignal"] == "SIGTERM"
    assert service["StateDirectory"] == "movement-bot"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_health_says_whether_the_running_bot_is_connected(tmp_path: Path) -> None:
    """Exit 1 with the reason while DATA_DIR/alive is missing; 0 once the bot has touched it."""
    data = tmp_path / "data"
    data.mkdir()
    down = run("health", cwd=tmp_path, DATA_DIR=str(data))
    assert down.returncode == 1
    assert down.stderr == (
        f"not connected: {data / 'alive'} is missing (the bot is stopped or not connected yet)\n"
    )
    (data / "alive").touch()
    up = run("health", cwd=tmp_path, DATA_DIR=str(data))
    assert (up.returncode, up.stdout) == (
        0,
        f"connected: {data / 'alive'} touched in the last 90 s\n",
    )
