"""The usage chart: a real PNG of the figure's size, and axes a moderator can read.

Vote counts on an integer axis from 0, a note instead of an empty axis, every day dated.
"""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, timedelta

import numpy as np
from matplotlib import image
from matplotlib.axes import Axes

from bot.moderation.charts import (
    DAY_LABELS,
    DPI,
    ENTRIES_SHOWN,
    HEIGHT_INCHES,
    WIDTH_INCHES,
    usage_chart,
    usage_figure,
)
from bot.store import EntryStats
from tests.conftest import REPO

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _pixels(png: bytes) -> np.ndarray:
    return image.imread(io.BytesIO(png), format="png")


def test_the_chart_is_a_png_of_the_figure_size_with_colours_drawn() -> None:
    """Signature, width and height from figure size and dpi, and the bars' colours present."""
    png = usage_chart(
        [("2026-01-03", "answer", 4), ("2026-01-03", "abstain", 2), ("2026-01-04", "safety", 1)],
        [EntryStats("it-band", 4, 3, 1), EntryStats("foam-rolling", 2, 0, 2)],
        days=7,
        today=date(2026, 1, 5),
    )
    assert png.startswith(PNG_SIGNATURE)
    pixels = _pixels(png)
    assert pixels.shape[:2] == (HEIGHT_INCHES * DPI, WIDTH_INCHES * DPI) == (800, 1000)
    colours = {tuple(pixel) for pixel in np.round(pixels[..., :3] * 255).astype(int).reshape(-1, 3)}
    assert len(colours) > 1
    # The answer bars (#2e7d32), helpful votes (#43a047) and not helpful votes (#e53935).
    assert {(46, 125, 50), (67, 160, 71), (229, 57, 53)} <= colours


def test_a_chart_with_nothing_to_show_is_still_a_valid_png() -> None:
    """No questions and no votes: the same size, with its titles and notes drawn."""
    png = usage_chart([], [], days=30, today=date(2026, 1, 5))
    assert png.startswith(PNG_SIGNATURE)
    pixels = _pixels(png)
    assert pixels.shape[:2] == (800, 1000)
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 1


TODAY = date(2026, 1, 5)


def _axes(
    per_day: list[tuple[str, str, int]], entries: list[EntryStats], days: int = 30
) -> tuple[Axes, Axes]:
    """The days' axes and the votes' axes, drawn (tick labels are set when drawn)."""
    figure = usage_figure(per_day, entries, days=days, today=TODAY)
    figure.canvas.draw()
    by_day, by_votes = figure.axes
    return by_day, by_votes


def _tick_labels(axes: Axes) -> list[str]:
    return [label.get_text() for label in axes.get_xticklabels()]


def test_one_vote_is_a_bar_of_one_on_an_axis_from_0_to_at_least_1() -> None:
    """Not a bar filling the pane on an axis that reads 1…0: each side of 0 reaches 1."""
    for helpful, not_helpful in ((0, 1), (1, 0)):
        _, votes = _axes([], [EntryStats("prone-leg-curl", 1, helpful, not_helpful)])
        assert votes.get_xlim() == (-1.0, 1.0)
        assert list(votes.get_xticks()) == [-1.0, 0.0, 1.0]
        assert _tick_labels(votes) == ["1", "0", "1"]
        bars = sorted(patch.get_width() for patch in votes.patches)
        assert bars == sorted([float(helpful), -float(not_helpful)])
        low, high = sorted(votes.get_ylim())
        assert votes.patches[0].get_height() / (high - low) <= 1 / ENTRIES_SHOWN


def test_many_votes_have_integer_ticks_from_0_on_each_side() -> None:
    """Helpful to the right, not helpful to the left, labelled by size; the axis fits both."""
    entries = [EntryStats("it-band", 9, 7, 2), EntryStats("routine", 3, 0, 3)]
    _, votes = _axes([], entries)
    assert votes.get_xlim() == (-3.0, 7.0)
    ticks = [tick for tick in votes.get_xticks() if -3 <= tick <= 7]
    assert 0.0 in ticks
    assert all(tick == int(tick) for tick in ticks)
    assert all(label.lstrip("-").isdigit() for label in _tick_labels(votes))
    assert [label.get_text() for label in votes.get_yticklabels()] == ["it-band", "routine"]


def test_no_votes_is_said_instead_of_an_empty_axis() -> None:
    """No ticks like ±0.045: the pane keeps its title and says "no votes yet"."""
    _, votes = _axes([("2026-01-05", "answer", 1)], [EntryStats("it-band", 1, 0, 0)])
    assert not votes.axison
    assert [text.get_text() for text in votes.texts] == ["no votes yet"]
    assert votes.get_title().startswith("Votes per entry")
    assert not votes.patches
    assert not votes.lines


def test_every_days_bar_has_its_date_today_included() -> None:
    """Over a month every bar is dated, in order, ending with today's."""
    days, _ = _axes([("2026-01-05", "answer", 1), ("2026-01-03", "abstain", 2)], [])
    dates = [(TODAY - timedelta(days=back)).isoformat() for back in range(29, -1, -1)]
    assert _tick_labels(days) == dates
    assert list(days.get_xticks()) == list(range(30))
    assert [patch.get_x() + patch.get_width() / 2 for patch in days.patches[:30]] == list(range(30))
    assert days.get_ylim()[0] == 0


def test_over_a_long_period_today_is_dated_and_the_dates_stay_legible() -> None:
    """A year's bars are dated every few days, counting back from today's, which is dated."""
    days, _ = _axes([], [], days=365)
    labels = _tick_labels(days)
    assert labels[-1] == TODAY.isoformat()
    assert 2 <= len(labels) <= DAY_LABELS
    assert "no questions yet" in [text.get_text() for text in days.texts]


def test_matplotlib_is_imported_only_to_draw_a_chart() -> None:
    """The engine, the review, the command line and the /kb cog start without matplotlib."""
    code = (
        "import sys\n"
        "from bot.cli import _parser\n"
        "_parser()\n"
        "import bot.engine, bot.moderation.desk, bot.cli.moderators\n"
        "import bot.discord_ui.exts.moderation\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'matplotlib'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout == "[]\n"
