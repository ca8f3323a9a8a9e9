"""End-to-end tests of the fake Discord with the real discord.py stack and a tiny bot."""

from __future__ import annotations

import asyncio
import io
import logging
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import discord
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands
from fakediscord import (
    ApiError,
    Channel,
    CommandNotVisible,
    DiscordErrorGuard,
    FakeDiscord,
    FakeMessage,
    Guild,
    InvalidInvocation,
    Member,
    NoBotResponse,
    Role,
    Thread,
    UnknownCommand,
    handlers_settled,
    run_client,
)

MESSAGES = r"/channels/\d+/messages"
EXERCISES = ["curl", "curtsy lunge", "squat", "side plank"]


class PagerView(discord.ui.View):
    """Two pages with a Next button."""

    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Next", custom_id="pager:next")
    async def next_page(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        button.disabled = True
        await interaction.response.edit_message(content="page 2", view=self)


class PickView(discord.ui.View):
    """A select menu answering with the picked entries."""

    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.select(
        custom_id="pick:entry",
        options=[
            discord.SelectOption(label="IT band", value="it-band"),
            discord.SelectOption(label="Hip", value="hip"),
        ],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"picked {','.join(select.values)}", ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    """A one-field modal."""

    comment = discord.ui.TextInput(label="Comment", custom_id="feedback:comment")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks for: {self.comment.value}", ephemeral=True)


@dataclass
class Seen:
    """What the bot observed through the gateway."""

    own_messages: list[int]
    shard_of_guild: dict[int, int | None]
    reactions: list[tuple[int, str]]
    after_reply: list[int] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    received: list[discord.Message] = field(default_factory=list)
    threads: list[discord.Thread] = field(default_factory=list)


def install(bot: commands.Bot | commands.AutoShardedBot, seen: Seen) -> None:
    """Give ``bot`` the message handler and application commands the tests use."""
    tree = bot.tree

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author.id == bot.user.id:
            seen.own_messages.append(message.id)
            return
        if message.author.bot:
            return
        seen.received.append(message)
        if message.guild is not None:
            seen.shard_of_guild[message.guild.id] = message.guild.shard_id
        if message.content == "!file":
            async with message.channel.typing():
                notes = discord.File(io.BytesIO(b"movement"), filename="notes.txt")
                await message.channel.send("here", file=notes)
        elif message.content == "!read":
            data = await message.attachments[0].read()
            await message.channel.send(f"read {data.decode()}")
        elif message.content == "!clean":
            try:
                await message.delete()
            except discord.Forbidden:
                await message.channel.send("cannot delete")
        elif message.content == "!announce":
            moderators = discord.utils.get(message.guild.roles, name="Moderators")
            await message.channel.send(
                f"@everyone {moderators.mention} {message.author.mention} listen",
                allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=True),
            )
        elif message.content == "!then-store":
            await message.channel.send("stored soon")
            await seen.release.wait()
            seen.after_reply.append(message.id)
        elif message.content == "!react":
            await message.add_reaction("\N{THUMBS UP SIGN}")
        elif message.content == "!boom":
            raise RuntimeError("handler exploded")
        elif message.guild is None:
            await message.channel.send(f"dm: {message.content}")
        elif bot.user in message.mentions:
            await message.reply(f"pong: {message.clean_content}", mention_author=False)

    @bot.event
    async def on_thread_create(thread: discord.Thread) -> None:
        seen.threads.append(thread)
        if isinstance(thread.parent, discord.ForumChannel):
            starter = await thread.fetch_message(thread.id)
            await thread.send(f"post {thread.name}: {starter.content}")

    @bot.event
    async def on_raw_reaction_add(payload: discord.RawReactionActionEvent) -> None:
        seen.reactions.append((payload.user_id, str(payload.emoji)))

    @tree.command(description="Echo text")
    async def echo(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text)

    @tree.command(description="Ephemeral reply")
    async def secret(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("only you", ephemeral=True)

    @tree.command(description="Deferred reply")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("done thinking")

    @tree.command(description="Multi-step answer")
    async def steps(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("step 1")
        extra = await interaction.followup.send("step 2", ephemeral=True, wait=True)
        await interaction.edit_original_response(content="step 1 (edited)")
        await extra.edit(content="step 2 (edited)")
        original = await interaction.original_response()
        last = await interaction.followup.send(f"original: {original.content}", wait=True)
        await last.delete()

    @tree.command(description="Inspect entity options")
    async def inspect(
        interaction: discord.Interaction,
        member: discord.Member,
        where: discord.TextChannel,
        role: discord.Role,
        file: discord.Attachment,
    ) -> None:
        data = await file.read()
        text = f"{member.name} {where.name} {role.name} {file.filename}={data.decode()}"
        await interaction.response.send_message(text)

    @tree.command(description="Find an exercise")
    async def exercise(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"exercise {name}")

    @exercise.autocomplete("name")
    async def exercise_name(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=e, value=e) for e in EXERCISES if e.startswith(current)]

    @tree.command(description="Paged answer")
    async def pager(interaction: discord.Interaction, private: bool = False) -> None:
        await interaction.response.send_message("page 1", view=PagerView(), ephemeral=private)

    @tree.command(description="Pick an entry")
    async def pick(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pick one", view=PickView())

    @tree.command(description="Leave feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @tree.command(description="Server settings")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def config(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("config ok", ephemeral=True)

    @config.error
    async def config_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.MissingPermissions):
            await interaction.response.send_message("denied", ephemeral=True)

    kb = app_commands.Group(name="kb", description="Knowledge base")
    entries = app_commands.Group(name="entries", description="Entries", parent=kb)

    @kb.command(description="Teach an answer")
    async def teach(interaction: discord.Interaction, question: str, entry: str) -> None:
        await interaction.response.send_message(f"taught {question!r} -> {entry}")

    @entries.command(name="count", description="Count entries")
    async def count(
        interaction: discord.Interaction, minimum: app_commands.Range[int, 0, 10] = 0
    ) -> None:
        await interaction.response.send_message(f"count >= {minimum}")

    tree.add_command(kb)

    async def setup_hook() -> None:
        await tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]


def make_bot(*, sharded: bool = False, message_content: bool = True) -> tuple[commands.Bot, Seen]:
    """Build the test bot (optionally auto-sharded) with fast readiness."""
    intents = discord.Intents.default()
    intents.message_content = message_content
    intents.members = True
    cls = commands.AutoShardedBot if sharded else commands.Bot
    bot = cls(command_prefix="?", intents=intents, guild_ready_timeout=0.1, help_command=None)
    seen = Seen(own_messages=[], shard_of_guild={}, reactions=[])
    install(bot, seen)
    return bot, seen


@dataclass
class World:
    """A running fake with one guild, the bot connected."""

    fake: FakeDiscord
    bot: commands.Bot
    seen: Seen
    guild: Guild
    help_ch: Channel
    general: Channel
    alice: Member
    mod: Member
    mod_role: Role


async def _world(fake: FakeDiscord) -> AsyncIterator[World]:
    guild = fake.add_guild("Movement Club")
    help_ch = guild.add_text_channel("help")
    general = guild.add_text_channel("general")
    mod_role = guild.add_role(
        "Moderators", permissions=discord.Permissions(manage_guild=True).value
    )
    alice = guild.add_member("alice")
    mod = guild.add_member("mod", roles=[mod_role])
    guild.add_member("otherbot", bot=True)
    bot, seen = make_bot()
    async with run_client(bot, fake):
        yield World(fake, bot, seen, guild, help_ch, general, alice, mod, mod_role)


@pytest_asyncio.fixture
async def world(discord_error_guard: DiscordErrorGuard) -> AsyncIterator[World]:
    async with FakeDiscord(token="test-token") as fake:
        async for value in _world(fake):
            yield value


@pytest.mark.asyncio
@pytest.mark.parametrize("compress", [True, False], ids=["zlib-stream", "plain-text"])
@pytest.mark.usefixtures("discord_error_guard")
async def test_login_ready_and_guild_create(compress: bool) -> None:
    async with FakeDiscord(compress=compress) as fake:
        async for w in _world(fake):
            guild = w.bot.get_guild(w.guild.id)
            assert guild is not None
            assert guild.name == "Movement Club"
            assert [c.name for c in guild.text_channels] == ["help", "general"]
            assert {m.name for m in guild.members} == {"MovementBot", "alice", "mod", "otherbot"}
            assert guild.get_member(w.mod.id).guild_permissions.manage_guild
            assert w.bot.user.id == fake.bot_user.id
            assert w.bot.application_id == fake.application_id
            assert [f.data["intents"] for f in fake.received_ops(2)] == [w.bot.intents.value]
            assert fake.requests_to("PUT", rf"/applications/{fake.application_id}/commands")
            assert all(r.authorized for r in fake.requests)
            assert [c.compressed for c in fake.gateway.connections] == [compress]
            assert [f.op for f in fake.gateway_log[:2]] == [10, 1]


@pytest.mark.asyncio
@pytest.mark.usefixtures("discord_error_guard")
async def test_without_message_content_intent_only_mentions_are_readable() -> None:
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Quiet")
        channel = guild.add_text_channel("help")
        alice = guild.add_member("alice")
        bot, _ = make_bot(message_content=False)
        async with run_client(bot, fake):
            await alice.says(channel, "!file")
            await channel.assert_no_bot_message(within=0.2)
            await alice.says(channel, f"{fake.bot_user.mention} hi")
            assert (await channel.next_bot_message()).content == "pong: @MovementBot hi"


@pytest.mark.asyncio
@pytest.mark.usefixtures("discord_error_guard")
async def test_privileged_intents_must_be_enabled() -> None:
    async with FakeDiscord(privileged_intents=("members",)) as fake:
        bot, _ = make_bot()

        async def connect() -> None:
            async with run_client(bot, fake):
                pytest.fail("the bot should not get ready")

        with pytest.raises(discord.PrivilegedIntentsRequired):
            await connect()
        [identify] = fake.received_ops(2)
        assert identify.data["intents"] == bot.intents.value


@pytest.mark.asyncio
@pytest.mark.usefixtures("discord_error_guard")
async def test_zlib_stream_frames_share_one_compressor() -> None:
    async with FakeDiscord(compress=True) as fake, aiohttp.ClientSession() as session:
        url = fake.gateway_url + "?v=10&encoding=json&compress=zlib-stream"
        async with session.ws_connect(url) as ws:
            await ws.send_json({"op": 1, "d": None})
            inflater = zlib.decompressobj()
            frames = [await ws.receive_bytes(), await ws.receive_bytes()]
            assert all(frame.endswith(b"\x00\x00\xff\xff") for frame in frames)
            texts = [inflater.decompress(frame) for frame in frames]
        assert b'"op": 10' in texts[0]
        assert b'"op": 11' in texts[1]


@pytest.mark.asyncio
@pytest.mark.usefixtures("discord_error_guard")
async def test_rest_auth_content_type_and_unknown_routes() -> None:
    async with FakeDiscord(token="right") as fake, aiohttp.ClientSession() as session:
        async with session.get(
            fake.api_base + "/users/@me", headers={"Authorization": "Bot right"}
        ) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
        async with session.get(
            fake.api_base + "/users/@me", headers={"Authorization": "Bot wrong"}
        ) as resp:
            assert resp.status == 401
        async with session.get(
            fake.api_base + "/stickers/1", headers={"Authorization": "Bot right"}
        ) as resp:
            assert resp.status == 404
            assert (await resp.json())["message"] == "404: Not Found"
        assert [r.path for r in fake.unknown_requests] == ["/stickers/1"]
        assert fake.requests[0].headers["Authorization"] == "Bot ***"


@pytest.mark.asyncio
async def test_mention_gets_a_reply_and_the_bot_sees_its_own_message(world: World) -> None:
    asked = await world.alice.says(world.help_ch, f"hello {world.fake.bot_user.mention}")
    reply = await world.help_ch.next_bot_message()
    assert reply.content == "pong: hello @MovementBot"
    assert reply.reference is not None
    assert reply.reference["message_id"] == str(asked.id)
    assert reply.allowed_mentions is not None
    assert sorted(reply.allowed_mentions["parse"]) == ["everyone", "roles", "users"]
    assert reply.allowed_mentions["replied_user"] is False
    assert reply.mentions == []
    await world.fake.sync_with_bot()
    assert reply.id in world.seen.own_messages
    await world.help_ch.assert_no_bot_message(within=0.2)


@pytest.mark.asyncio
async def test_handlers_settled_waits_for_work_after_the_reply(world: World) -> None:
    asked = await world.alice.says(world.general, "!then-store")
    assert (await world.general.next_bot_message()).content == "stored soon"
    with pytest.raises(NoBotResponse, match=r"discord\.py: on_message"):
        await handlers_settled(timeout=0.1)
    assert world.seen.after_reply == []
    world.seen.release.set()
    await handlers_settled()
    assert world.seen.after_reply == [asked.id]


@pytest.mark.asyncio
async def test_messages_without_mention_get_no_answer(world: World) -> None:
    await world.alice.says(world.general, "just chatting")
    await world.general.assert_no_bot_message(within=0.3)


@pytest.mark.asyncio
async def test_direct_message(world: World) -> None:
    await world.alice.dm("what is the VL?")
    reply = await world.alice.next_dm()
    assert reply.content == "dm: what is the VL?"
    assert reply.guild_id is None


@pytest.mark.asyncio
async def test_slash_command_with_option(world: World) -> None:
    result = await world.alice.slash("echo", channel=world.help_ch, text="hi there")
    assert result.type == 4
    assert result.content == "hi there"
    assert not result.ephemeral
    assert result.message.raw["interaction_metadata"]["user"]["id"] == str(world.alice.id)
    assert (await world.help_ch.next_bot_message()).id == result.message.id


@pytest.mark.asyncio
async def test_slash_command_input_is_checked_like_the_discord_client(world: World) -> None:
    with pytest.raises(InvalidInvocation, match="required option 'text'"):
        await world.alice.slash("echo")
    with pytest.raises(InvalidInvocation, match="has no options"):
        await world.alice.slash("echo", text="x", loud=True)
    with pytest.raises(UnknownCommand, match="/nope is not registered"):
        await world.alice.slash("nope")
    with pytest.raises(InvalidInvocation, match="outside"):
        await world.alice.slash("kb", "entries", "count", minimum=11)


@pytest.mark.asyncio
async def test_entity_options_are_resolved(world: World) -> None:
    result = await world.alice.slash(
        "inspect",
        member=world.mod,
        where=world.general,
        role=world.mod_role,
        file=("plan.txt", b"squats"),
    )
    assert result.content == "mod general Moderators plan.txt=squats"


@pytest.mark.asyncio
async def test_ephemeral_response(world: World) -> None:
    result = await world.alice.slash("secret")
    assert result.ephemeral
    assert result.content == "only you"
    await world.help_ch.assert_no_bot_message(within=0.2)


@pytest.mark.asyncio
async def test_deferred_response_with_followup(world: World) -> None:
    result = await world.alice.slash("slow", channel=world.general)
    assert result.type == 5
    final = await result.final()
    assert final.content == "done thinking"
    assert final.id == result.message.id
    assert not final.loading
    assert result.followups == []
    assert (await world.general.next_bot_message()).content == "done thinking"


@pytest.mark.asyncio
async def test_followups_and_webhook_message_routes(world: World) -> None:
    result = await world.alice.slash("steps", channel=world.general)
    ephemeral = await result.next_followup()
    last = await result.next_followup()
    await world.fake.wait_for_request("DELETE", rf"/webhooks/\d+/[^/]+/messages/{last.id}")
    assert result.content == "step 1 (edited)"
    assert ephemeral.ephemeral
    assert ephemeral.content == "step 2 (edited)"
    assert last.content == "original: step 1 (edited)"
    assert last.deleted
    assert [m.content for m in world.general.bot_messages] == [
        "step 1 (edited)",
        "original: step 1 (edited)",
    ]
    assert [f.id for f in result.followups] == [ephemeral.id, last.id]


@pytest.mark.asyncio
async def test_autocomplete(world: World) -> None:
    choices = await world.alice.autocomplete("exercise", focused="name", value="cur")
    assert choices == [
        {"name": "curl", "value": "curl"},
        {"name": "curtsy lunge", "value": "curtsy lunge"},
    ]
    with pytest.raises(InvalidInvocation, match="no autocomplete"):
        await world.alice.autocomplete("echo", focused="text", value="x")


@pytest.mark.asyncio
@pytest.mark.parametrize("private", [False, True], ids=["public", "ephemeral"])
async def test_button_click_updates_the_message(world: World, private: bool) -> None:
    result = await world.alice.slash("pager", private=private)
    assert result.ephemeral is private
    assert result.message.buttons()[0]["label"] == "Next"
    clicked = await world.alice.click(result.message, custom_id="pager:next")
    assert clicked.type == 7
    assert clicked.message.id == result.message.id
    assert result.message.content == "page 2"
    assert result.message.buttons()[0]["disabled"] is True
    with pytest.raises(InvalidInvocation, match="disabled"):
        await world.alice.click(result.message, "Next")


@pytest.mark.asyncio
async def test_select_menu(world: World) -> None:
    result = await world.alice.slash("pick")
    assert result.message.selects()[0]["custom_id"] == "pick:entry"
    picked = await world.alice.select(result.message, ["it-band"])
    assert picked.content == "picked it-band"
    assert picked.ephemeral
    with pytest.raises(InvalidInvocation, match="not options"):
        await world.alice.select(result.message, ["knee"])


@pytest.mark.asyncio
async def test_modal_round_trip(world: World) -> None:
    opened = await world.alice.slash("feedback")
    assert opened.type == 9
    assert opened.modal["title"] == "Feedback"
    submitted = await world.alice.submit_modal(opened, {"Comment": "great"})
    assert submitted.content == "thanks for: great"


@pytest.mark.asyncio
async def test_subcommands(world: World) -> None:
    taught = await world.mod.slash("kb", "teach", question="what is the VL?", entry="it-band")
    assert taught.content == "taught 'what is the VL?' -> it-band"
    counted = await world.mod.slash("kb", "entries", "count", minimum=3)
    assert counted.content == "count >= 3"


@pytest.mark.asyncio
async def test_default_member_permissions_and_overrides(world: World) -> None:
    with pytest.raises(CommandNotVisible, match="default_member_permissions"):
        await world.alice.slash("config")
    allowed = await world.mod.slash("config")
    assert allowed.content == "config ok"
    world.guild.set_command_permission("config", world.alice)
    denied = await world.alice.slash("config")
    assert denied.content == "denied"
    assert denied.ephemeral
    world.guild.set_command_permission("config", world.help_ch, allowed=False)
    with pytest.raises(CommandNotVisible, match="override"):
        await world.mod.slash("config", channel=world.help_ch)


@pytest.mark.asyncio
async def test_rate_limit_and_bad_gateway_are_retried_once(world: World) -> None:
    world.fake.fail_next("POST", MESSAGES, status=502)
    world.fake.fail_next("POST", MESSAGES, status=429, retry_after=0.05)
    await world.alice.says(world.help_ch, f"{world.fake.bot_user.mention} again")
    reply = await world.help_ch.next_bot_message(timeout=8)
    assert reply.content == "pong: @MovementBot again"
    posts = world.fake.requests_to("POST", MESSAGES)
    assert [r.status for r in posts] == [502, 429, 200]
    assert world.fake.pending_faults == []
    await world.help_ch.assert_no_bot_message(within=0.2)


@pytest.mark.asyncio
@pytest.mark.usefixtures("discord_error_guard")
async def test_rate_limit_response_shape(fake_discord: FakeDiscord) -> None:
    fake_discord.fail_next("GET", "/users/@me", retry_after=0.25)
    headers = {"Authorization": f"Bot {fake_discord.token}"}
    url = fake_discord.api_base + "/users/@me"
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as resp:
        assert resp.status == 429
        assert resp.headers["Retry-After"] == "1"
        assert resp.headers["X-RateLimit-Remaining"] == "0"
        body = await resp.json()
    assert body == {"message": "You are being rate limited.", "retry_after": 0.25, "global": False}


@pytest.mark.asyncio
async def test_dropped_connection_resumes_and_replays(world: World) -> None:
    await world.fake.drop_connection(code=4000)
    await world.alice.says(world.help_ch, f"{world.fake.bot_user.mention} after drop")
    reply = await world.help_ch.next_bot_message()
    assert reply.content == "pong: @MovementBot after drop"
    assert len(world.fake.received_ops(6)) == 1
    assert len(world.fake.received_ops(2)) == 1
    await world.help_ch.assert_no_bot_message(within=0.3)


@pytest.mark.asyncio
async def test_reconnect_request_resumes(world: World) -> None:
    await world.fake.request_reconnect()
    await world.alice.says(world.help_ch, f"{world.fake.bot_user.mention} after reconnect")
    assert (await world.help_ch.next_bot_message()).content == "pong: @MovementBot after reconnect"
    assert len(world.fake.received_ops(6)) == 1


@pytest.mark.asyncio
async def test_invalid_session_reidentifies(world: World) -> None:
    await world.fake.invalidate_session()
    await world.alice.says(world.help_ch, f"{world.fake.bot_user.mention} after invalidation")
    reply = await world.help_ch.next_bot_message()
    assert reply.content == "pong: @MovementBot after invalidation"
    assert len(world.fake.received_ops(2)) == 2
    await world.help_ch.assert_no_bot_message(within=0.3)


@pytest.mark.asyncio
@pytest.mark.usefixtures("discord_error_guard")
async def test_auto_sharded_bot_gets_guilds_on_their_shard() -> None:
    async with FakeDiscord(shards=2) as fake:
        guilds = [fake.add_guild("Shard Zero", shard=0), fake.add_guild("Shard One", shard=1)]
        channels = [g.add_text_channel("help") for g in guilds]
        members = [g.add_member(f"user{i}") for i, g in enumerate(guilds)]
        bot, seen = make_bot(sharded=True)
        async with run_client(bot, fake):
            assert bot.shard_count == 2
            identifies = fake.received_ops(2)
            assert sorted(tuple(f.data["shard"]) for f in identifies) == [(0, 2), (1, 2)]
            for guild, channel, member in zip(guilds, channels, members, strict=True):
                assert bot.get_guild(guild.id).shard_id == fake.shard_for(guild)
                await member.says(channel, f"{fake.bot_user.mention} hi")
                assert (await channel.next_bot_message()).content == "pong: @MovementBot hi"
                assert seen.shard_of_guild[guild.id] == fake.shard_for(guild)
            for guild in guilds:
                sent = [
                    f
                    for f in fake.gateway_log
                    if f.direction == "out"
                    and f.event == "GUILD_CREATE"
                    and f.data["id"] == str(guild.id)
                ]
                assert [f.shard_id for f in sent] == [fake.shard_for(guild)]


@pytest.mark.asyncio
async def test_file_upload_is_stored(world: World) -> None:
    await world.alice.says(world.general, "!file")
    sent = await world.general.next_bot_message()
    assert sent.content == "here"
    [attachment] = sent.attachments
    assert (attachment.filename, attachment.data) == ("notes.txt", b"movement")
    [request] = world.fake.requests_to("POST", MESSAGES)
    assert request.files[0].filename == "notes.txt"
    assert world.general.typing_count == 1


@pytest.mark.asyncio
async def test_bot_permissions_are_enforced(world: World) -> None:
    first = await world.alice.says(world.general, "!clean")
    assert (await world.general.next_bot_message()).content == "cannot delete"
    assert not first.deleted
    world.guild.bot_role.permissions |= discord.Permissions(manage_messages=True).value
    second = await world.alice.says(world.general, "!clean")
    await world.fake.wait_for_request("DELETE", rf"{MESSAGES}/{second.id}")
    assert second.deleted


@pytest.mark.asyncio
async def test_allowed_mentions_decide_who_is_pinged(world: World) -> None:
    await world.alice.says(world.general, "!announce")
    sent = await world.general.next_bot_message()
    assert "listen" in sent.text
    assert sent.allowed_mentions is not None
    assert sent.allowed_mentions["parse"] == ["users"]
    assert sent.mentions == [world.alice.id]
    assert sent.mention_roles == []
    assert not sent.mention_everyone


@pytest.mark.asyncio
async def test_bot_downloads_user_attachments(world: World) -> None:
    await world.alice.says(world.general, "!read", attachments={"knee.txt": b"outside pain"})
    assert (await world.general.next_bot_message()).content == "read outside pain"


@pytest.mark.asyncio
async def test_reactions_both_ways(world: World) -> None:
    asked = await world.alice.says(world.general, "!react")
    await world.fake.wait_for_request("PUT", rf"{MESSAGES}/\d+/reactions/.+/@me")
    assert asked.reactions == {"\N{THUMBS UP SIGN}": [world.fake.bot_user.id]}
    await world.alice.react(asked, "\N{THUMBS UP SIGN}")
    await world.fake.sync_with_bot()
    assert (world.alice.id, "\N{THUMBS UP SIGN}") in world.seen.reactions


@pytest.mark.asyncio
async def test_slash_command_in_dms(world: World) -> None:
    result = await world.alice.slash("echo", channel=world.alice.dm_channel, text="private")
    assert result.content == "private"
    assert result.message.guild_id is None
    with pytest.raises(CommandNotVisible, match=r"contexts|dm_permission"):
        await world.mod.slash("config", channel=world.mod.dm_channel)


@pytest.mark.asyncio
async def test_changes_after_connect_reach_the_bot(world: World) -> None:
    extra = world.guild.add_text_channel("extra")
    newcomer = world.guild.add_member("newcomer")
    role = world.guild.add_role("Coaches", mentionable=True)
    await world.alice.add_role(world.mod_role)
    await world.fake.sync_with_bot()
    guild = world.bot.get_guild(world.guild.id)
    assert guild.get_channel(extra.id).name == "extra"
    assert guild.get_member(newcomer.id) is not None
    assert guild.get_role(role.id).name == "Coaches"
    assert world.mod_role.id in [r.id for r in guild.get_member(world.alice.id).roles]
    assert (await world.alice.slash("config")).content == "config ok"


@pytest.mark.asyncio
async def test_error_guard_catches_handler_exceptions() -> None:
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Guarded")
        channel = guild.add_text_channel("help")
        alice = guild.add_member("alice")
        bot, _ = make_bot()
        guard = DiscordErrorGuard()

        async def scenario() -> None:
            with guard:
                async with run_client(bot, fake):
                    await alice.says(channel, "!boom")
                    assert await guard.wait_for_error()

        with pytest.raises(AssertionError, match="handler exploded"):
            await scenario()
        assert guard.records[0].levelno == logging.ERROR


@pytest.mark.asyncio
async def test_error_guard_catches_unhandled_loop_exceptions() -> None:
    async def fail() -> None:
        raise ValueError("forgotten task")

    async def scenario() -> None:
        with DiscordErrorGuard():
            task = asyncio.get_running_loop().create_task(fail())
            await asyncio.sleep(0)
            del task

    with pytest.raises(AssertionError, match="forgotten task"):
        await scenario()


@pytest.mark.asyncio
async def test_missing_callback_reports_what_the_bot_did() -> None:
    async with FakeDiscord(response_deadline=0.05) as fake:
        guild = fake.add_guild("Slow")
        alice = guild.add_member("alice")
        guild.add_text_channel("help")
        bot, _ = make_bot()

        @bot.tree.command(description="Too slow")
        async def sleepy(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.2)
            await interaction.response.send_message("late")

        guard = DiscordErrorGuard()

        async def scenario() -> None:
            with guard:
                async with run_client(bot, fake):
                    with pytest.raises(NoBotResponse, match="did not acknowledge /sleepy"):
                        await alice.slash("sleepy", timeout=0.5)
                    assert await guard.wait_for_error()

        with pytest.raises(AssertionError, match="Unknown interaction"):
            await scenario()


@pytest.mark.asyncio
@pytest.mark.usefixtures("discord_error_guard")
async def test_forum_channels_are_discord_forum_channels() -> None:
    """Forums in GUILD_CREATE and in CHANNEL_CREATE are discord.ForumChannel."""
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Forums")
        before = guild.add_forum_channel("knee-questions", topic="One question per post")
        bot, _ = make_bot()
        async with run_client(bot, fake):
            after = guild.add_forum_channel("late-forum")
            await fake.sync_with_bot()
            seen_before = bot.get_channel(before.id)
            assert isinstance(seen_before, discord.ForumChannel)
            assert seen_before.topic == "One question per post"
            assert seen_before.type is discord.ChannelType.forum
            assert isinstance(bot.get_channel(after.id), discord.ForumChannel)
            assert [c.name for c in guild.channels] == ["knee-questions", "late-forum"]


async def answered_post(world: World, title: str, content: str) -> tuple[Thread, FakeMessage]:
    """Open a post in a new forum and wait for the bot's greeting in it."""
    forum = world.guild.add_forum_channel("knee-questions")
    post = await world.alice.create_forum_post(forum, title, content)
    return post, await post.next_bot_message()


@pytest.mark.asyncio
async def test_forum_post_is_a_thread_and_its_starter_message(world: World) -> None:
    """A post is THREAD_CREATE then its starter message, both with the thread's id."""
    forum = world.guild.add_forum_channel("knee-questions")
    post = await world.alice.create_forum_post(
        forum, "Outside knee pain", "It hurts when I run downhill"
    )
    answer = await post.next_bot_message()
    assert answer.content == "post Outside knee pain: It hurts when I run downhill"
    assert answer.channel_id == post.id
    [thread] = world.seen.threads
    assert isinstance(thread, discord.Thread)
    assert thread.id == post.id
    assert thread.name == "Outside knee pain"
    assert thread.type is discord.ChannelType.public_thread
    assert isinstance(thread.parent, discord.ForumChannel)
    assert thread.parent.id == forum.id
    assert thread.owner_id == world.alice.id
    [starter] = world.seen.received
    assert starter.id == post.id
    assert isinstance(starter.channel, discord.Thread)
    assert starter.channel.id == post.id
    assert starter.content == "It hurts when I run downhill"
    assert starter.author.id == world.alice.id
    assert isinstance(starter.author, discord.Member)
    assert post.starter_message.id == post.id
    assert post.parent is forum
    assert forum.threads == [post]
    assert world.fake.requests_to("GET", rf"/channels/{post.id}/messages/{post.id}")
    events = [
        (f.event, f.data["id"])
        for f in world.fake.gateway_log
        if f.direction == "out" and f.event in ("THREAD_CREATE", "MESSAGE_CREATE")
    ]
    assert events[:2] == [("THREAD_CREATE", str(post.id)), ("MESSAGE_CREATE", str(post.id))]
    created = next(f for f in world.fake.gateway_log if f.event == "THREAD_CREATE")
    assert created.data["newly_created"] is True
    assert created.data["parent_id"] == str(forum.id)


@pytest.mark.asyncio
async def test_bot_joins_the_thread_it_posts_in(world: World) -> None:
    """Posting joins the bot (THREAD_MEMBERS_UPDATE); REST reports the thread and counts."""
    post, _ = await answered_post(world, "Hip drop", "Is it my glutes?")
    await world.fake.sync_with_bot()
    assert post.member_ids == [world.alice.id, world.fake.bot_user.id]
    assert post.message_count == 1
    thread = world.bot.get_channel(post.id)
    assert isinstance(thread, discord.Thread)
    assert thread.me is not None
    fetched = await world.bot.fetch_channel(post.id)
    assert isinstance(fetched, discord.Thread)
    assert (fetched.parent_id, fetched.message_count, fetched.member_count) == (
        post.parent.id,
        1,
        2,
    )
    active = await world.bot.get_guild(world.guild.id).active_threads()
    assert [t.id for t in active] == [post.id]


@pytest.mark.asyncio
async def test_mention_in_a_forum_post_is_answered_in_the_post(world: World) -> None:
    """A mention inside a post arrives from the Thread and the reply lands there."""
    post, _ = await answered_post(world, "Stretching", "Does it help?")
    asked = await world.alice.says(post, f"{world.fake.bot_user.mention} and foam rolling?")
    reply = await post.next_bot_message()
    assert reply.content == "pong: @MovementBot and foam rolling?"
    assert reply.channel_id == post.id
    assert reply.reference["message_id"] == str(asked.id)
    message = world.seen.received[-1]
    assert isinstance(message.channel, discord.Thread)
    assert message.channel.id == post.id
    assert world.bot.user in message.mentions
    assert [m.channel_id for m in world.fake.messages if m.author_id == world.fake.bot_user.id] == [
        post.id,
        post.id,
    ]
    await world.help_ch.assert_no_bot_message(within=0.2)


@pytest.mark.asyncio
async def test_slash_command_in_a_thread_answers_there(world: World) -> None:
    """An interaction invoked in a thread is answered in that thread."""
    post, _ = await answered_post(world, "Slash", "from a post")
    result = await world.alice.slash("echo", channel=post, text="in the post")
    assert result.content == "in the post"
    assert result.message.channel_id == post.id
    assert (await post.next_bot_message()).id == result.message.id
    assert result.message.raw["position"] == 2


@pytest.mark.asyncio
async def test_thread_started_from_a_message_in_a_text_channel(world: World) -> None:
    """A thread grown from a message takes its id and has the text channel as parent."""
    root = await world.alice.says(world.general, "anyone else get outside knee pain?")
    side = await world.alice.start_thread(root, "Outside knee")
    assert side.id == root.id
    assert root.flags & (1 << 5)
    await world.fake.sync_with_bot()
    [thread] = world.seen.threads
    assert isinstance(thread.parent, discord.TextChannel)
    assert thread.parent.id == world.general.id
    assert thread.starter_message is not None
    assert thread.starter_message.id == root.id
    await world.alice.says(side, f"{world.fake.bot_user.mention} what helps?")
    assert (await side.next_bot_message()).content == "pong: @MovementBot what helps?"
    await world.general.assert_no_bot_message(within=0.2)
    with pytest.raises(InvalidInvocation, match="already has a thread"):
        await world.alice.start_thread(root, "again")


@pytest.mark.asyncio
async def test_member_reply_to_the_bot_carries_the_reference(world: World) -> None:
    """A member's reply carries the reference and resolved message; pinging is optional."""
    post, answer = await answered_post(world, "Cadence", "Should I shorten my stride?")
    quiet = await world.alice.says(post, "thanks", reply_to=answer, mention_author=False)
    await world.fake.sync_with_bot()
    message = world.seen.received[-1]
    assert message.id == quiet.id
    assert message.type is discord.MessageType.reply
    assert message.reference is not None
    assert message.reference.message_id == answer.id
    assert message.reference.channel_id == post.id
    assert message.reference.guild_id == world.guild.id
    assert isinstance(message.reference.resolved, discord.Message)
    assert message.reference.resolved.author.id == world.fake.bot_user.id
    assert world.bot.user not in message.mentions
    await post.assert_no_bot_message(within=0.2)
    await world.alice.says(post, "one more thing", reply_to=answer)
    assert (await post.next_bot_message()).content == "pong: one more thing"


@pytest.mark.asyncio
async def test_threads_come_back_in_guild_create_after_reidentifying(world: World) -> None:
    """After a fresh IDENTIFY the bot knows active threads, and its membership, again."""
    post, _ = await answered_post(world, "Downhill", "Worse on descents")
    await world.fake.invalidate_session()
    await world.alice.says(post, f"{world.fake.bot_user.mention} still there?")
    assert (await post.next_bot_message()).content == "pong: @MovementBot still there?"
    assert len(world.fake.received_ops(2)) == 2
    thread = world.bot.get_guild(world.guild.id).get_thread(post.id)
    assert thread is not None
    assert thread.me is not None
    assert len(world.seen.threads) == 1


@pytest.mark.asyncio
async def test_forum_and_thread_misuse_is_refused(world: World) -> None:
    """Posts outside forums, empty titles and messages straight into a forum are refused."""
    forum = world.guild.add_forum_channel("knee-questions")
    with pytest.raises(InvalidInvocation, match="type 0; this needs type 15"):
        await world.alice.create_forum_post(world.general, "Wrong place", "hi")
    with pytest.raises(InvalidInvocation, match="1 to 100 characters"):
        await world.alice.create_forum_post(forum, "", "no title")
    with pytest.raises(ApiError, match="Cannot send messages in a non-text channel"):
        await world.alice.says(forum, "straight into the forum")
    assert forum.threads == []


@pytest.mark.asyncio
@pytest.mark.usefixtures("discord_error_guard")
async def test_thread_rest_routes_and_thread_permissions(fake_discord: FakeDiscord) -> None:
    """Thread objects over REST, and SEND_MESSAGES_IN_THREADS (not SEND_MESSAGES) in threads."""
    guild = fake_discord.add_guild("Rest")
    forum = guild.add_forum_channel("knee-questions")
    general = guild.add_text_channel("general")
    alice = guild.add_member("alice")
    post = await alice.create_forum_post(forum, "Outside knee pain", "Sore after runs")
    headers = {"Authorization": f"Bot {fake_discord.token}"}
    api = fake_discord.api_base
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(f"{api}/channels/{post.id}") as resp:
            thread = await resp.json()
        assert (thread["type"], thread["parent_id"], thread["owner_id"]) == (
            11,
            str(forum.id),
            str(alice.id),
        )
        assert (thread["message_count"], thread["member_count"]) == (0, 1)
        assert thread["thread_metadata"]["archived"] is False
        assert "member" not in thread
        async with session.get(f"{api}/channels/{forum.id}") as resp:
            assert (await resp.json())["last_message_id"] == str(post.id)
        async with session.get(f"{api}/channels/{post.id}/messages/{post.id}") as resp:
            assert (await resp.json())["content"] == "Sore after runs"
        async with session.post(
            f"{api}/channels/{forum.id}/messages", json={"content": "x"}
        ) as resp:
            assert (resp.status, (await resp.json())["code"]) == (400, 50008)
        guild.everyone.permissions &= ~discord.Permissions(send_messages=True).value
        async with session.post(
            f"{api}/channels/{general.id}/messages", json={"content": "x"}
        ) as resp:
            assert resp.status == 403
        async with session.post(
            f"{api}/channels/{post.id}/messages", json={"content": "in the thread"}
        ) as resp:
            assert resp.status == 200
            assert (await resp.json())["position"] == 1
        async with session.get(f"{api}/channels/{post.id}") as resp:
            thread = await resp.json()
        assert (thread["message_count"], thread["member_count"]) == (1, 2)
        assert thread["member"]["user_id"] == str(fake_discord.bot_user.id)
        guild.everyone.permissions &= ~discord.Permissions(send_messages_in_threads=True).value
        async with session.post(
            f"{api}/channels/{post.id}/messages", json={"content": "again"}
        ) as resp:
            assert resp.status == 403
    assert [m.content for m in post.bot_messages] == ["in the thread"]
