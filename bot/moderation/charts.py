"""The moderators' usage chart: questions per day by outcome, and votes per entry, as a PNG.

Drawn with matplotlib's Agg canvas on a figure of its own (no pyplot, no global state), so it
is safe off the event loop; matplotlib is imported here only, never by the engine.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.store import EntryStats

WIDTH_INCHES = 10.0
HEIGHT_INCHES = 8.0
DPI = 100
"""The PNG is ``WIDTH_INCHES * DPI`` by ``HEIGHT_INCHES * DPI`` pixels: 1000 by 800."""
ENTRIES_SHOWN = 15
"""The most voted entries shown; each bar is one of this many rows thick, however few there are."""
DAY_LABELS = 31
"""At most this many dates are written under the bars: every day's up to a month, over a
longer period every few days' counting back from today's."""
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


def _dated(days: int) -> list[int]:
    """The positions of the bars that get their date, of ``days`` bars.

    Every one, or over a long period every few counting back from the last (today's), so
    today's bar always has its date.
    """
    step = max(1, -(-days // DAY_LABELS))
    return list(range(days - 1, -1, -step))[::-1]


def usage_figure(
    per_day: Sequence[tuple[str, str, int]],
    entries: Sequence[EntryStats],
    *,
    days: int,
    today: date,
) -> Figure:
    """The figure of ``days`` days up to ``today``: ``per_day`` as stacked bars, votes per entry.

    ``per_day`` holds ``(YYYY-MM-DD, outcome, questions)`` rows (:meth:`Store.questions_per_day`).
    """
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    by_day, by_votes = figure.subplots(2, 1, height_ratios=(3, 2))
    _draw_days(by_day, per_day, days=days, today=today)
    _draw_votes(by_votes, entries)
    return figure


def usage_chart(
    per_day: Sequence[tuple[str, str, int]],
    entries: Sequence[EntryStats],
    *,
    days: int,
    today: date,
) -> bytes:
    """The PNG of :func:`usage_figure`."""
    buffer = io.BytesIO()
    usage_figure(per_day, entries, days=days, today=today).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _draw_days(
    axes: Axes, per_day: Sequence[tuple[str, str, int]], *, days: int, today: date
) -> None:
    """Questions per day as bars stacked by outcome, on an integer axis from 0."""
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
        axes.bar(
            range(len(labels)),
            heights,
            bottom=bottom,
            label=outcome.replace("_", " "),
            color=OUTCOME_COLOURS.get(outcome, OTHER_COLOUR),
        )
        bottom = [low + high for low, high in zip(bottom, heights, strict=True)]
    axes.set_title(f"Questions per day by outcome, last {days} day(s) (UTC)")
    axes.set_ylabel("questions")
    dated = _dated(len(labels))
    axes.set_xticks(dated, [labels[index] for index in dated])
    axes.set_xlim(-0.5, len(labels) - 0.5)
    axes.tick_params(axis="x", labelrotation=90, labelsize=7)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if outcomes:
        axes.legend(loc="upper left", fontsize=8)
    else:
        axes.text(0.5, 0.5, "no questions yet", ha="center", transform=axes.transAxes)


def _draw_votes(axes: Axes, entries: Sequence[EntryStats]) -> None:
    """Votes per entry, the most voted at the top: helpful to the right of 0, not helpful left.

    Each side reaches at least 1, with integer ticks labelled by size; every bar is as thick
    as one of :data:`ENTRIES_SHOWN`, however few entries were voted on.
    """
    axes.set_title("Votes per entry: helpful (right) and not helpful (left)")
    voted = sorted(
        (row for row in entries if row.helpful or row.not_helpful),
        key=lambda row: (-(row.helpful + row.not_helpful), row.entry_id),
    )[:ENTRIES_SHOWN]
    if not voted:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "no votes yet", ha="center", transform=axes.transAxes)
        return
    places = range(len(voted))
    axes.barh(places, [row.helpful for row in voted], color=HELPFUL_COLOUR, label="helpful")
    axes.barh(
        places,
        [-row.not_helpful for row in voted],
        color=NOT_HELPFUL_COLOUR,
        label="not helpful",
    )
    axes.set_yticks(places, [row.entry_id for row in voted])
    axes.set_ylim(ENTRIES_SHOWN - 0.5, -0.5)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlim(
        -max(1, *(row.not_helpful for row in voted)), max(1, *(row.helpful for row in voted))
    )
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{abs(value):g}"))
    axes.tick_params(axis="y", labelsize=8)
    axes.legend(loc="lower right", fontsize=8)
