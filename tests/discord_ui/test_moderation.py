"""Moderators' tools end to end: permissions, reload, teach, review, privacy."""

from __future__ import annotations

import asyncio
import copy
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakediscord import (
    CommandNotVisible,
    DiscordErrorGuard,
    FakeDiscord,
    FakeMessage,
    handlers_settled,
    run_client,
)

from bot.discord_ui.client import create_bot
from bot.engine import Engine
from bot.engine.strict_yaml import read_yaml
from tests.discord_ui.conftest import World, make_settings

TEACH_WAIT = 30.0
"""Seconds a teach may take to answer: it retrains the engine, slow on a loaded machine."""


def mention(world: World, text: str) -> str:
    return f"<@{world.fake.bot_user.id}> {text}"


async def test_non_moderator_cannot_see_kb_commands(world: World) -> None:
    """default_member_permissions hides /kb from members without Manage Server."""
    with pytest.raises(CommandNotVisible):
        await world.alice.slash("kb", "status", channel=world.general)


async def test_admin_override_still_hits_the_runtime_check(world: World) -> None:
    """If an admin lets everyone see /kb, a non-moderator is still refused and nothing changes."""
    world.guild.set_command_permission("kb", world.guild.everyone, allowed=True)
    result = await world.alice.slash(
        "kb", "teach", channel=world.general, question="thigh strap thing", entry="it-band"
    )
    assert result.ephemeral
    assert "for moderators" in result.content
    assert world.bot.engine.knowledge.learned == ()


async def test_moderator_role_can_use_kb(world: World) -> None:
    """The configured role counts as moderator once an admin lets the role see /kb."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    result = await world.mod.slash("kb", "status", channel=world.general)
    assert result.ephemeral
    assert "entries" in result.message.text


async def test_broken_reload_reports_file_and_line_and_keeps_answers(world: World) -> None:
    """Syntax errors, duplicate keys, unknown fields, bad references: listed; members unaffected."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    await world.alice.says(world.general, mention(world, "should I foam roll my IT band?"))
    before = await world.general.next_bot_message()
    knowledge = world.settings.knowledge_dir
    topics = knowledge / "topics.yaml"
    topics.write_text(
        topics.read_text().replace("    source:", "    sauce:", 1) + "\n  - id: x\n    id: y\n"
    )
    (knowledge / "extra.yaml").write_text("entries: [oops\n")
    result = await world.mod.slash("kb", "reload", channel=world.general)
    report = (await result.final()).text
    assert "Reload failed" in report
    assert f"{knowledge / 'topics.yaml'}:" in report
    assert "sauce: unknown field" in report
    assert f"{knowledge / 'extra.yaml'}:" in report
    await world.alice.says(world.general, mention(world, "should I foam roll my IT band?"))
    after = await world.general.next_bot_message()
    assert after.embeds[0]["title"] == before.embeds[0]["title"]


async def test_reload_with_missing_reference(world: World) -> None:
    """A related id that doesn't exist is reported with its file and line."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    topics = world.settings.knowledge_dir / "topics.yaml"
    text = topics.read_text()
    topics.write_text(text.replace("related: [", "related: [no-such-entry, ", 1))
    result = await world.mod.slash("kb", "reload", channel=world.general)
    report = (await result.final()).text
    assert "unknown entry id 'no-such-entry'" in report
    assert f"{topics}:" in report


async def test_teach_answers_next_question_and_writes_valid_yaml(world: World) -> None:
    """/kb teach: the next identical question is answered; learned.yaml is valid and holds it."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    question = "what's the deal with that gristly cord down my thigh"
    await world.alice.says(world.general, mention(world, question))
    first = await world.general.next_bot_message()
    assert "I don't know" in first.text or "Did you mean" in first.text
    result = await world.mod.slash(
        "kb", "teach", channel=world.general, question=question, entry="it-band"
    )
    taught = (await result.final(timeout=TEACH_WAIT)).text
    assert "Taught" in taught
    assert "now it-band" in taught
    await world.alice.says(world.general, mention(world, question))
    second = await world.general.next_bot_message()
    assert second.embeds[0]["title"] == world.bot.engine.knowledge.get("it-band").title
    learned = read_yaml((world.settings.knowledge_dir / "learned.yaml").read_text()).data
    assert {"entry": "it-band", "question": question}.items() <= learned["learned"][-1].items()


