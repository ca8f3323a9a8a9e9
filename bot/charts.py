"""The moderators' usage chart: questions per day by outcome, and votes per entry, as a PNG.

Drawn with matplotlib's Agg canvas on a figure of its own (no pyplot, no global state), so it
is safe off the event loop; matplotlib is imported here only, never by the engine.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.store import EntryStats

WIDTH_INCHES = 10.0
HEIGHT_INCHES = 8.0
DPI = 100
"""The PNG is ``WIDTH_INCHES * DPI`` by ``HEIGHT_INCHES * DPI`` pixels: 1000 by 800."""
ENTRIES_SHOWN = 15
DAY_LABELS = 15
"""At most this many dates are written under the bars (every few days over a long period)."""
OUTCOME_COLOURS = {
    "answer": "#2e7d32",
    "abstain": "#9e9e9e",
    "small_talk": "#90caf9",
    "screen": "#ffb300",
    "safety": "#c62828",
}
"""Outcomes in the order their bars stack, each with its colour; any other outcome is grey-blue."""
OTHER_COLOUR = "#607d8b"
HELPFUL_COLOUR = "#43a047"
NOT_HELPFUL_COLOUR = "#e53935"


def _days(last: date, days: int) -> list[str]:
    return [(last - timedelta(days=back)).isoformat() for back in range(days - 1, -1, -1)]


def usage_chart(
    per_day: Sequence[tuple[str, str, int]],
    entries: Sequence[EntryStats],
    *,
    days: int,
    today: date,
) -> bytes:
    """The PNG of ``days`` days up to ``today``: ``per_day`` as stacked bars, votes per entry.

    ``per_day`` holds ``(YYYY-MM-DD, outcome, questions)`` rows (:meth:`Store.questions_per_day`).
    """
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    by_day, by_votes = figure.subplots(2, 1, height_ratios=(3, 2))
    labels = _days(today, days)
    counts: dict[str, dict[str, int]] = {}
    for day, outcome, count in per_day:
        counts.setdefault(outcome, {})[day] = count
    outcomes = [o for o in OUTCOME_COLOURS if o in counts] + sorted(
        o for o in counts if o not in OUTCOME_COLOURS
    )
    bottom = [0] * len(labels)
    for outcome in outcomes:
        heights = [counts[outcome].get(day, 0) for day in labels]
        by_day.bar(
            labels,
            heights,
            bottom=bottom,
            label=outcome.replace("_", " "),
            color=OUTCOME_COLOURS.get(outcome, OTHER_COLOUR),
        )
        bottom = [low + high for low, high in zip(bottom, heights, strict=True)]
    by_day.set_title(f"Questions per day by outcome, last {days} day(s) (UTC)")
    by_day.set_ylabel("questions")
    by_day.set_xticks(range(0, len(labels), max(1, -(-len(labels) // DAY_LABELS))))
    by_day.tick_params(axis="x", labelrotation=90, labelsize=7)
    by_day.yaxis.set_major_locator(MaxNLocator(integer=True))
    if outcomes:
        by_day.legend(loc="upper left", fontsize=8)
    else:
        by_day.text(0.5, 0.5, "no questions yet", ha="center", transform=by_day.transAxes)
    voted = sorted(
        (row for row in entries if row.helpful or row.not_helpful),
        key=lambda row: (-(row.helpful + row.not_helpful), row.entry_id),
    )[:ENTRIES_SHOWN][::-1]
    names = [row.entry_id for row in voted]
    by_votes.barh(names, [row.helpful for row in voted], color=HELPFUL_COLOUR, label="helpful")
    by_votes.barh(
        names,
        [-row.not_helpful for row in voted],
        color=NOT_HELPFUL_COLOUR,
        label="not helpful",
    )
    by_votes.axvline(0, color="black", linewidth=0.8)
    by_votes.xaxis.set_major_locator(MaxNLocator(integer=True))
    by_votes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{abs(value):g}"))
    by_votes.set_title("Votes per entry: helpful (right) and not helpful (left)")
    by_votes.tick_params(axis="y", labelsize=8)
    if voted:
        by_votes.legend(loc="lower right", fontsize=8)
    else:
        by_votes.text(0.5, 0.5, "no votes yet", ha="center", transform=by_votes.transAxes)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
