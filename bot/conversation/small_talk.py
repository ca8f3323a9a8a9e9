"""Greetings, thanks, acknowledgements and goodbyes: recognised so they aren't "questions".

A message is small talk only when every word in it is a small-talk word and one of them says
which kind: "thanks!! super helpful" is thanks, "good morning everyone!" a greeting, but
"thanks, how many sets?" is a question, and "is this helpful" (no word that says which kind)
goes to the engine like any other message. Thanks, a greeting or a goodbye may also carry
words the article never uses ("thank you brother, Dima Wydad, good night", "ok noted sir,
have a great day ahead"): the caller says which words those are, for an English message that
names no body part. Questions about the bot itself ("help", "what can you do?", "are you a
bot?") are their own kind, and a message of emoji alone ("👍") is an acknowledgement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from bot.engine.normalise import clean
from bot.engine.reply import SmallTalk

MAX_WORDS = 15
"""Longer messages are never small talk, whatever their words."""


def _words(text: str) -> frozenset[str]:
    """The words of a space-separated list."""
    return frozenset(text.split())


_KINDS: tuple[tuple[SmallTalk, frozenset[str]], ...] = (
    (
        "thanks",
        _words(
            "thanks thank thx ty tysm tyvm thnx thanx cheers appreciate appreciated grateful "
            "merci gracias danke obrigado obrigada grazie bedankt dank dziekuje takk tack "
            "diolch"
        ),
    ),
    (
        "goodbye",
        _words(
            "bye goodbye byee cya later goodnight gn ttyl night adios tschuss bonne soiree "
            "soirée buonanotte gute nacht"
        ),
    ),
    (
        "greeting",
        _words(
            "hi hey heya hello hiya yo sup howdy morning afternoon evening gm hola bonjour "
            "buenos buenas dias salut ciao hallo moin servus oi ola hej czesc hoi goedemorgen "
            "habari jambo mambo niaje salaam salam namaste merhaba ahoj szia buongiorno "
            "buonasera bonsoir bom dzien dobry guten tag"
        ),
    ),
    (
        "ack",
        _words(
            "ok okay okey k kk yes yeah yea yep yup sure gotcha understood alright noted no "
            "nope nah cool nice great awesome perfect good lol haha"
        ),
    ),
)
"""Each kind and the words that say it, checked in this order: "ok thanks" is thanks."""

_COURTESIES: frozenset[SmallTalk] = frozenset({"thanks", "goodbye", "greeting"})
"""The kinds that may come with words the article never uses: names, "sir", "ahead"."""

_OTHER_WORDS = _words(
    "a all so very much lot lots really super the you u ya y'all guys everyone everybody folks "
    "there team bot mate man that this it was is makes sense helpful helped works worked got "
    "it's thats that's for again now i'll will do try see take care and oh ah just well then "
    "legend amazing brilliant beaucoup muchas mucho vielen much dear have lovely "
    "wonderful day sorry forgot to say i am im new here most your assistance sorted me "
    "bro bud buddy pal butt je wel my anyway yako tutti"
)
"""Words that may come with small talk without making it a question."""
_KIND_WORDS = frozenset().union(*(words for _, words in _KINDS))
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


_BOT_OR_PERSON = (
    r"(?:a |an )?(?:bot|robot|ai|chatbot|language model|llm|computer|machine|human moderator"
    r"|moderator|mod|actual person|actual human|human|real person|real human|person|real)"
)
"""What a member asks whether they are talking to."""
_ABOUT_QUESTION = (
    r"(?:help|how does this work|how do (?:i|we) use (?:this|you|u)"
    r"|what (?:else |all )?(?:can|do) (?:you|u|ya) (?:actually |really )?(?:do|know)(?: about)?"
    r"(?: besides [a-z ]+ stuff)?"
    r"|what (?:(?:sort|sorts|kind|kinds|type|types) of )?(?:things |stuff |questions )?"
    r"(?:(?:you|u) can|can (?:you|u)) help (?:me )?with"
    r"|what (?:you|u) can (?:do|help with)"
    r"|(?:what|which) (?:questions )?(?:can|should) i ask(?: you| u)?"
    r"|(?:what|which) (?:questions )?i can ask(?: you| u)?"
    r"|what do (?:you|u) cover|what are your commands|commands"
    r"|who (?:are|r) (?:you|u)|what (?:are|r) (?:you|u)|who made (?:you|u)"
    rf"|(?:are|r) (?:you|u) {_BOT_OR_PERSON}(?: or (?:like )?{_BOT_OR_PERSON})?"
    rf"|am i (?:talking|speaking|chatting) to {_BOT_OR_PERSON}(?: or {_BOT_OR_PERSON})?"
    r"|(?:so )?(?:you're|youre|you are|ur|u r) (?:just )?(?:a |an )?(?:bot|robot|ai)"
    r"|not (?:a )?real (?:person|human|pt|physio|trainer|doctor)"
    r"|can (?:you|u) (?:see|read|hear) (?:me|this|my messages?|what i(?:'m| am|m) typing)"
    r"|is (?:there|this) a (?:real )?(?:person|human)(?: (?:typing|writing|answering)(?: this)?)?"
    r"|how do (?:you|u) work)(?: for me)?"
    r"(?:\s+(?:lol|haha|hehe|pls|please|bot|robot|mate|lad|love|pal|as a bot|so|hello|then|po"
    r"|pardner|sir|fam|lah))*"
)
_ABOUT = re.compile(
    rf"(?:(?:hi|hey|hello|yo|ok|so|bot|and|but|sorry|hold up|hang on|wait|seriously|honestly|though"
    rf"|i am new here"
    rf"|i'?m new here|i am new|i'?m new)\s+)*{_ABOUT_QUESTION}"
    rf"(?:\s+{_ABOUT_QUESTION})*"
)
"""Questions about the bot itself (one or more), after any leading greeting words. Never
"what should I do?" or "help me": in a conversation those ask about the member's knee."""
_PUNCTUATION = re.compile(r"[^\w\s']+")
_ACK_EMOJI = frozenset("👍👌🙏✅😊🙂👏❤💪🙌😀😄🤝")
"""Emoji that say "got it" or "thanks" on their own; others ("🆘") are no small talk."""


def small_talk_kind(
    text: str, unfamiliar: Callable[[], Collection[str]] = frozenset
) -> SmallTalk | None:
    """Which kind of small talk ``text`` is, or None when it says anything more.

    ``unfamiliar`` gives the words of it that no entry uses (apostrophes folded), which
    thanks, a greeting or a goodbye may carry; it is called only for such a message.
    """
    cleaned = clean(text)
    if _ABOUT.fullmatch(" ".join(_PUNCTUATION.sub(" ", cleaned).split())):
        return "about"
    words = _WORD.findall(cleaned)
    if not words:
        marks = {character for character in text if not character.isspace()}
        return "ack" if marks and marks <= _ACK_EMOJI | {"\ufe0f"} else None
    if len(words) > MAX_WORDS or "?" in text:
        return None
    present = set(words)
    kind = next((kind for kind, keys in _KINDS if keys & present), None)
    others = {word.replace("'", "") for word in present - _KIND_WORDS - _OTHER_WORDS}
    if others and not (kind in _COURTESIES and others <= set(unfamiliar())):
        return None
    return kind
