"""Context decides: a symptom the member denies, dates, imagines or lends away is no red flag."""

from __future__ import annotations

import pytest

from bot.engine import Engine, Outcome
from bot.engine.context import Context

AFFIRMED = [
    ("my knee locked and won't straighten", "same-day"),
    ("No kidding, my knee ballooned up and it's roasting and I'm shivery", "emergency"),
    ("no fever, but it swelled up an hour after I twisted it", "same-day"),
    ("never had knee trouble before, but today it locked up", "same-day"),
    ("my friend says it's fine but I can't put weight on it", "same-day"),
    ("it's not that bad, I just can't walk on it", "same-day"),
    (
        "came off the ladder, knee's at a funny angle and the foot below it's gone pale and cold."
        " exercises?",
        "emergency",
    ),
    ("knee's been wakin' me up and I've dropped 12 pounds without tryin'. curl reps?", "soon"),
    ("Back in 2016 I had my meniscus trimmed and the knee locked again this morning", "same-day"),
    ("Years ago I sprained it skiing and my knee swelled up after a twist on Saturday", "same-day"),
    ("my knee wont unbend. how many reps of the leg curl should I do?", "same-day"),
    ("THE LEG WILL NOT TAKE ME SINCE TUESDAY. HOW LONG DO I LIE ON THE ROLLER FOR?", "same-day"),
    ("the knee won't take my weight today, which leg crosses in the curtsy?", "same-day"),
    ("my son is 12 and his knee hurts, he limps", "soon"),
    (
        "I ought to mention that, for the past three weeks, the pain at the outer side of my knee"
        " has woken me most nights and does not ease at all when I rest.",
        "soon",
    ),
    ("my son filmed me and my knee locked halfway, I can't straighten it", "same-day"),
    (
        "I had a small tumble on the wet leaves yesterday. No swelling to speak of, but the outer"
        " side of the knee has been sore ever since. I have not troubled the doctor.",
        "same-day",
    ),
    (
        "Got flattened by a tighthead at a ruck and my knee's pointing a way knees don't point,"
        " there's a proper odd lump on the side of it",
        "emergency",
    ),
    ("no swelling, it just gave way on the stairs today", "same-day"),
    ("no, it locked and I can't straighten it", "same-day"),
    ("nope, it swelled up right after the twist", "same-day"),
    ("My little boy (6) has been limping and says his knee is sore. Any gentle exercise?", "soon"),
    ("my 7yo is limping today, no fall that we saw", "soon"),
    ("Me mam's 80 and her knee keeps waking her at night, nothing she takes eases it.", "soon"),
    (
        "Took a horn to the side of the leg at the rodeo and there's a bend below my knee that"
        " wasn't there this morning. Reps for the curtsy squat?",
        "emergency",
    ),
    (
        "took a winch handle to the knee and now the kneecap's off to the outside like it slid"
        " over, can't shove it back",
        "emergency",
    ),
    (
        "my knee twisted in the race, there was a pop and by lunch it was as round as a melon."
        " Reps for the split squat?",
        "same-day",
    ),
]

SYMPTOM_THEN_A_DENIAL_ELSEWHERE = [
    "my calf is hot and swollen, my knee is fine",
    "calf is hot, red and swollen, otherwise fine",
    "my knee gave way and it's swollen, all good otherwise",
    "my knee locked and wont straighten, had surgery on it years ago",
    "my calf is swollen and hot, last year i had a dvt",
    "calf is hot and swollen, GP said it's fine but it's getting worse",
    "my knee locked in a bent position",
    "my knee gave way to the left when i landed",
    "my foot went numb to the touch after the fall",
    "since the fall i have cold feet and pale toes",
    "worst pain i have ever had, my calf is hot and swollen",
    "sorry if this is a dumb question, my calf is hot and swollen",
    "should i be worried that my calf is hot and swollen",
    "i limp to avoid putting weight on it, calf hot and swollen",
    "got tackled by someone, knee swollen and cant bear weight",
    "not good, calf hot swollen",
    "no joke, calf hot swollen",
    "the bruise healed but my knee still locks and wont straighten",
    "my knee locked today, but it had been fine for years",
    "it swelled up? no, it locked and I can't straighten it",
]
"""A symptom the member affirms, beside a denial, a date or an idiom about something else."""