async def test_teach_autocomplete_offers_entries(world: World) -> None:
    """The entry option autocompletes from the knowledge base."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    choices = await world.mod.autocomplete(
        "kb", "teach", focused="entry", value="curtsy", question="crossover lunge form"
    )
    assert "reverse-curtsy-split-squat" in [choice["value"] for choice in choices]


async def test_teach_refuses_red_flags_and_other_entries_phrasings(world: World) -> None:
    """A phrasing that trips triage, or belongs to another entry, is refused with the reason."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    flagged = await world.mod.slash(
        "kb",
        "teach",
        channel=world.general,
        question="knee locked during curtsy squat",
        entry="reverse-curtsy-split-squat",
    )
    assert "affirms a red flag" in (await flagged.final()).text
    existing = world.bot.engine.knowledge.get("it-band").questions[0]
    other = await world.mod.slash(
        "kb", "teach", channel=world.general, question=existing, entry="foam-rolling"
    )
    assert "already belongs to 'it-band'" in (await other.final()).text


async def test_two_concurrent_teaches_both_land(world: World) -> None:
    """Concurrent teaches are serialised; neither is lost."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    results = await asyncio.gather(
        world.mod.slash(
            "kb",
            "teach",
            channel=world.general,
            question="strap thingy on my outer leg",
            entry="it-band",
        ),
        world.mod.slash(
            "kb",
            "teach",
            channel=world.general,
            question="hamstring machine toes pointing in",
            entry="prone-leg-curl",
        ),
    )
    assert all(["Taught" in (await result.final(timeout=TEACH_WAIT)).text for result in results])
    questions = {item.question for item in world.bot.engine.knowledge.learned}
    assert questions == {"strap thingy on my outer leg", "hamstring machine toes pointing in"}


async def _teach_strap(world: World) -> None:
    """A moderator teaches "strap thingy on my outer leg" to the IT band, and it completes."""
    taught = await world.mod.slash(
        "kb",
        "teach",
        channel=world.general,
        question="strap thingy on my outer leg",
        entry="it-band",
    )
    await taught.final()


async def test_untaught_undoes_a_teach(world: World) -> None:
    """/kb untaught removes the phrasing again, and it is logged."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    await _teach_strap(world)
    choices = await world.mod.autocomplete("kb", "untaught", focused="question", value="strap")
    assert [c["value"] for c in choices] == ["strap thingy on my outer leg"]
    result = await world.mod.slash(
        "kb", "untaught", channel=world.general, question="strap thingy on my outer leg"
    )
    assert "Removed" in (await result.final()).text
    assert world.bot.engine.knowledge.learned == ()
    assert [r.action for r in world.bot.store.teach_log()] == ["untaught", "taught"]
    status = (await world.mod.slash("kb", "status", channel=world.general)).message.text
    assert "untaught “strap thingy on my outer leg” → `it-band`" in status
    assert "taught “strap thingy on my outer leg” → `it-band`" in status


async def test_unanswered_groups_near_duplicates_and_teaches_from_a_row(world: World) -> None:
    """Near-identical unanswered questions count together; a row's button teaches it: gone.

    A row the bot scores 0 for every entry ("what's the weather like today") has no Teach button.
    """
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    for member, text in [
        (world.alice, "strap thingy on my outer leg"),
        (world.bob, "Strap thingy on my outer leg??"),
        (world.alice, "what's the weather like today"),
    ]:
        await member.says(world.general, mention(world, text))
        await world.general.next_bot_message()
    await handlers_settled()
    result = await world.mod.slash("kb", "unanswered", channel=world.general)
    report = await result.final()
    text = report.text
    assert "×2 “strap thingy on my outer leg??”" in text.casefold()
    assert "×1 “what's the weather like today”" in text
    assert str(world.fake.bot_user.id) not in text
    teach_buttons = [b["label"] for b in report.buttons() if b["label"].startswith("Teach")]
    assert teach_buttons == ["Teach 1 → it-band"]
    clicked = await world.mod.click(report, teach_buttons[0])
    taught = (await clicked.final(timeout=30)).text
    assert taught.startswith("Taught. “Strap thingy on my outer leg??” → it-band: before ")
    assert taught.endswith(" Its row (2 question(s)) is off `/kb unanswered`.")
    after = (await _unanswered(world)).text
    assert "strap thingy" not in after
    assert "**1.** ×1 “what's the weather like today”" in after


