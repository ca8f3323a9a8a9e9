"""Word lists for matching and triage (English chat)."""

from __future__ import annotations

from functools import cache
from pathlib import Path


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _words(
    """
    a about above after again all also am an and any anybody anyone anything are as at be because
    been before being both but by could did do does doing done each else even ever every for from
    get gets getting got had has have having he her here hers him his how i id if ill im in into
    is it its ive just know let lets like me might more most much must my myself no nor not now of
    off on once only or other our ours out over own please pls plz same she should so some
    something such than that thats the their them then there these they thing things this those
    though through to too until up us very was way we were what whats when where whether which
    while who whom why will with would yall you your yours yourself u ur ya yo hey hi hello guys
    guy folks everyone someone lol lmao ngl tbh imo idk bro bruh dude man fam really
    actually basically literally kinda sorta gonna wanna gotta okay ok yeah yes yep nope well
    still keep keeps kept say says said tell told think thought want wanted need needed try tried
    trying go going went make makes made use used using help question questions ask asking
    wondering wonder curious anyway btw thanks thank thx ty cheers appreciate mean means
    exactly already maybe probably perhaps definitely certainly quite rather pretty enough
    almost everything nothing somebody somewhere anywhere can cant could couldnt dont doesnt
    didnt isnt arent wasnt wont wouldnt shouldnt take took see seen look looking looked find
    found seem seems stuff lot lots someone plain english simple simply explain explanation
    understand understood clarify true false real sure alright wat r tho fr rn pls smth
    good better best bad worse worst great awesome nice cool fine bot nah naw aye ye yer ma wi
    tae dae ah masel tldr tl dr innit eh kindly grateful ought shall whilst somewhat indeed
    however therefore regarding concerning chiefly mainly mostly particularly especially naturally
    sort sorry reckon reckons gone y w lowkey highkey
    """
)
"""Function words and chat filler: they carry no topic, so matching ignores them."""

NEUTRAL_WORDS = _words(
    """
    run running runner runs ran jog jogging gym lift lifting workout workouts train training
    session sessions day days week weeks month months year years today yesterday tomorrow
    morning afternoon evening night ago since recently lately time times while long bit little
    often sometime
    sometimes always never usually currently now side left right one two both leg legs coach
    physio pt friend wife husband girlfriend boyfriend doctor story internet online video
    rugby football footy soccer netball basketball hockey lad lads mate mates channel person
    crossfit hiking hike climbing skiing walking walk walks buzzword hype overrated confusing
    confused confuse deal big article blog post according legit
    """
)
"""Context words that say little about which topic is meant: neither evidence nor surprise."""

FILLER_WORDS = _words(
    """
    a an the my me i its it is are was be been just really so very kind sort of totally
    completely suddenly keeps keep kept kinda still all fully like has have had got gets getting
    now bit little super literally actually gone went become became any some much quite
    extremely
    """
)
"""Words red-flag phrases may skip: "my knee just totally locked" reads as "knee locked"."""


@cache
def common_words() -> frozenset[str]:
    """Frequent English words, which typo correction must not turn into knowledge-base words."""
    lines = (Path(__file__).parent / "common_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))