CURRENT_DESPITE_A_TIME_OR_A_PERSON = [
    "When I was a kid I had a knee op, and today my knee locked and won't straighten.",
    "The bairn's knee isn't right since the fall and she can't straighten it",
    "Pt's knee hot, red and swollen with a temp of 39, carer asking if the routine is ok",
    "Dad's knee swelled up straight after he twisted it, he's 70, should he do the leg curl?",
    "son's knee locked and he can't straighten it, what do I do",
    "can't feel nothin in me foot since the fall, proper cold",
    "ACL reconstructed in 2019, surgeon fixed it, but it gave way again on Sunday. Now it hurts.",
    "Knee scoped last year, scar went hot and red and oozing on monday. Now what?",
    "In 2019 I had surgery, my knee locked up today. Now what?",
    "Last year my knee gave way and it still gives way every week. Now what do I do?",
    "Years ago I broke my leg, my foot went numb and cold an hour ago. Now what?",
    "my knee and my pride gave way on the stairs",
    "I'm 12 and my knee hurts on the outside every day, explain it like im 12 pls",
    "knee locked at the 2024 cup final and still won't straighten now",
    "Born in 1960, I fell on the ice this morning and the knee is sore, nobody has checked it",
    "my knee has locked every week since 2019 and it locked again today",
    "My knee looks deformed after the fall, but that was 10 minutes ago",
    "My foot went cold and pale after the crash, but that was an hour ago",
    "My knee is hot, red and swollen and I have a fever, but that was since yesterday",
    "Knee swelled up after I twisted it, but that was just an hour ago",
    "My knee locked and won't straighten, but that was the first time",
    "Knee gave way and I can't walk, but that was on the stairs at work",
    "My knee locks and won't straighten, it's been like that for years",
    "My knee locks and won't straighten, that's been going on for years",
    "Knee gives way every week, which has been the case for years",
    "Knee gave way and I can't put weight on it, it's been fine otherwise",
    "Knee gave way and I can't put weight on it, it had been fine otherwise",
    "Knee locked and won't straighten, this was at uni an hour ago",
    "In uni gym my knee just locked and won't straighten",
    "My knee gave way at uni and I can't put weight on it",
    "my son twisted his knee and it swelled up massively in school",
    "My son's knee swelled up after a twist, that was in school today",
    "my 12 year old is limping and in school he can't run",
    "My knee swelled up right after I twisted it at the time, and it's still huge",
    "someone kicked the knee in the game, swelled up straight away, can't straighten it",
    "Teammate landed on the knee in training, swelled up straight away, can't put weight on it",
    "coworker dropped a box on the knee, swelled up in an hour and can't put weight on it",
    "a guy fell onto the knee at five a side, it ballooned straight away, can't walk on it",
    "mate knee locked solid and wont straighten",
    "coworker fell on my knee and now it is swollen",
    "wife thinks the knee looks deformed after the fall",
    "partner reckons the knee is deformed after the fall",
    "lad is 13 and his knee hurts, he limps",
    "As a teenager my knee hurts every time I run, is it my IT band?",
    "As a kid who plays football my knee hurts and I limp",
    "Locked once in uni. Locks every day now",
    "no, it locked and I can't straighten it",
    "nope, it swelled up right after the twist",
    "my knee locked today, but it had been fine for years",
    "Knee is hot, red and swollen and I have a fever. In 2020, I had a knee replacement.",
    "My knee gave way and I fell. Years ago, I tore my ACL.",
    "My knee gave way and I fell. In 2019, I tore my ACL.",
    "Can I walk on it? Nope. Is this an IT band thing?",
    "Can I bear weight on it? No. What stretches help?",
    "Can I put weight on it? Nope, not since the fall.",
    "Do I have any feeling in my foot? None.",
    "Is it bad that my knee is hot and swollen and I have a fever? No?",
    "Is it normal that my knee swelled up within an hour of twisting it? No, right?",
    "I can't lift my leg out straight after the fall. Got better.",
    "My calf is swollen and red after my knee op. All good now.",
    "My knee locked and won't straighten just like back then",
    "My knee gave way on the stairs like it did years back",
    "In my childhood my knee gave way, and it still does",
    "Nil luck with the stretches and my knee keeps giving way",
    "Got nil help from the GP and my calf is swollen and hot",
    "my foot goes cold and numb when I sit sometimes and sometimes not",
    "My knee locks and won't straighten and the stairs arent an issue",
    "Should it be giving way after the ACL surgery?",
    "Should it lock and not straighten after a twist?",
    "Outside knee pain as a teenager, any stretches?",
    "Knee pain when running as a teenager, what helps?",
    "My teenager has knee pain like I did as a teenager",
    "She says my knee is dislocated",
    "the physio says my kneecap is dislocated",
    "doc says i cant put weight on it",
    "my knee gave way n now it's swollen",
    "Can't put weight on it. No idea why.",
    "He tackled me and now the knee won't straighten",
    "A friend of mine kicked the knee, it swelled up straight away",
    "Knee swelled up after the fall? Yes. Fever? No.",
    "My knee gave way on the stairs like it did years ago",
    "My lad's 11, been limping round the yard since Sunday, says it's his knee.",
    "my 12yo keeps saying his knee hurts, he plays a lot of football",
    "my little sis is 11 and says her knee hurts every day",
    "my scar is going red and there's gunk coming out, ok to start the rehab drills?",
    "Clashed with a teammate's knee in training, swelled up within an hour, can't bear weight",
    "Tangled with his leg going for the ball, cannot straighten the knee",
    "Husband's freaking out - knee gave way twice on the stairs and he thinks I should go in",
    "Her horse kicked the knee, she saw it, kneecap's sitting out to the side and can't walk",
    "Swelling ✓ Locking ✓ Fever ✗",
    "swelling y locking y fever n",
    "✅ swelling ❌ fever ✅ locking",
    "Kneecap popped out ❌ looks deformed ❌ what do I do",
    "Walk 4 steps ❌ Bend to 90 ❌",
    "Walk 4 steps: no. Bend to 90: no.",
    "Hot swollen knee and fever and covid test neg",
    "72 y/o, fell on the ice and the knee is sore",
    "Did the numbness wear off? No.",
    "Has the knee stopped giving way? No.",
    "Last injury? Years ago. This one swelled up within an hour of the twist and I can't bear"
    " weight.",
    "Hypothetically. Foot went cold and pale after the fall.",
    "the hypothetical happened, knee jammed bent on the stairs and wont straighten",
    "Numbness fading? Nope.",
    "Numbness sorted? No. Which stretch can I do?",
    "Knee locked and won't straighten, fine / what stretch frees it?",
    "Knee's looking wrong since the fall, shape's off at the front. What exercises?",
    "Landed on his knee in the scrum and can't weight bear now",
    "> Does it lock?\nyep",
    "night pain: n/a, it's constant day and night and doesn't ease",
    "fever: n\nknee red hot swollen: y",
    "no fever, knee locked, wont straighten",
    "my knee is red hot and swollen",
    "Swelling within hours? No. Within minutes.",
    "Knee achy and puffy since Sunday, fever 38.0",
    "Knee locks up every week and I'm only in my thirties",
    "Couldn't say when the foot went numb and cold, sometime after the crash",
    "Mi yute is 11 an him a complain bout pain outside di knee fi two weeks now, no injury.",
    "Not a pupil this time, my own son. He's 13 and has had pain in his knee for three weeks.",
]
"""Current red flags beside a time, a place, a duration, an answer or another person: none
dates, denies or lends the symptom away ("but that was an hour ago", "in school", "for years",
"someone kicked the knee", "As a teenager my knee hurts", "Can I walk on it? Nope.")."""