async def test_stats_show_asks_and_votes(world: World) -> None:
    """/kb stats counts answers and votes per entry."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    answer = await world.general.next_bot_message()
    await world.bob.click(answer, "Not helpful")
    await handlers_settled()
    result = await world.mod.slash("kb", "stats", channel=world.general)
    assert "it-band: 1 asks · 👍 0 · 👎 1" in (await result.final()).text


async def test_forget_me_removes_only_the_callers_rows(world: World) -> None:
    """/forget-me deletes the member's questions and votes, nobody else's, and says how many."""
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    answer = await world.general.next_bot_message()
    await world.bob.says(world.general, mention(world, "what is the VL?"))
    await world.general.next_bot_message()
    await world.alice.click(answer, "Helpful")
    await handlers_settled()
    result = await world.alice.slash("forget-me", channel=world.general)
    assert "removed 2 stored item(s)" in result.content
    remaining = world.bot.store.asks_since(1)
    assert [ask.text for ask in remaining] == ["what is the VL?"]


@pytest.mark.parametrize("bot_settings", [{"auto_reload": True}])
async def test_a_new_example_set_is_picked_up_automatically(world: World) -> None:
    """knowledge/examples/ is watched too: the decision layer learns from it."""
    examples = world.settings.knowledge_dir / "examples"
    before = len(world.bot.engine.knowledge.examples)
    (examples / "new.yaml").write_text(
        'examples:\n  - q: "what is the it band"\n    expect: [it-band]\n'
    )
    for _ in range(200):
        if len(world.bot.engine.knowledge.examples) == before + 1:
            break
        await asyncio.sleep(0.05)
    assert len(world.bot.engine.knowledge.examples) == before + 1


@pytest.mark.parametrize("bot_settings", [{"auto_reload": True}])
async def test_file_change_triggers_automatic_reload(world: World) -> None:
    """Editing a knowledge file is picked up without /kb reload."""
    topics = world.settings.knowledge_dir / "topics.yaml"
    old_title = world.bot.engine.knowledge.get("it-band").title
    topics.write_text(topics.read_text().replace(old_title, "The IT band, explained", 1))
    for _ in range(100):
        if world.bot.engine.knowledge.get("it-band").title != old_title:
            break
        await asyncio.sleep(0.05)
    assert world.bot.engine.knowledge.get("it-band").title == "The IT band, explained"


async def test_long_error_list_is_attached_as_a_file(world: World) -> None:
    """Many problems: the first ones inline, the full list as an attachment, within limits."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    for number in range(20):
        (world.settings.knowledge_dir / f"broken-{number}.yaml").write_text("entries: [oops\n")
    result = await world.mod.slash("kb", "reload", channel=world.general)
    message = await result.final()
    assert len(message.content) <= 2000
    assert "20 problem(s)" in message.content
    [attachment] = message.attachments
    assert attachment.filename == "knowledge-errors.txt"
    assert attachment.data.decode().count("YAML syntax") == 20


@pytest.mark.parametrize("bot_settings", [{"auto_reload": True}])
async def test_failed_automatic_reload_is_posted_to_the_log_channel(world: World) -> None:
    """A broken edit is not loaded; the errors go to the log channel; answers are unchanged."""
    log_channel = world.guild.add_text_channel("bot-log")
    world.bot.store.set_setup_value("LOG_CHANNEL_ID", str(log_channel.id), member_id=0)
    await world.fake.sync_with_bot()
    before = world.bot.engine.knowledge
    (world.settings.knowledge_dir / "topics.yaml").write_text("entries: [oops\n")
    posted = await log_channel.next_bot_message(timeout=10)
    assert "Automatic knowledge reload failed" in posted.content
    assert "topics.yaml:" in posted.content
    assert world.bot.engine.knowledge is before
    assert world.bot.reloader.last_error is not None


