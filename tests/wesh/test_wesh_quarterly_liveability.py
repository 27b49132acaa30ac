"""The quarterly report's liveability section (wesh.quarterly.render_liveability), read back with
pypdf: each neighbourhood's rating before and after in Dutch notation, the tasks done in
between, the no-causality sentence and the source note."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from wesh import quarterly as q


def text_of(data: bytes) -> str:
    pages = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    # Footers out: a paragraph may run on to the next page.
    return re.sub(r"WESH kwartaalrapportage — pagina \d+ ", "", re.sub(r"\s+", " ", pages))


BASE = q.QuarterFigures(
    quarter=q.Quarter.parse("2026-Q4"),
    months=[],
    categories=[],
    neighbourhoods=[],
    money=q.Money(),
)


def test_the_section_shows_before_after_and_tasks_side_by_side() -> None:
    figures = q.QuarterFigures(
        **{
            **BASE.__dict__,
            "liveability": [
                q.LiveabilityRow(
                    "Schandelen", q.Rating("2025", 6.4, 212), q.Rating("2026-H2", 7.1, 150), 4
                ),
                q.LiveabilityRow("Heerlerheide", q.Rating("2026", 6.0, 20), None, None),
            ],
            "liveability_source": "laatst ingelezen: enquete.csv op 06-12-2026",
        }
    )
    text = text_of(q.render(figures))
    assert "6. Leefbaarheid per wijk" in text
    assert "Schandelen 6,4 (2025, n=212) 7,1 (2026-H2, n=150) 4" in text
    assert "Heerlerheide 6 (2026, n=20) — —" in text
    assert "naast elkaar, geen oorzaak en gevolg" in text
    assert "enquete.csv op 06-12-2026" in text


def test_without_a_survey_the_section_says_so() -> None:
    text = text_of(q.render(BASE))
    assert "6. Leefbaarheid per wijk" in text
    assert "Nog geen bewonersenquête ingelezen." in text