DISMISSED = [
    (
        "A bloke at work, his foot went cold and pale, an ambulance came for him. I'm fine"
        " myself, how long is the belt line reset?",
        Context.OTHER,
    ),
    (
        "Another batting collapse from the Windies tonight. Anyway, how long do I hold the belt line"
        " reset?",
        Context.FIGURATIVE,
    ),
    (
        "back in 2015 i broke my ankle and my foot was numb for weeks i found this article today,"
        " which exercise first?",
        Context.PAST,
    ),
    ("I don't have a fever or anything, just outer knee pain after cycling", Context.NEGATED),
    ("fever: none whatsoever, just an ache on the outside after runs", Context.NEGATED),
    (
        "Two winters ago my knee swelled up and went hot after a fall, the doctor gave me"
        " antibiotics and it was finished. Now only pain on the outside. What causes it?",
        Context.PAST,
    ),
    ("Our centre's knee locked in the second half. For me: how many leg curls?", Context.OTHER),
    ("my knee doesn't lock or give way, it just aches", Context.NEGATED),
    ("no swelling, redness or fever, which exercise first?", Context.NEGATED),
    ("sprained it in 2019 and it swelled up, physio cleared me ages ago", Context.PAST),
    ("had a locked knee years ago, fully healed", Context.PAST),
    ("knee was swollen for weeks after the fall but it fully healed, cleared me", Context.PAST),
    (
        "Knee blew up like a balloon after I slipped, but that was three years ago and it's been"
        " fine since.",
        Context.PAST,
    ),
    ("what should I do if it ever balloons up?", Context.HYPOTHETICAL),
    ("what do you mean by deformed?", Context.HYPOTHETICAL),
    ("my brother's knee locked up at football", Context.OTHER),
    ("my coworker's knee is swollen and hot, she's at the doctor", Context.OTHER),
    ("my friend's knee swelled up and my question is about the leg curl", Context.OTHER),
    ("I'm numb to all the stretch-it advice", Context.FIGURATIVE),
    (
        "Gave way to temptation and ate the whole cake lol. how long do I hold the belt line reset?",
        Context.FIGURATIVE,
    ),
    ("Honestly numb from the news all week. What is the VL anyway?", Context.FIGURATIVE),
    (
        "Cup final lost on penalties, I'm numb after the result. Does rolling help?",
        Context.FIGURATIVE,
    ),
    ("Nothing hot or swollen, no fever. Which exercise first?", Context.NEGATED),
    (
        "when i was a kid my knee locked up once, now and again i get a bit of ITB pain, what"
        " helps?",
        Context.PAST,
    ),
    (
        "yrs ago my knee gave way n i had an op n today just an itb ache, which exercise?",
        Context.PAST,
    ),
    (
        "The landlord's knee went hot, red and swollen with a fever last week, an ambulance took"
        " him in. For my own outer knee ache: does stretching the IT band help?",
        Context.OTHER,
    ),
    (
        "Checklist: no swelling, no locking, no numbness, full weight bearing. What is the VL doing"
        " wrong?",
        Context.NEGATED,
    ),
    ("her son's knee is swollen and hot, she's my coworker, which stretch for me?", Context.OTHER),
    ("knee's nowt swollen and nowt hot, is foam rollin worth it?", Context.NEGATED),
    (
        "my sister's son's knee hurts at night, she's taking him to the gp. for me, itb stretches?",
        Context.OTHER,
    ),
    (
        "The tractor's brakes locked up on the hill this morning. Why does the pelvis tipping"
        " forward matter?",
        Context.FIGURATIVE,
    ),
    (
        "The other carer on my rota, her knee is swollen and red after her operation, she is seeing"
        " the nurse. For me, how do I do the leg curl?",
        Context.OTHER,
    ),
    ("Nothing gives way, nothing locks, it just aches on the outside", Context.NEGATED),
    ("fever: no / numbness: nil / which exercise first?", Context.NEGATED),
    ("fever n / numbness n / which exercise first?", Context.NEGATED),
    (
        "Me mate can't put weight on his leg after a slip on the boat. Which exercise first?",
        Context.OTHER,
    ),
    (
        "In the show I watch, a detective's knee gives way every episode. Why turn the foot in?",
        Context.OTHER,
    ),
    (
        "My understanding gave way at the hip section, why does hip rotation matter?",
        Context.FIGURATIVE,
    ),
    ("Fever: no. Numbness: nil. Which exercise first?", Context.NEGATED),
    ("explain the knee thing to me like im 12 pls", Context.FIGURATIVE),
    (
        "Coach asked me: knee swelling? I said no. Pain at night? No. Only sore on the outside"
        " after practice. Why does my knee look a bit bowed in the mirror?",
        Context.NEGATED,
    ),
    (
        "> is it swollen?\nnope\n> hot or red?\nnah\nso what actually fixes it long term?",
        Context.NEGATED,
    ),
    (
        "Today on the ward we had patient with red hot swollen knee and fever, sent to ortho."
        " Made me think of my own knee, but mine is only a lateral ache. Does rolling help?",
        Context.OTHER,
    ),
    (
        "long week at work, honestly im numb to it. whats the 2nd exercise",
        Context.FIGURATIVE,
    ),
    ("I wrote 'tingling: absent'. Which leg crosses over in the belt line reset?", Context.NEGATED),
    (
        "Locked knee back in '09 at the docks, surgeon fixed it, all good since then. Why does"
        " the outer quad get overworked?",
        Context.PAST,
    ),
    (
        "Had a patient tonight with a hot swollen knee, sent her to the reg. Is the IT band a"
        " muscle?",
        Context.OTHER,
    ),
    ("Before you ask — fever? no. Swollen? no. Which exercise first?", Context.NEGATED),
    (
        "business is very hot, my head is swelling with orders. Roller: how long?",
        Context.FIGURATIVE,
    ),
    (
        "im locked in my room revising and my brain is literally numb. does foam rolling the it"
        " band do anything",
        Context.FIGURATIVE,
    ),
]