@pytest.mark.parametrize("bot_settings", [{"auto_reload": True}])
async def test_each_server_s_own_log_channel_gets_the_failed_reload(world: World) -> None:
    """Log channels set with /setup in two servers: both are told."""
    other = world.fake.add_guild("Another Club")
    logs = [world.guild.add_text_channel("bot-log"), other.add_text_channel("bot-log")]
    for guild, channel in zip((world.guild, other), logs, strict=True):
        world.bot.store.set_setup_value("LOG_CHANNEL_ID", str(channel.id), 0, guild.id)
    await world.fake.sync_with_bot()
    (world.settings.knowledge_dir / "topics.yaml").write_text("entries: [oops\n")
    for channel in logs:
        posted = await channel.next_bot_message(timeout=10)
        assert "Automatic knowledge reload failed" in posted.content


async def test_a_role_merely_named_moderator_is_not_enough_once_an_id_is_set(
    tmp_path: Path,
) -> None:
    """With MODERATOR_ROLE_ID, only that role counts; a look-alike role by name does not."""
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Club")
        channel = guild.add_text_channel("general")
        real = guild.add_role("Moderator")
        fake_role = guild.add_role("Moderator")
        impostor = guild.add_member("impostor", roles=[fake_role])
        mod = guild.add_member("mod", roles=[real])
        settings = make_settings(tmp_path, fake, guild, channel, moderator_role_id=real.id)
        bot = create_bot(settings, guild_ready_timeout=0.1)
        async with DiscordErrorGuard(loggers=("discord", "bot")), run_client(bot, fake):
            for role in (real, fake_role):
                guild.set_command_permission("kb", role, allowed=True)
            refused = await impostor.slash("kb", "status", channel=channel)
            assert "for moderators" in refused.content
            allowed = await mod.slash("kb", "status", channel=channel)
            assert "entries" in allowed.message.text


def test_moderators_by_role_name_are_warned_about() -> None:
    """By name: a warning naming the fix, louder with two such roles; by id: none."""
    from types import SimpleNamespace

    from bot.config import Settings
    from bot.discord_ui.permissions import role_name_warning

    one = SimpleNamespace(name="Moderator", id=11)
    two = SimpleNamespace(name="Moderator", id=12)
    guild = SimpleNamespace(name="Club", roles=[one])
    assert "MODERATOR_ROLE_ID=11" in role_name_warning(guild, Settings())
    guild.roles.append(two)
    assert "2 roles in 'Club' are named 'Moderator'" in role_name_warning(guild, Settings())
    assert role_name_warning(guild, Settings(moderator_role_id=11)) is None


async def test_autocomplete_lists_nothing_to_members_who_are_not_moderators(
    world: World,
) -> None:
    """With /kb made visible to everyone, a member's autocomplete reveals no phrasings."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    await _teach_strap(world)
    world.guild.set_command_permission("kb", world.guild.everyone, allowed=True)
    assert await world.alice.autocomplete("kb", "untaught", focused="question", value="strap") == []
    assert await world.alice.autocomplete("kb", "teach", focused="entry", value="curtsy") == []
    own = await world.mod.autocomplete("kb", "untaught", focused="question", value="strap")
    assert [choice["value"] for choice in own] == ["strap thingy on my outer leg"]


async def test_long_replies_are_clipped_to_fit_not_lost(world: World) -> None:
    """A teach refused over 60 problems elsewhere, and /exercise listing 20 long titles, fit."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    knowledge = world.settings.knowledge_dir
    long_titles = "".join(
        f"  - id: drill-{n}\n    kind: exercise\n    title: {'Very long exercise name ' * 4}{n}\n"
        f"    summary: s\n    body: b\n    questions: [q {n} drill]\n    source: s\n"
        f"    purpose: p\n    steps: [a]\n    dose: {{sets: '1'}}\n    order: {n + 4}\n"
        for n in range(20)
    )
    (knowledge / "drills.yaml").write_text(f"entries:\n{long_titles}")
    await (await world.mod.slash("kb", "reload", channel=world.general)).final()
    unknown = await world.alice.slash("exercise", channel=world.general, name="zzz nothing")
    assert "I don't know an exercise called that" in unknown.content
    assert len(unknown.content) <= 2000
    broken = "".join(f"  - id: Bad_{n}\n" for n in range(60))
    (knowledge / "broken.yaml").write_text(f"entries:\n{broken}")
    result = await world.mod.slash(
        "kb", "teach", channel=world.general, question="outer thigh strap", entry="it-band"
    )
    text = (await result.final()).text
    assert text.startswith("Not taught: the change would not validate")
    assert len(text) <= 2000


