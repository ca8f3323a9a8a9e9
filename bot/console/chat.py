"""A console chat with the same use cases and the same commands as the Discord bot."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO, assert_never

from bot.config import Settings
from bot.console.text import MORE, render, render_console_help, render_full, render_topics
from bot.conversation.assistant import Assistant
from bot.conversation.memory import Memory, Place
from bot.engine import Engine, Outcome, Reply

PROMPT = "you> "
GREETING = (
    "Ask about outside-knee (IT band) pain, or try /routine, /exercise NAME, /topics, /help; "
    f"`{MORE}` shows the whole of the last answer. Ctrl-D to quit."
)
UNKNOWN_COMMAND = (
    "There is no {command} here. In the console: /routine, /exercise NAME, /topics, /help, "
    "/ask QUESTION, and `more`."
)
HERE = Place(member=0, place=0)
"""The console is one member in one place."""


class ChatSession:
    """One console conversation: commands, questions, follow-ups and screening answers."""

    def __init__(self, engine: Engine, memory: Memory | None = None) -> None:
        """Talk with ``engine``, remembering the conversation in ``memory``.

        By default for as long as the settings' ``FOLLOW_UP_MINUTES`` say, as on Discord.
        """
        default = 60.0 * Settings.model_fields["follow_up_minutes"].default
        self.assistant = Assistant(engine, memory or Memory(default))
        self._last: Reply | None = None
        """The last answer shown, which ``more`` shows in full."""

    def respond(self, line: str) -> str:
        """The bot's text for one line typed in the console (a question or a /command)."""
        assistant = self.assistant
        command, _, argument = line.strip().partition(" ")
        name = argument.strip()
        if command == MORE:
            return self._more()
        commands: dict[str, Callable[[], str]] = {
            "/help": lambda: render_console_help(assistant.engine.knowledge),
            "/topics": lambda: render_topics(assistant.engine.knowledge),
            "/routine": lambda: self._show(assistant.routine(HERE), "No routine is defined."),
            "/exercise": lambda: self._exercise(name),
        }
        if command in commands:
            return commands[command]()
        if command.startswith("/") and command != "/ask":
            return UNKNOWN_COMMAND.format(command=command)
        question = argument if command == "/ask" else line
        return self._show(assistant.ask(question, HERE), "", question)

    def _more(self) -> str:
        """The whole of the last answer, unless a red flag has stood since."""
        last = self._last.entry_id if self._last else None
        reply = self.assistant.entry(last, HERE) if last else None
        if reply is None:
            return "Ask me something first."
        if reply.outcome is not Outcome.ANSWER:
            return self._show(reply, "")
        return render_full(reply, self.assistant.engine.knowledge)

    def _exercise(self, name: str) -> str:
        """``/exercise NAME``: the exercise, or the list of names to pick from."""
        if not name:
            exercises = self.assistant.engine.knowledge.exercises()
            return "Which one? " + ", ".join(f"{entry.title} ({entry.id})" for entry in exercises)
        found = self.assistant.exercise(name, HERE)
        return self._show(found, f"No exercise matches {name!r}. Try /exercise alone.")

    def _show(self, reply: Reply | None, missing: str, question: str = "") -> str:
        """Render ``reply`` (or say ``missing``) and tell the conversation it was shown."""
        if reply is None:
            return missing
        asked = question or (reply.entry.title if reply.entry else "")
        self.assistant.shown(HERE, asked, reply)
        knowledge = self.assistant.engine.knowledge
        match reply.outcome:
            case Outcome.ANSWER:
                self._last = reply
                more = reply.entry is not None and reply.entry.kind != "routine"
                return render(reply, knowledge, offer_more=more)
            case Outcome.SAFETY | Outcome.SCREEN:
                self._last = None  # `more` shows nothing past a red flag
            case Outcome.ABSTAIN | Outcome.SMALL_TALK:
                pass  # `more` still shows the last answer
            case _ as unreachable:
                assert_never(unreachable)
        return render(reply, knowledge)


def run_chat(
    engine: Engine, read: Callable[[str], str], out: TextIO, follow_up_minutes: float
) -> None:
    """Read lines until end of input or Ctrl-C, answering each."""
    print(GREETING, file=out)
    session = ChatSession(engine, Memory(60.0 * follow_up_minutes))
    while True:
        try:
            line = read(PROMPT)
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return
        if line.strip():
            print(session.respond(line), file=out, flush=True)