CHILD_NAMED_BESIDE_THE_MEMBERS_OWN_KNEE = [
    (
        "This is Morag typing on my grandson's iPad. I have NOT fallen and the knee isn't hot or"
        " puffy. What has my pelvis got to do with my knee?"
    ),
    (
        "The knee is not swelling, not red, not hot. I can walk everywhere. Why the knee go inside"
        " when I do the lunge? My son film me and it cave in."
    ),
]
"""A child who only owns a thing or holds the camera: the knee is the member's own."""


@pytest.mark.parametrize(("message", "tier"), AFFIRMED)
def test_a_symptom_the_member_has_now_is_a_red_flag(
    engine: Engine, message: str, tier: str
) -> None:
    """Affirmed, current, the member's own (or their child's): the safety reply or a screen."""
    reply = engine.answer(message)
    assert reply.outcome in (Outcome.SAFETY, Outcome.SCREEN)
    assert reply.tier_id == tier


@pytest.mark.parametrize(
    "message",
    [
        "my shin feels fizzy since Monday, how many leg curls?",
        "outside thigh fizzy, new this week. curl reps?",
        "like ants crawling under the skin of my calf, which exercise first?",
    ],
)
def test_a_wording_to_ask_about_gets_the_screen_never_the_exercise(
    engine: Engine, message: str
) -> None:
    """Tingling in a member's own words may be a red flag or a massage gun's fizz: asked about."""
    reply = engine.answer(message)
    assert reply.outcome is Outcome.SCREEN
    assert reply.finding is not None
    assert reply.finding.context is Context.UNCERTAIN


