"""A console chat with the same use cases and the same commands as the Discord bot."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bot.console.text import MORE, render, render_full, render_help, render_topics
from bot.conversation.assistant import Assistant
from bot.conversation.memory import Memory, Place
from bot.engine import Engine, Outcome, Reply

PROMPT = "you> "
GREETING = (
    "Ask about outside-knee (IT band) pain, or try /routine, /exercise NAME, /topics, /help; "
    f"`{MORE}` shows the whole of the last answer. Ctrl-D to quit."
)
HERE = Place(member=0, place=0)
"""The console is one member in one place."""
FOLLOW_UP_SECONDS = 600.0
"""How long the console remembers what the conversation is about."""


class ChatSession:
    """One console conversation: commands, questions, follow-ups and screening answers."""

    def __init__(self, engine: Engine, memory: Memory | None = None) -> None:
        """Talk with ``engine``, remembering the conversation in ``memory``."""
        self.assistant = Assistant(engine, memory or Memory(FOLLOW_UP_SECONDS))
        self._last: Reply | None = None
        """The last answer shown, which ``more`` shows in full."""

    def respond(self, line: str) -> str:
        """The bot's text for one line typed in the console (a question or a /command)."""
        assistant = self.assistant
        command, _, argument = line.strip().partition(" ")
        name = argument.strip()
        if command == MORE:
            return render_full(self._last) if self._last else "Ask me something first."
        commands: dict[str, Callable[[], str]] = {
            "/help": render_help,
            "/topics": lambda: render_topics(assistant.engine.knowledge),
            "/routine": lambda: self._show(assistant.routine(HERE), "No routine is defined."),
            "/exercise": lambda: self._exercise(name),
        }
        if command in commands:
            return commands[command]()
        reply = assistant.ask(argument if command == "/ask" else line, HERE)
        return self._show(reply, "")

    def _exercise(self, name: str) -> str:
        if not name:
            exercises = self.assistant.engine.knowledge.exercises()
            return "Which one? " + ", ".join(f"{entry.title} ({entry.id})" for entry in exercises)
        found = self.assistant.exercise(name, HERE)
        return self._show(found, f"No exercise matches {name!r}. Try /exercise alone.")

    def _show(self, reply: Reply | None, missing: str) -> str:
        if reply is None:
            return missing
        if reply.outcome is not Outcome.ANSWER:
            return render(reply)
        self._last = reply
        return render(reply, offer_more=reply.entry is not None and reply.entry.kind != "routine")


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