def _stored(world: World, text: str, outcome: str = "abstain", **fields: object) -> None:
    """A question stored as the bot records one (the engine's reply doesn't matter here)."""
    values: dict[str, object] = {
        "member_id": world.alice.id,
        "channel_id": world.general.id,
        "message_id": None,
        "entry_id": None,
        "suggested": [],
        "score": 0,
    }
    values.update(fields)
    world.bot.store.record_ask(text=text, outcome=outcome, **values)


async def _unanswered(world: World, **options: object) -> FakeMessage:
    result = await world.mod.slash("kb", "unanswered", channel=world.general, **options)
    return await result.final(timeout=30)


async def test_unanswered_groups_by_meaning_with_outcome_date_and_id(world: World) -> None:
    """Two wordings of one worry are one row, with what members got, when, and the row's id."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    _stored(world, "my knee clicks when i walk up stairs, bad?")
    _stored(world, "my knee keeps clicking when i go up stairs is that bad")
    _stored(
        world, "does the curtsy thing work for runners", suggested=["reverse-curtsy-split-squat"]
    )
    text = (await _unanswered(world)).text
    today = datetime.now(UTC).date().isoformat()
    assert (
        f"**1.** ×2 “my knee keeps clicking when i go up stairs is that bad” · abstain · "
        f"last {today} · closest: `"
    ) in text
    assert "**2.** ×1 “does the curtsy thing work for runners” · did you mean · " in text
    assert "· #2\n" in text


async def test_small_talk_and_not_covered_are_listed_apart(world: World) -> None:
    """By default the gaps, with the other sections counted; show: all lists each section."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    _stored(world, "thank you!", outcome="small_talk")
    _stored(world, "ty", outcome="small_talk")
    _stored(world, "should i ice my knee", not_covered="icing")
    _stored(world, "is there a discord role for marathon people")
    gaps = (await _unanswered(world)).text
    assert "marathon people" in gaps
    assert "thank you" not in gaps
    assert "ice my knee" not in gaps
    assert "Also 1 not covered, 2 small talk: show them with show: all." in gaps
    everything = (await _unanswered(world, show="all")).text
    assert "__Not covered__\n**2.** ×1 “should i ice my knee” · not covered: icing · " in everything
    assert "__Small talk__\n**3.** ×1 “ty” · small talk · " in everything
    assert "**4.** ×1 “thank you!” · small talk · " in everything


async def test_a_dismissed_row_leaves_the_list(world: World) -> None:
    """The Dismiss button hides the row and its similar questions from then on."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    _stored(world, "is there a discord role for marathon people")
    _stored(world, "Is there a Discord role for marathon people??")
    _stored(world, "what's the best pizza topping")
    report = await _unanswered(world)
    clicked = await world.mod.click(report, "Dismiss 1")
    assert (await clicked.final(timeout=30)).text == "Dismissed #2: 2 question(s) off the list."
    after = (await _unanswered(world)).text
    assert "marathon" not in after
    assert "**1.** ×1 “what's the best pizza topping”" in after


async def test_kb_dismiss_takes_a_row_id_offered_as_you_type(world: World) -> None:
    """/kb dismiss: the autocomplete offers rows by id; a second dismiss says it was done."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    _stored(world, "what's the best pizza topping")
    choices = await world.mod.autocomplete("kb", "dismiss", focused="row", value="pizza")
    assert choices == [{"name": "#1 what's the best pizza topping", "value": 1}]
    first = await world.mod.slash("kb", "dismiss", channel=world.general, row=1)
    assert (await first.final(timeout=30)).text == "Dismissed #1: 1 question(s) off the list."
    again = await world.mod.slash("kb", "dismiss", channel=world.general, row=1)
    assert (await again.final(timeout=30)).text == (
        "Not dismissed: #1 was already reviewed: dismissed."
    )