def test_weight_lost_without_trying_in_pounds_gets_no_exercise(engine: Engine) -> None:
    """Lost "near 20 lbs … I ain't tryin to": the safety reply or the screen, no routine."""
    reply = engine.answer(
        "lost near 20 lbs past two months and I ain't tryin to, plus this knee ache on the"
        " outside. which exercise should I start with?"
    )
    assert reply.outcome in (Outcome.SAFETY, Outcome.SCREEN)
    assert "weight loss you can't explain" in reply.signs or reply.outcome is Outcome.SAFETY


@pytest.mark.parametrize(
    "message",
    [
        "my knee locked and won't straighten, can a doctor fix it?",
        "knee is hot and swollen and i have a fever, can a doctor fix it?",
        "foot went numb and cold, can the surgeon fix it?",
    ],
)
def test_a_resolution_asked_about_resolves_nothing(engine: Engine, message: str) -> None:
    """Asking "can a doctor fix it?" dates nothing: the red flag before it is current."""
    assert engine.answer(message).outcome in (Outcome.SAFETY, Outcome.SCREEN)


PATOIS_RED_FLAGS = [
    (
        "Mi knee a gi way when mi step off di bus, mi nearly drop two time today. Nuh swell or"
        " nutten. Which exercise mi fi do?"
    ),
    "Nuh worry bout di stretches, mi cyaan put weight pon mi leg since di fall",
]
"""A knee that "gi way", a leg the member "cyaan" put weight on, beside words of patois."""


@pytest.mark.parametrize("message", PATOIS_RED_FLAGS)
def test_a_red_flag_in_patois_gets_no_exercise(engine: Engine, message: str) -> None:
    """The safety reply or the screen, though other words are denied or unknown."""
    assert engine.answer(message).outcome in (Outcome.SAFETY, Outcome.SCREEN)


@pytest.mark.parametrize("message", CURRENT_DESPITE_A_TIME_OR_A_PERSON)
def test_a_time_a_place_or_another_person_beside_a_current_symptom_dismisses_nothing(
    engine: Engine, message: str
) -> None:
    """Still the member's red flag now: the safety reply or the screening question."""
    assert engine.answer(message).outcome in (Outcome.SAFETY, Outcome.SCREEN)


@pytest.mark.parametrize("message", SYMPTOM_THEN_A_DENIAL_ELSEWHERE)
def test_a_denial_elsewhere_never_reaches_the_symptom(engine: Engine, message: str) -> None:
    """A scope stays in its clause: "..., my knee is fine" denies nothing said before it."""
    assert engine.answer(message).outcome is Outcome.SAFETY


