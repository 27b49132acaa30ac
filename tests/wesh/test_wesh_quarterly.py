"""The council's quarterly report laid out (wesh.quarterly): the PDF read back with pypdf holds
the figures it was given, in Dutch notation, rows under 10 residents suppressed, and a missing
font is refused with a message naming the package."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from wesh import quarterly as q


def text_of(data: bytes) -> str:
    """The text of every page, runs of spaces (justified lines) made one."""
    pages = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r" +", " ", pages)


FIGURES = q.QuarterFigures(
    quarter=q.Quarter.parse("2026-Q4"),
    months=[
        q.Row("2026-10", 14, 31, 812_50),
        q.Row("2026-11", 3, 4, 40_00),
        q.Row("2026-12", 0, 0, 0),
    ],
    categories=[q.Row("Zwerfafval prikken", 12, 30, 800_00), q.Row("Sneeuw ruimen", 4, 5, 52_50)],
    neighbourhoods=[q.Row("Hoensbroek", 11, 29, 790_00), q.Row("Welten", 6, 6, 62_50)],
    money=q.Money(
        budget_granted=5_000_00,
        budget_withdrawn=250_00,
        escrow_locked=1_234_50,
        escrow_returned=100_00,
        payouts=852_50,
        spending=600_25,
        refunds=12_75,
        cashouts_requested=400_00,
        cashouts_paid=300_00,
        heitjes_outstanding_end=452_50,
        cashouts_unpaid_end=100_00,
    ),
    shopping_areas=[("Centrum", 500_25), ("Hoensbroek", 100_00)],
    made_at="06-12-2026 22:00",
)


def test_the_pdf_holds_the_figures_it_was_given() -> None:
    data = q.render(FIGURES)
    assert data.startswith(b"%PDF")
    text = text_of(data)
    assert "kwartaalrapportage 2026-Q4" in text
    assert "oktober 2026 tot en met december 2026" in text
    # The money flow, euro sign and Dutch notation (the font carries both).
    for line in (
        "Budget toegekend € 5.000,00",
        "Budget teruggetrokken € 250,00",
        "Vastgezet voor nieuwe taken € 1.234,50",
        "Uitbetaald aan bewoners (verdiend) € 852,50",
        "Besteed bij winkels € 600,25",
        "Teruggegeven door winkels € 12,75",
        "Inwisselingen betaald door de gemeente € 300,00",
        "Wat de gemeente verschuldigd is aan het eind € 552,50",
    ):
        assert line in text, line
    # Participation: shown from 10 residents, suppressed under, zero shown as zero.
    assert "oktober 2026 14 31 € 812,50" in text
    assert "november 2026 < 10 < 10 < 10" in text
    assert "december 2026 0 0 € 0,00" in text
    assert "Zwerfafval prikken 12 30 € 800,00" in text
    assert "Sneeuw ruimen < 10 < 10 < 10" in text
    assert "Hoensbroek 11 29 € 790,00" in text
    assert "Welten < 10" in text
    assert "Centrum € 500,25" in text
    # Every table says where its figures come from; the suppressed counts never leak.
    assert text.count("Bron:") >= 5
    assert "€ 40,00" not in text and "€ 52,50" not in text


def test_the_threshold_follows_the_setting() -> None:
    # With the statistics' threshold at 5 (WESH_STATISTICS_MIN_RESIDENTS): 6 residents are
    # shown, 3 and 4 are not, and the notes say "< 5".
    from dataclasses import replace

    text = text_of(q.render(replace(FIGURES, min_people=5)))
    assert "minder dan 5 bewoners rust, toont '< 5'" in re.sub(r"\s+", " ", text)
    assert "november 2026 < 5 < 5 < 5" in text
    assert "Welten 6 6 € 62,50" in text
    assert "Sneeuw ruimen < 5 < 5 < 5" in text
    assert "< 10" not in text


def test_a_quarter_is_written_year_dash_q() -> None:
    quarter = q.Quarter.parse("2026-q4")
    assert quarter.months == ["2026-10", "2026-11", "2026-12"]
    start, end = quarter.bounds()
    # 1 October 00:00 to 1 January 00:00 Amsterdam time: 92 days and the hour the clocks go back.
    assert end - start == 92 * 86_400 + 3_600
    for wrong in ("2026-4", "2026-Q5", "Q4-2026", ""):
        with pytest.raises(q.QuarterInvalid):
            q.Quarter.parse(wrong)


def test_a_missing_font_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(q, "FONT_DIR", tmp_path)
    with pytest.raises(q.FontMissing, match="fonts-dejavu-core"):
        q.render(FIGURES)