def _moderators_examples(world: World) -> list[dict[str, object]]:
    path = world.settings.knowledge_dir / "examples" / "moderators.yaml"
    return read_yaml(path.read_text()).data["examples"]


async def test_label_a_row_off_topic(world: World) -> None:
    """/kb label #id abstain: on disk, live, logged, and the row leaves the list."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    _stored(world, "is there a discord role for marathon people")
    choices = await world.mod.autocomplete(
        "kb", "label", focused="question", value="discord", label="abstain"
    )
    assert [choice["value"] for choice in choices] == ["#1"]
    result = await world.mod.slash(
        "kb", "label", channel=world.general, question="#1", label="abstain"
    )
    text = (await result.final(timeout=30)).text
    assert text.startswith("Labelled. “is there a discord role for marathon people” → abstain: ")
    assert text.endswith(" Its row (1 question(s)) is off `/kb unanswered`.")
    assert _moderators_examples(world) == [
        {
            "q": "is there a discord role for marathon people",
            "expect": "abstain",
            "kind": "moderator",
        }
    ]
    learned = [
        (e.q, e.expect) for e in world.bot.engine.knowledge.examples if e.kind == "moderator"
    ]
    assert learned == [("is there a discord role for marathon people", "abstain")]
    assert [(r.action, r.entry_id) for r in world.bot.store.teach_log()] == [
        ("labelled", "abstain")
    ]
    assert "Nothing unanswered" in (await _unanswered(world)).text


async def test_label_a_red_flag_with_its_tier(world: World) -> None:
    """/kb label ... safety: the tier is offered as you type, required, and written."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    message = "my knee gave way and now it is huge and hot"
    tiers = await world.mod.autocomplete(
        "kb", "label", focused="tier", value="same", question=message, label="safety"
    )
    assert [choice["value"] for choice in tiers] == ["same-day"]
    missing = await world.mod.slash(
        "kb", "label", channel=world.general, question=message, label="safety"
    )
    assert (await missing.final(timeout=30)).text.startswith(
        "Not labelled: a red-flag label needs its tier: one of emergency, same-day, soon"
    )
    result = await world.mod.slash(
        "kb", "label", channel=world.general, question=message, label="safety", tier="same-day"
    )
    assert (await result.final(timeout=30)).text.startswith(
        f"Labelled. “{message}” → safety (same-day): "
    )
    assert _moderators_examples(world) == [
        {"q": message, "expect": "safety", "tier": "same-day", "kind": "moderator"}
    ]
    live = [(e.expect, e.tier) for e in world.bot.engine.knowledge.examples if e.q == message]
    assert live == [("safety", "same-day")]


async def test_stats_attach_the_usage_chart(world: World) -> None:
    """/kb stats attaches a PNG chart, shown as the embed's image."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    _stored(world, "what is the IT band?", outcome="answer", entry_id="it-band", message_id=77)
    world.bot.store.record_vote(77, world.bob.id, "it-band", helpful=True)
    result = await world.mod.slash("kb", "stats", channel=world.general)
    report = await result.final(timeout=30)
    [chart] = report.attachments
    assert chart.filename == "usage.png"
    assert chart.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert report.embeds[0]["image"]["url"] == "attachment://usage.png"
    assert "it-band: 1 asks · 👍 1 · 👎 0" in report.text


async def test_a_member_with_only_the_moderator_role_runs_kb_unanswered(
    tmp_path: Path, engine: Engine
) -> None:
    """MODERATOR_ROLE_ID gives access, with no override in Integrations; others are refused."""
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Club")
        channel = guild.add_text_channel("general")
        role = guild.add_role("Helpers")
        helper = guild.add_member("helper", roles=[role])
        member = guild.add_member("member")
        settings = make_settings(tmp_path, fake, guild, channel, moderator_role_id=role.id)
        bot = create_bot(settings, copy.copy(engine), guild_ready_timeout=0.1)
        async with DiscordErrorGuard(loggers=("discord", "bot")), run_client(bot, fake):
            result = await helper.slash("kb", "unanswered", channel=channel)
            assert result.ephemeral
            report = (await result.final()).text
            assert "for moderators" not in report
            assert "Nothing unanswered" in report
            refused = await member.slash("kb", "unanswered", channel=channel)
            assert refused.ephemeral
            assert "for moderators" in refused.content