@pytest.mark.parametrize(
    "message",
    [
        "It doesn't lock. Since I fell on the ice my knee is killing me, I'm 70. "
        "What's the best IT band stretch?",
        "My knee never gave way before. Since I fell on the ice my knee is killing me, I'm 70. "
        "What's the best IT band stretch?",
        "No numbness. since the fall last night it's massive and purple, "
        "which IT band stretch should I do?",
    ],
)
def test_a_denied_clause_never_hides_a_red_flag_beside_it(engine: Engine, message: str) -> None:
    """The clause reading most like a red flag is denied: what the rest says still counts."""
    assert engine.answer(message).outcome in (Outcome.SAFETY, Outcome.SCREEN)


FUNCTION_AS_IT_SHOULD_BE = [
    "It clicks a bit on the quad bike, but it doesn't stop me straightening. What's the VL?",
    "It does not lock, it straightens completely. Where can I see the exercises done?",
    "Foot is warm. Feeling is normal. Leg curl with foot in: why turn the foot?",
    "Knee's not puffy, bends and straightens no worries. Why does foam rolling feel good?",
    "my knee is not swollen and I am able to walk without any difficulty. reps for the leg curl?",
    "No heat, no swelling, and my knee is bending ok. Is the IT band a tendon or a muscle?",
]
"""A clause that says a function or a sense is as it should be reads, to the learned signal,
much like the symptom it denies ("straightens completely", "walk without any difficulty")."""


@pytest.mark.parametrize("message", FUNCTION_AS_IT_SHOULD_BE)
def test_a_function_said_to_be_as_it_should_be_is_no_red_flag(engine: Engine, message: str) -> None:
    """No safety reply and no screen: the member's question is answered."""
    assert engine.answer(message).outcome is Outcome.ANSWER


@pytest.mark.parametrize(
    "message",
    [
        "Straighten fully? ❌  Weight bear? ❌",
        "my foot is cold and pale, feeling is normal otherwise",
        "I can't walk without difficulty since I fell on it",
        "No fever, no swelling. Since last night my knee catches and it will not straighten fully.",
    ],
)
def test_a_reassuring_wording_asked_or_beside_a_red_flag_reassures_nothing(
    engine: Engine, message: str
) -> None:
    """A question, a negated wording or a clause naming a red flag is not reassured.

    "Straighten fully?", "will not straighten fully", "foot is cold..., feeling is normal".
    """
    assert engine.answer(message).outcome in (Outcome.SAFETY, Outcome.SCREEN)


@pytest.mark.parametrize(
    "message",
    [
        "today no accident. but 3 week before, shopping trolley bang my knee very hard at petrol"
        " pump, no doctor see it, since then outside pain. which exercise i do?",
        "No swelling at all. But a fortnight back the dog barrelled into the side of my knee full"
        " pelt and it has throbbed ever since, I never had it seen. Reps for the curl?",
        "It's my nan; she's ninety-two and lives with us. No fever, no cuts, but she slid off the"
        " edge of the sofa last night onto her knee and it's been sore since, and nobody has"
        " examined it. Could she try the leg curl lying down?",
    ],
)
def test_a_denial_beside_a_knock_nobody_checked_still_gets_a_screen(
    engine: Engine, message: str
) -> None:
    """A message that reads as a red flag keeps it beside a denied clause.

    Nor is the knock someone else's when they (a dog, a trolley) struck the member's knee,
    nor the fall of a parent the member looks after.
    """
    assert engine.answer(message).outcome in (Outcome.SAFETY, Outcome.SCREEN)


SOMEONE_ELSES_BODY = [
    (
        "Wife's knee gave out on her twice at the shops, she's seeing the doc Monday. Mine don't"
        " do that. How long do I hold the belt line reset?"
    ),
    (
        "Buddy from the league can't put weight on his leg since Saturday. Me, I've just got the"
        " outside-knee ache. Is foam rolling a waste of time?"
    ),
    (
        "My training partner has tingling and numbness in his foot; he has booked a doctor. Which"
        " exercise do I do first?"
    ),
    (
        "My hiking partner's knee ballooned an hour after she slipped on scree yesterday, she's at"
        " A&E. My question is about me: what order do the three exercises go in?"
    ),
    (
        "Bloke on my route can't put any weight on his leg after slipping in the depot. Mine's"
        " just an achy outside knee. What's the best first exercise?"
    ),
]
"""Someone else's body part, named as theirs ("his leg"): perhaps theirs, so asked about."""


