"""A loopback fake Discord (REST v10 + gateway) for end-to-end tests of discord.py bots.

Start a :class:`FakeDiscord`, populate guilds, run the real bot against it
with :func:`run_client`, and drive it as users would::

    async with FakeDiscord() as fake:
        guild = fake.add_guild("Movement Club")
        help_ch = guild.add_text_channel("help")
        alice = guild.add_member("alice")
        async with run_client(bot, fake):
            result = await alice.slash("routine", channel=help_ch)
            assert "squat" in result.content

Forum channels take posts (:meth:`Member.create_forum_post`); a post, like a
thread started from a message (:meth:`Member.start_thread`), is a
:class:`Thread` members post in with :meth:`Member.says`.
"""

from .actors import Channel, Guild, Member, Thread
from .errors import (
    ApiError,
    CommandNotVisible,
    FakeDiscordError,
    InvalidInvocation,
    NoBotResponse,
    UnknownCommand,
)
from .fake import FakeDiscord
from .gateway import GatewayFrame
from .harness import DiscordErrorGuard, discord_endpoints, run_client
from .recording import RecordedRequest, UploadedFile
from .results import InteractionResult
from .settling import handlers_settled
from .state import FakeMessage, Role, StoredAttachment, User

__all__ = [
    "ApiError",
    "Channel",
    "CommandNotVisible",
    "DiscordErrorGuard",
    "FakeDiscord",
    "FakeDiscordError",
    "FakeMessage",
    "GatewayFrame",
    "Guild",
    "InteractionResult",
    "InvalidInvocation",
    "Member",
    "NoBotResponse",
    "RecordedRequest",
    "Role",
    "StoredAttachment",
    "Thread",
    "UnknownCommand",
    "UploadedFile",
    "User",
    "discord_endpoints",
    "handlers_settled",
    "run_client",
]
