"""``python -m bot run``: settings, logging with the token redacted, the database, the bot."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from contextlib import closing
from typing import TextIO

import discord

from bot.config import Secret, Settings
from bot.discord_ui.client import READ_UNADDRESSED, StartupRefused
from bot.discord_ui.lifecycle import serve, stop_on_signals
from bot.engine import KnowledgeError
from bot.live_settings import LiveSettings
from bot.store import EVERY_SERVER, Store, StoreError

log = logging.getLogger(__name__)

SETUP_HINT = (
    "No DISCORD_TOKEN set. Copy .env.example to .env and put your bot token there "
    "(Discord developer portal -> your application -> Bot -> Reset Token), or export "
    "DISCORD_TOKEN. To try the bot without Discord: python -m bot chat"
)
WAITING_WHEN_REFUSED = (
    "Waiting to be stopped instead of exiting, so that a restart does not try the same "
    "settings again: fix them, then recreate the container (docker compose up -d "
    "--force-recreate)."
)
REDACTED = "[token redacted]"
PLAIN_FORMAT = "[{asctime}] [{levelname:<8}] {name}: {message}"
"""discord.py's own log format, without colour."""
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
_INTERACTION_TOKEN = re.compile(r"((?:interactions|webhooks)/\d+/)[\w.-]{20,}")
"""An interaction or webhook token in a REST path: it can answer as the bot for 15 minutes."""
_MEMBER_TEXT = re.compile(
    r"""(["'](?:content|value|query|name|title|filename|description|topic)["']\s*:\s*)"""
    r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
)
"""Members' words in a logged gateway payload: a message's content, an option's value, a forum
post's title (a thread's name), an attachment's file name. Each quote kind has its own
alternative so that no character can be matched two ways (linear)."""


class RedactSecrets(logging.Filter):
    """Removes the token, interaction tokens and members' words from every log record."""

    def __init__(self, token: str) -> None:
        """Redact ``token`` (and what every deployment has: interaction tokens, message text)."""
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record without secrets or members' text, traceback too; keep it."""
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters use exc_text when it is set: the traceback is redacted here, once.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def redact(self, text: str) -> str:
        """``text`` without the token, interaction tokens and members' words."""
        if self.token:
            text = text.replace(self.token, REDACTED)
        text = _INTERACTION_TOKEN.sub(r"\1[interaction token redacted]", text)
        return _MEMBER_TEXT.sub(r'\1"[member text redacted]"', text)


def intent_needed(live: LiveSettings) -> str:
    """Which setting needs the Message Content intent Discord refused, and what to do.

    One set with /setup is named with the server it was set in and the shell's way to empty it.
    """
    names = [name for name in READ_UNADDRESSED if live.set_anywhere(name)]
    named = " and ".join(names)
    lines = [
        f"{named} {'need' if len(names) > 1 else 'needs'} the Message Content intent: enable it "
        "in the developer portal (Bot -> Privileged Gateway Intents) or leave "
        f"{'them' if len(names) > 1 else 'it'} empty."
    ]
    for name in names:
        for server in live.store.servers_setting(name):
            every = server == EVERY_SERVER
            scope = "for every server" if every else f"in server {server}"
            option = "" if every else f" --server {server}"
            lines.append(
                f"{name} is set with /setup {scope}: python -m bot setup unset {name}{option}"
            )
    return "\n".join(lines)


def configure_logging(settings: Settings, token: str, stream: TextIO | None = None) -> None:
    """discord.py's log format to ``stream`` (stderr) at the configured level, secrets redacted.

    Coloured only when the stream is a terminal: discord.py would colour inside any Docker
    container, and a log file or journal would keep the escape codes. ``discord.http`` logs
    at WARNING.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    plain = logging.Formatter(PLAIN_FORMAT, DATE_FORMAT, style="{")
    colour = {} if handler.stream.isatty() else {"formatter": plain}
    discord.utils.setup_logging(
        handler=handler, level=getattr(logging, settings.log_level), root=True, **colour
    )
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    redact = RedactSecrets(token)
    for each in logging.getLogger().handlers:
        each.addFilter(redact)


def rejected_token(token: Secret) -> str:
    """What to say when Discord refuses the token: where it was read, and where to get one."""
    return (
        f"Discord rejected the token from {token.origin}: check DISCORD_TOKEN there "
        "(developer portal -> your application -> Bot -> Reset Token)."
    )


def check_database(settings: Settings) -> None:
    """Open and close the database; raises ``StoreError`` saying what is wrong with it.

    Done before connecting, so a bad DATABASE_PATH is reported without logging in to Discord.
    """
    Store(settings.database_path).close()


async def _main(settings: Settings, token: str) -> None:
    stop = asyncio.Event()
    stop_on_signals(stop)
    await serve(settings, token, stop)


async def _until_stopped() -> None:
    stop = asyncio.Event()
    stop_on_signals(stop)
    print(WAITING_WHEN_REFUSED, file=sys.stderr, flush=True)
    await stop.wait()


def wait_to_be_stopped() -> None:
    """Say that the bot waits instead of exiting, then block until SIGTERM or SIGINT.

    For ``run --wait-when-refused``, the container's command. A refusal at start-up (a rejected
    token, settings that can't be read) meets every restart again, and a Docker restart policy
    can't tell its exit from a crash: waiting leaves one explanation in the log instead of a
    login at every restart, and the container unhealthy until someone fixes the settings.
    """
    asyncio.run(_until_stopped())


def run_bot(settings: Settings) -> int:
    """Run until SIGTERM or SIGINT; return the process exit code (0 for a clean stop).

    Any other code is a refusal at start-up that a restart would meet again, said on stderr.
    """
    secret = settings.discord_token
    token = secret.get_secret_value() if secret else ""
    if secret is None or not token.strip():
        print(SETUP_HINT, file=sys.stderr)
        return 2
    configure_logging(settings, token)
    try:
        check_database(settings)
        asyncio.run(_main(settings, token))
    except StoreError as error:  # from the check, or the bot's own opening at start-up
        print(error, file=sys.stderr)
        return 2
    except StartupRefused as error:
        print(error, file=sys.stderr)
        return 1
    except KnowledgeError as error:
        print(f"The knowledge base is not valid:\n{error}", file=sys.stderr)
        return 1
    except discord.LoginFailure:
        print(rejected_token(secret), file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        with closing(Store(settings.database_path)) as store:
            print(intent_needed(LiveSettings(settings, store)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # before the signal handlers are in place
        log.info("Stopped")
    return 0