def test_a_hypothetical_about_the_members_own_body_is_screened(engine: Engine) -> None:
    """On "what does it mean if my calf is hot and swollen": theirs, so asked about first."""
    assert engine.answer("what does it mean if my calf is hot and swollen").outcome in (
        Outcome.SAFETY,
        Outcome.SCREEN,
    )


@pytest.mark.parametrize(("message", "context"), DISMISSED)
def test_a_denied_dated_imagined_or_borrowed_symptom_is_no_red_flag(
    engine: Engine, message: str, context: Context
) -> None:
    """The phrase is found, read in its context, and the message gets no safety reply."""
    reading = engine.read(message)
    assert reading.phrase is not None
    assert reading.phrase.context is context
    assert engine.answer(message).outcome not in (Outcome.SAFETY, Outcome.SCREEN)


@pytest.mark.parametrize("message", CHILD_NAMED_BESIDE_THE_MEMBERS_OWN_KNEE)
def test_a_child_who_is_not_the_subject_makes_no_carers_red_flag(
    engine: Engine, message: str
) -> None:
    """No "my grandson + knee" finding: the message gets no safety reply."""
    assert engine.answer(message).outcome is not Outcome.SAFETY


IMAGINED_OF_ONESELF = [
    "When do I see a doctor? My guess: if it swells fast, locks, or won't hold me.",
]
"""A what-if about the member's own body, reaching through its list of what might happen."""


WHOSE_IS_UNSURE = [
    (
        "A woman on my minibus had a knee that kept giving way, sent her to the nurse. For me: where"
        " should I feel the split squat?"
    ),
    "a guy from my club rode into my bike at the lights and knee swelled straight up. which exercise?",
    "our Chloe's knee is hot and swollen and she's burning up",
]
"""Someone else named, then "my" and a thing, then a symptom: theirs or the member's?"""


@pytest.mark.parametrize("message", SOMEONE_ELSES_BODY + IMAGINED_OF_ONESELF + WHOSE_IS_UNSURE)
def test_someone_elses_body_or_a_what_if_is_asked_about_not_alarmed(
    engine: Engine, message: str
) -> None:
    """The phrase is read as unsure: a screen, no alarm.

    A parent may not say they are one; a what-if about oneself may be real; after "my" and a
    thing ("my minibus", "my bike"), the symptom may be either's.
    """
    reading = engine.read(message)
    assert reading.phrase is not None
    assert reading.phrase.context is Context.UNCERTAIN
    assert engine.answer(message).outcome is Outcome.SCREEN


def test_a_denial_with_a_question_gets_its_answer(engine: Engine) -> None:
    """On "Not swollen, doesn't lock" plus a question: the answer, not a false emergency."""
    reply = engine.answer("my knee isn't swollen and doesn't lock. how many reps of the leg curl?")
    assert (reply.outcome, reply.entry_id) == (Outcome.ANSWER, "prone-leg-curl")
    assert reply.denied


def test_a_correction_is_read_as_a_denial(engine: Engine) -> None:
    """On "I said it's NOT swollen": no red flag, and marked as denying one (it may lift a hold)."""
    reply = engine.answer("I said it's NOT swollen, just achy")
    assert reply.outcome not in (Outcome.SAFETY, Outcome.SCREEN)
    assert reply.denied


@pytest.mark.parametrize(
    "message",
    [
        "Fever ✗ Swelling ✗ Locking ✗ Night pain ✗ — sore outside of knee only",
        "Hypothetically. Foot goes numb on a long ride. Emergency or not.",
    ],
)
def test_a_cross_or_a_hypothetical_sentence_is_asked_about_not_alarmed(
    engine: Engine, message: str
) -> None:
    """A cross may say "no" or mark a problem, and "Hypothetical." may be a story: a screen."""
    assert engine.answer(message).outcome is Outcome.SCREEN


def test_a_hedged_symptom_gets_the_screening_question(engine: Engine) -> None:
    """An uncertain context asks before any advice, rather than sounding an alarm."""
    reply = engine.answer("I think my knee might have locked up a bit?")
    assert reply.outcome is Outcome.SCREEN


def test_a_negated_ability_is_the_symptom_itself(lexical_engine: Engine) -> None:
    """On "not able to walk" negates walking, not the red flag: the negation is the symptom."""
    reading = lexical_engine.read("I am not able to walk on it since the fall")
    assert all(context is Context.AFFIRMED for context in reading.contexts)


