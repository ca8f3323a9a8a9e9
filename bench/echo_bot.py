"""A do-nothing discord.py bot for the baseline: replies "ok" to every mention."""

from __future__ import annotations

import os

import discord
import yarl


class EchoBot(discord.Client):
    """Replies "ok" to messages that mention it."""

    async def on_message(self, message: discord.Message) -> None:
        """Answer mentions with "ok"."""
        if self.user and not message.author.bot and self.user.id in message.raw_mentions:
            await message.reply("ok", mention_author=False)


def main() -> None:
    """Point discord.py at the configured endpoints and run."""
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    EchoBot(intents=intents, allowed_mentions=discord.AllowedMentions.none()).run(
        os.environ["DISCORD_TOKEN"], log_handler=None
    )


if __name__ == "__main__":
    main()
