"""Deploying: any working directory, teaches in the data directory, plain logs, the files.

The files: the Dockerfile, .dockerignore, compose.yaml and the systemd unit keep their promises.
"""

from __future__ import annotations

import configparser
import importlib.metadata
import importlib.util
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

import discord
import pytest
import yaml

from bot.config import Settings
from bot.discord_ui.runner import configure_logging, rejected_token
from bot.engine import Engine
from tests.cli.test_commands import run
from tests.conftest import KNOWLEDGE, REPO

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


def _stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's build stages, each its instructions from its FROM; the last is the image."""
    stages: list[list[tuple[str, str]]] = []
    for keyword, arguments in _instructions((REPO / "Dockerfile").read_text()):
        if keyword == "FROM":
            stages.append([])
        stages[-1].append((keyword, arguments))
    return stages


def _runs(stage: list[tuple[str, str]], containing: str) -> list[str]:
    """The arguments of the stage's RUN instructions that contain ``containing``."""
    return [
        arguments for keyword, arguments in stage if keyword == "RUN" and containing in arguments
    ]


RUN_COMMAND = '["python", "-m", "bot", "run", "--wait-when-refused"]'


def test_the_image_runs_the_bot_as_a_user_with_its_data_in_a_volume() -> None:
    """Non-root, DATA_DIR the volume, ``run --wait-when-refused`` as CMD, ``health`` checks it."""
    image = _stages()[-1]
    keywords = [keyword for keyword, _ in image]
    assert image[0] == ("FROM", "python:3.11-slim")
    assert ("VOLUME", "/data") in image
    assert ("USER", "bot") in image
    assert keywords.index("USER") > max(i for i, word in enumerate(keywords) if word == "RUN")
    environment = " ".join(arguments for keyword, arguments in image if keyword == "ENV")
    assert "DATA_DIR=/data" in environment
    assert "KNOWLEDGE_DIR=/app/knowledge" in environment
    assert image[-1] == ("CMD", RUN_COMMAND)
    health = dict(image)["HEALTHCHECK"]
    assert health.endswith('CMD ["python", "-m", "bot", "health"]')
    assert "torch" not in (REPO / "pyproject.toml").read_text()


def test_the_dependencies_are_a_layer_of_their_own_before_the_code() -> None:
    """The dependencies are installed with no code in sight, then the wheel ``--no-deps``.

    A change to the code rebuilds a layer of a megabyte, not the dependencies' 250 MB. The list
    installed is exactly pyproject's ``dependencies``, read by the Dockerfile's own command.
    """
    image = _stages()[-1]
    runs = [arguments for keyword, arguments in image if keyword == "RUN"]
    [dependencies] = _runs(image, "--requirement")
    [code] = _runs(image, "/wheel")
    assert runs.index(dependencies) < runs.index(code)
    mount = "--mount=type=bind,source=pyproject.toml,target=/tmp/pyproject.toml"
    assert dependencies.startswith(mount)
    assert code.startswith("--mount=type=bind,from=wheel,source=/wheel,target=/wheel")
    assert code.endswith("pip install --no-deps --no-compile /wheel/*.whl")
    [listing] = re.findall(r"python -c '([^']+)'", dependencies)
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            listing.replace("/tmp/pyproject.toml", str(REPO / "pyproject.toml")),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert listed.stdout.splitlines() == project["dependencies"]


def test_the_image_holds_the_installed_wheel_and_no_source_or_build_leftovers() -> None:
    """The wheel is built in a stage of its own: no bot/, build/ or *.egg-info reach the image."""
    *builders, image = _stages()
    [wheel] = [stage for stage in builders if stage[0] == ("FROM", "python:3.11-slim AS wheel")]
    assert ("COPY", "bot ./bot") in wheel
    assert wheel[-1] == ("RUN", "pip wheel --no-deps --wheel-dir /wheel .")
    copied = [arguments for keyword, arguments in image if keyword in {"COPY", "ADD"}]
    assert copied == ["knowledge ./knowledge"]
    installs = re.findall(r"pip install (?:-[-\w]+ )*(\S+)", " ".join(_runs(image, "")))
    assert installs == ["/tmp/requirements.txt", "/wheel/*.whl"], "nothing installed from source"


