"""Conversations both front ends are tested on: the console and the fake Discord."""

from __future__ import annotations

FOLLOW_UPS: list[tuple[tuple[str, ...], str, str, str]] = [
    # (lines in order, entry of the last reply, part it leads with, words it says)
    (
        ("should i foam roll my IT band?", "ok so what do i do instead"),
        "foam-rolling",
        "paragraph",
        "What does fix them",
    ),
    (("/routine", "and the 2nd one?"), "prone-leg-curl", "summary", "Turn that foot inward"),
    (
        ("/exercise prone-leg-curl", "and how many sets for that one?"),
        "prone-leg-curl",
        "dose",
        "Sets: 2",
    ),
    (
        ("how do i do the reverse curtsy split squat?", "should i lock my knee out at the top?"),
        "reverse-curtsy-split-squat",
        "step",
        "without locking out the knee",
    ),
]
RED_FLAG = "my knee locked and won't straighten"
WITHOUT_RED_FLAG = (
    "its not that bad though, i can walk on it fine",
    "ok so how many sets of the leg curl then?",
)
SMALL_TALK_LINES = [
    ("hey", "greeting"),
    ("good morning everyone!", "greeting"),
    ("thanks!! super helpful", "thanks"),
    ("ty", "thanks"),
    ("yes", "ack"),
    ("ok cool", "ack"),
    ("bye, take care", "goodbye"),
    ("help", "about"),
    ("what can you do?", "about"),
    ("hey bot, who are you", "about"),
    ("are you a bot?", "about"),
    ("👍", "ack"),
    ("Thank you so much dear, have a wonderful day.", "thanks"),
    ("hi all, sorry, forgot to say hello, I am new here", "greeting"),
    ("buenos dias", "greeting"),
    ("who made you lol", "about"),
    ("are you a bot? is there a real person typing this?", "about"),
    ("what else can you do besides knee stuff?", "about"),
    ("Takk! Bye", "thanks"),
    ("I am most grateful for your assistance. Good day.", "thanks"),
    ("Diolch, cheers butt, that's sorted me", "thanks"),
    ("ok and who made you, robot?", "about"),
    ("hold up you're a bot? not a real PT?", "about"),
    ("what can you actually do for me so", "about"),
    ("what you can do?", "about"),
    ("what u can help me with?", "about"),
    ("hang on are you a bot or a real person lad", "about"),
    ("Am I talking to a computer?", "about"),
    ("are u a bot or like a real human", "about"),
    ("What kind of stuff can you help me with, then?", "about"),
    ("r u a chatbot or an actual person? hehe", "about"),
    ("honestly though, am i talking to a language model or a moderator?", "about"),
    ("what all can ya do", "about"),
    ("buongiorno a tutti", "greeting"),
    ("bonne soirée", "goodbye"),
    ("Hi. I'm new here. Which questions can I ask you?", "about"),
    ("lol ok, jambo bot, mambo 👋", "greeting"),
]
LOCK_OUT = "should i lock my knee out at the top of the curtsy squat?"
DOSE = "how many reps for the leg curl with the foot turned in?"
WEIGHT = "where do i put my weight on the curtsy squat?"
MIXED = "should i ice it and how many sets of the leg curl?"
