"""A knowledge base whose routine has two exercises: Discord says two wherever it counts them."""

from __future__ import annotations

from pathlib import Path

from fakediscord import DiscordErrorGuard, FakeDiscord, run_client

from bot.discord_ui.client import create_bot
from bot.engine import Engine
from tests.conftest import tiny_routine, write_files
from tests.discord_ui.conftest import make_settings


async def test_a_routine_of_two_is_two_exercises_on_discord(
    tmp_path: Path, tiny_files: dict[str, str]
) -> None:
    """A greeting, /routine's description, /help and the guide's finish all say two."""
    files = {**tiny_files, "routine.yaml": tiny_routine(2)}
    knowledge = write_files(tmp_path / "knowledge", files)
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Club")
        channel = guild.add_text_channel("general")
        alice = guild.add_member("alice")
        settings = make_settings(tmp_path, fake, guild, channel, knowledge_dir=knowledge)
        bot = create_bot(settings, Engine.from_directory(knowledge), guild_ready_timeout=0.1)
        async with DiscordErrorGuard(loggers=("discord", "bot")), run_client(bot, fake):
            await alice.says(channel, f"<@{fake.bot_user.id}>")
            greeting = await channel.next_bot_message()
            assert "the article's two exercises" in greeting.text
            routine = fake.commands.find("routine", guild.id)
            assert routine is not None
            assert routine["description"] == "The two exercises in order, with doses."
            about = await alice.slash("help", channel=channel)
            assert "walks you through the two exercises" in about.message.text
            overview = (await alice.slash("routine", channel=channel)).message
            page = (await alice.click(overview, "Start guided mode")).message
            page = (await alice.click(page, "Next")).message
            done = (await alice.click(page, "Finish")).message
            assert "all two exercises, in order" in done.text