def test_the_bot_users_home_is_outside_the_data_volume() -> None:
    """ONNX Runtime (a device id and a database) and matplotlib write in $HOME: not in /data."""
    image = _stages()[-1]
    [useradd] = _runs(image, "useradd")
    home = re.search(r"--home-dir (\S+)", useradd)
    assert home is not None
    assert not PurePosixPath(home.group(1)).is_relative_to("/data")
    assert "--create-home" in useradd
    assert not [
        arguments for keyword, arguments in image if keyword == "ENV" and "HOME=" in arguments
    ]


def _normalised(distribution: str) -> str:
    """A distribution's name as pip compares them (``hf_xet`` is ``hf-xet``)."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


IMAGE_CHECK = """
import json, sys
from datetime import date

class NotInTheImage:
    \"\"\"Refuses the modules the image removes.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if any(name == gone or name.startswith(f"{gone}.") for gone in sys.argv[1:]):
            raise ModuleNotFoundError(f"No module named {name!r} in the image", name=name)

sys.meta_path.insert(0, NotInTheImage())
import bot.discord_ui.runner
from bot.cli import main
from bot.moderation.charts import usage_chart
from bot.store import EntryStats

main(["ask", "--json", "should i foam roll my IT band?"])
from matplotlib import ft2font

fonts = set()
opened = ft2font.FT2Font

def recorded(path, *args, **kwargs):
    fonts.add(str(path).rsplit("/", 1)[-1])
    return opened(path, *args, **kwargs)

ft2font.FT2Font = recorded
usage_chart(
    [("2026-01-03", "answer", 4)], [EntryStats("it-band", 4, 3, 1)], days=7, today=date(2026, 1, 5)
)
with open("/proc/self/maps") as maps:
    mapped = sorted({line.split()[-1].rsplit("/", 1)[-1] for line in maps if ".so" in line})
print(json.dumps({"modules": sorted(sys.modules), "libraries": mapped, "fonts": sorted(fonts)}))
"""


def test_what_the_image_removes_the_bot_never_loads(tmp_path: Path, engine: Engine) -> None:
    """Answering with the encoder and drawing a chart load nothing the image removes.

    Neither the uninstalled packages, ONNX Runtime's tools, a test suite nor libonnxruntime.so,
    nor a font of matplotlib's but those the image keeps. ``engine`` fills the session's embedding cache,
    which ``ask`` then reads.
    """
    [dependencies] = _runs(_stages()[-1], "--requirement")
    removed = re.search(r"pip uninstall --yes ([\w. -]+?) &&", dependencies)
    assert removed is not None
    removed_names = {_normalised(name) for name in removed.group(1).split()}
    installed = importlib.metadata.packages_distributions().items()
    blocked = {
        module: names
        for module, distributions in installed
        if (names := removed_names & {_normalised(name) for name in distributions})
    }
    assert set().union(*blocked.values()) == removed_names, "each one is installed here"
    [folders] = re.findall(r"rm -r ((?:onnxruntime/\w+ ?)+)", dependencies)
    subpackages = [folder.replace("/", ".") for folder in folders.split()]
    assert all(importlib.util.find_spec(name) for name in subpackages), "each one is here"
    checked = subprocess.run(
        [sys.executable, "-c", IMAGE_CHECK, *blocked, *subpackages],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO), "DATA_DIR": str(tmp_path / "data")},
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    answer, loaded = (json.loads(line) for line in checked.stdout.splitlines()[-2:])
    assert answer["id"] == "foam-rolling"
    assert {"onnxruntime", "tokenizers", "matplotlib"} <= set(loaded["modules"])
    assert [name for name in loaded["modules"] if "tests" in name.split(".")] == []
    libraries = loaded["libraries"]
    assert any(name.startswith("onnxruntime_pybind11_state") for name in libraries)
    assert not [name for name in libraries if name.startswith("libonnxruntime.so")]
    kept = re.findall(r"! -name '([^']+)'", dependencies)
    assert kept, "the image keeps some of matplotlib's fonts"
    assert loaded["fonts"], "the chart opened a font"
    assert [font for font in loaded["fonts"] if not any(fnmatch(font, k) for k in kept)] == []


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


def test_compose_restarts_the_bot_but_a_refusal_waits_instead_of_exiting() -> None:
    """``unless-stopped``, and the image's command waits on a refusal instead of exiting.

    The policy brings the bot back after a crash or a reboot; a refusal (a rejected token) would
    come back with it every time. Settings from ``.env``, DATA_DIR on a named volume.
    """
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    bot = compose["services"]["bot"]
    assert bot["restart"] == "unless-stopped"
    assert "command" not in bot
    assert "entrypoint" not in bot
    assert _stages()[-1][-1] == ("CMD", RUN_COMMAND)
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