def test_a_scope_ends_at_but(lexical_engine: Engine) -> None:
    """On "no swelling but it locked": the lock is outside the negation."""
    reading = lexical_engine.read("no swelling but it locked up")
    assert reading.phrase is not None
    assert reading.phrase.context is Context.AFFIRMED


def test_a_no_after_a_question_about_a_change_or_a_normal_state_is_the_symptom(
    lexical_engine: Engine,
) -> None:
    """On "Numbness sorted? No." or "Foot warm? Nope.": the symptom is still there."""
    for message in ("Numbness sorted? No. Which stretch?", "Foot warm? Nope. Which stretch?"):
        assert set(lexical_engine.read(message).contexts) == {Context.AFFIRMED}


def test_a_cross_or_a_no_after_what_the_member_can_do_says_they_cant(
    lexical_engine: Engine,
) -> None:
    """On "straighten leg ✗" or "walk 4 steps: no": a checklist ticking a symptom, asked about."""
    for message in ("straighten leg ✗ lift it ✗", "walk 4 steps: no"):
        assert lexical_engine.read(message).answered_yes
    assert not lexical_engine.read("fever ✗ swelling ✗ just sore outside the knee").answered_yes


@pytest.mark.parametrize(
    "message",
    ["Any swelling? No, it's massive, twice the size of the other one", "Hot? nah, it's red"],
)
def test_an_answer_the_member_goes_on_from_denies_nothing(engine: Engine, message: str) -> None:
    """On "Any swelling? No, it's massive": no denial, the symptom is there."""
    assert engine.answer(message).outcome in (Outcome.SAFETY, Outcome.SCREEN)


def test_asking_for_the_steps_is_no_emergency(engine: Engine) -> None:
    """Asking "what are the steps?" names no symptom: a count of steps alone is no red flag."""
    for message in ("what are the steps?", "Please tell me the steps one by one."):
        assert engine.answer(message).outcome is not Outcome.SAFETY


def test_a_negation_ends_at_because(engine: Engine) -> None:
    """On "hasn't slept ... because the knee aches all night" the night pain is no denial."""
    reply = engine.answer(
        "My father is 81 and lives with me. He hasn't slept properly in a fortnight because "
        "the knee aches all night, every night, and nothing we try settles it. How many sets "
        "of the belt line reset should he do?"
    )
    assert reply.outcome is Outcome.SAFETY
    assert reply.tier_id == "soon"


def test_a_list_after_a_comma_stays_denied(lexical_engine: Engine) -> None:
    """On "no swelling, locking or fever": every item is denied."""
    reading = lexical_engine.read("no swelling, locking or fever")
    assert reading.phrase is not None
    assert reading.phrase.dismissed


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("mein Knie ist nach dem Sturz stark geschwollen", "de"),
        ("kolano mi spuchło po upadku i nie mogę chodzić", "pl"),
        ("il ginocchio si è gonfiato dopo la caduta", "it"),
        ("mijn knie is opgezwollen na de val", "nl"),
        ("mon genou a gonflé après la chute", "fr"),
        ("o joelho inchou depois da queda", "pt"),
        ("la rodilla se hinchó después de la caída", "es"),
    ],
)
def test_a_red_flag_in_another_language_gets_the_screen(
    engine: Engine, message: str, language: str
) -> None:
    """Where the bot reads a language poorly, a message about the body is screened, at least."""
    reply = engine.answer(message)
    assert reply.outcome in (Outcome.SAFETY, Outcome.SCREEN)
    assert engine.read(message).language == language


def test_a_message_in_another_language_about_nothing_bodily_says_english_reads_best(
    engine: Engine,
) -> None:
    """Not "the article doesn't cover it": the honest "I read English best"."""
    reply = engine.answer("qual é o preço do programa completo, por favor?")
    assert reply.outcome is Outcome.ABSTAIN
    assert reply.language == "pt"


def test_short_english_with_gym_words_stays_english(lexical_engine: Engine) -> None:
    """Short messages are where identifiers guess: English words keep them English."""
    for message in ("knee locked", "IT band foam roller??", "curtsy squat reps?", "ok 👍"):
        assert lexical_engine.read(message).language == "en"


def test_a_red_flag_in_another_language_is_screened_without_the_encoder(
    lexical_engine: Engine,
) -> None:
    """With the semantic layer off, the same verdict: the body named, so the screen."""
    reply = lexical_engine.answer("mein Knie ist nach dem Sturz stark geschwollen")
    assert reply.outcome is Outcome.SCREEN
    assert reply.language == "de"
