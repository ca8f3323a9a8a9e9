"""The usage chart: a real PNG of the figure's size, with something drawn on it."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date

import numpy as np
from matplotlib import image

from bot.charts import DPI, HEIGHT_INCHES, WIDTH_INCHES, usage_chart
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


def test_matplotlib_is_imported_only_to_draw_a_chart() -> None:
    """The engine, the review, the command line and the /kb cog start without matplotlib."""
    code = (
        "import sys\n"
        "from bot.cli import _parser\n"
        "_parser()\n"
        "import bot.engine, bot.review, bot.labels, bot.moderator_cli\n"
        "import bot.discord_ui.exts.moderation\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'matplotlib'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout == "[]\n"
