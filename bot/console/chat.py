"""A console chat with the same engine and the same commands as the Discord bot."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bot.console.text import render, render_help, render_topics
from bot.engine import Engine, Outcome, Reply

PROMPT = "you> "
GREETING = (
    "Ask about outside-knee (IT band) pain, or try /routine, /exercise NAME, /topics, /help. "
    "Ctrl-D to quit."
)


def _exercise(engine: Engine, name: str) -> str:
    if not name:
        exercises = engine.knowledge.exercises()
        return "Which one? " + ", ".join(f"{entry.title} ({entry.id})" for entry in exercises)
    exercise_ids = {entry.id for entry in engine.knowledge.exercises()}
    found = [c for c in engine.search(name) if c.entry.id in exercise_ids]
    reply = engine.reply_for(name) if name in exercise_ids else None
    if reply is None and found:
        reply = engine.reply_for(found[0].entry.id)
    return render(reply) if reply else f"No exercise matches {name!r}. Try /exercise alone."


YES_WORDS = frozenset({"y", "yes"})
NO_WORDS = frozenset({"n", "no"})


class ChatSession:
    """One console conversation: commands, questions, and the answer to a screening question."""

    def __init__(self, engine: Engine) -> None:
        """Talk with ``engine``."""
        self.engine = engine
        self._screened: tuple[str, Reply] | None = None
        """The question awaiting a y/n to its screening question, and that screen."""

    def respond(self, line: str) -> str:
        """The bot's text for one line typed in the console (a question or a /command)."""
        if self._screened is not None:
            return self._after_screen(line, *self._screened)
        engine = self.engine
        command, _, argument = line.strip().partition(" ")
        commands: dict[str, Callable[[], str]] = {
            "/help": render_help,
            "/topics": lambda: render_topics(engine.knowledge),
            "/routine": lambda: _routine(engine),
            "/exercise": lambda: _exercise(engine, argument.strip()),
        }
        if command in commands:
            return commands[command]()
        question = argument if command == "/ask" else line
        reply = engine.answer(question)
        if reply.outcome is Outcome.SCREEN:
            self._screened = (question, reply)
        return render(reply)

    def _after_screen(self, line: str, question: str, screen: Reply) -> str:
        word = line.strip().casefold()
        if word not in YES_WORDS | NO_WORDS:
            return "Please answer y (one of these applies) or n (none of them does)."
        self._screened = None
        if word in YES_WORDS:
            return render(Reply(outcome=Outcome.SAFETY, score=screen.score, tier=screen.tier))
        return render(self.engine.answer(question, screened=True))


def _routine(engine: Engine) -> str:
    routine = engine.knowledge.routine()
    reply = engine.reply_for(routine.id) if routine else None
    return render(reply) if reply else "No routine is defined in the knowledge base."


def run_chat(engine: Engine, read: Callable[[str], str], out: TextIO) -> None:
    """Read lines until end of input or Ctrl-C, answering each."""
    print(GREETING, file=out)
    session = ChatSession(engine)
    while True:
        try:
            line = read(PROMPT)
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return
        if line.strip():
            print(session.respond(line), file=out, flush=True)
