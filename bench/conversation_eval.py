"""Score the use-case layer on conversations: is the last message read in its context.

Each conversation in a YAML file (``conversations:`` with ``turns``, ``expect``, optional
``part`` and ``step``) is played through one :class:`Assistant` at one place, as the console
and Discord do; only the reply to the last turn is scored. ``expect`` is an entry id (or a
list of entry ids, any of which is right, as in the example sets), ``abstain`` ("did you
mean" counts), ``safety`` (the safety reply or the screening question, never an exercise) or
``small_talk``. With ``part``, an answer with the right entry is also scored on the part it
leads with.

    python bench/conversation_eval.py bench/conversations/blind-1.yaml [--verbose] [--no-context]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

from bot.config import Settings
from bot.conversation.assistant import Assistant
from bot.conversation.memory import Memory, Place
from bot.engine import Outcome, Reply
from bot.startup import build_engine

PARTS = {"dose": "dose", "feel": "feel", "purpose": "purpose", "step": "step", "steps": "summary"}
"""A label's part -> the kind of part the reply leads with."""


def verdict(reply: Reply, expect: str | list[str]) -> bool:
    """Whether the reply is what the label expects (any entry of a list)."""
    if expect == "safety":
        return reply.outcome in (Outcome.SAFETY, Outcome.SCREEN)
    if expect == "abstain":
        return reply.outcome is Outcome.ABSTAIN
    if expect == "small_talk":
        return reply.outcome is Outcome.SMALL_TALK
    entries = expect if isinstance(expect, list) else [expect]
    return reply.outcome is Outcome.ANSWER and reply.entry_id in entries


def part_right(reply: Reply, part: str, step: int | None) -> bool:
    """Whether the answer leads with the labelled part (and step)."""
    led = reply.part
    if led is None or led.kind != PARTS[part]:
        return False
    return step is None or led.index + 1 == step


def main(argv: list[str] | None = None) -> int:
    """Play every conversation of the file and print the tallies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    parser.add_argument(
        "--no-context",
        action="store_true",
        help="read every message alone (the baseline: what a bot without follow-ups does)",
    )
    args = parser.parse_args(argv)
    conversations = yaml.safe_load(args.file.read_text(encoding="utf-8"))["conversations"]
    engine = build_engine(Settings.from_environment())
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    parts = [0, 0]
    for number, conversation in enumerate(conversations):
        assistant = Assistant(engine, Memory(0.0 if args.no_context else 300.0))
        where = Place(member=number, place=number)
        reply = None
        for turn in conversation["turns"]:
            reply = assistant.ask(turn, where)
            assistant.shown(where, turn, reply)
        assert reply is not None
        expect = conversation["expect"]
        kind = expect if expect in ("safety", "abstain", "small_talk") else "entry"
        total[kind] += 1
        correct = verdict(reply, expect)
        right[kind] += correct
        if correct and "part" in conversation:
            parts[1] += 1
            parts[0] += part_right(reply, conversation["part"], conversation.get("step"))
        if args.verbose and not correct:
            got = reply.entry_id or reply.outcome.value
            print(f"miss: {conversation['turns'][-1]!r} expected {expect}, got {got}")
        elif (
            args.verbose
            and correct
            and "part" in conversation
            and not part_right(reply, conversation["part"], conversation.get("step"))
        ):
            led = reply.part.kind if reply.part else None
            print(
                f"part: {conversation['turns'][-1]!r} expected {conversation['part']}"
                f" {conversation.get('step', '')}, led with {led}"
                f" {reply.part.index + 1 if reply.part else ''}"
            )
    for kind in ("entry", "abstain", "safety", "small_talk"):
        if total[kind]:
            share = 100 * right[kind] / total[kind]
            print(f"{kind:10} {right[kind]:3}/{total[kind]:<3} {share:5.1f}%")
    if parts[1]:
        print(
            f"{'part':10} {parts[0]:3}/{parts[1]:<3} {100 * parts[0] / parts[1]:5.1f}%"
            " (of right answers with a labelled part)"
        )
    print(
        f"{'all':10} {sum(right.values()):3}/{sum(total.values()):<3}"
        f" {100 * sum(right.values()) / sum(total.values()):5.1f}%"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
