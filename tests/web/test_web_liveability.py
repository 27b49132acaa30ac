"""The resident survey on /gemeente's overview (issue #16, section 3) in Chromium: Stadsbeheer
imports a CSV through the page and sees each neighbourhood's rating before and after beside the
tasks done there, with the no-causality sentence; a bad file shows its line's error next to the
form and stores nothing; a reviewer sees the table but no form; axe-core finds nothing serious
or critical at 360 and 1280 px."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from conftest import DESKTOP, PHONE, axe_violations, copy_to_docs, shot, sign_in
from playwright.sync_api import expect
from webstack import OFFICER, REVIEWER2, Stack

GOOD = "\ufeffwijk;periode;cijfer;respondenten\nCentrum;2025;6,4;212\n1;2026;7,1;150\n"
BAD = "wijk;periode;cijfer;respondenten\nCentrum;2027;6,1;99\nAtlantis;2027;6,5;99\n"


def csv_file(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_stadsbeheer_imports_the_survey_and_reads_before_and_after(
    visit: Any, stack: Stack, width: str
) -> None:
    city = visit(OFFICER, "/gemeente", viewport=PHONE if width == "phone" else DESKTOP)
    sign_in(city)
    page = city.page
    card = page.locator("section#liveability")
    card.wait_for()
    page.wait_for_selector("#main[aria-busy='false']")

    card.get_by_label("Bestand (CSV)").set_input_files(csv_file("enquete-2026.csv", GOOD))
    card.get_by_role("button", name="Inlezen").click()
    expect(card.get_by_role("status")).to_have_text(re.compile(r"^Ingelezen: 2 cijfers \("))
    row = card.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Centrum"))
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text(re.compile(r"^6,4\s*2025, 212 bewoners$"))
    expect(cells.nth(1)).to_have_text(re.compile(r"^7,1\s*2026, 150 bewoners$"))
    expect(cells.nth(2)).to_have_text(re.compile(r"^\d+$"))  # tasks approved in Centrum
    expect(card.get_by_role("note")).to_contain_text("naast elkaar, geen oorzaak en gevolg")
    expect(card.get_by_text("Bron: enquete-2026.csv, ingelezen op")).to_be_visible()
    expect(
        card.get_by_role("img", name=re.compile("Rapportcijfer vóór en na per wijk"))
    ).to_be_visible()
    page.evaluate("document.getElementById('liveability').scrollIntoView()")
    found = axe_violations(page)
    assert not found, found
    shot(page, f"city-liveability-{width}")
    copy_to_docs(page, f"city-liveability-{width}")

    # A bad line: the whole file refused, its line said next to the form, nothing stored.
    card.get_by_label("Bestand (CSV)").set_input_files(csv_file("fout.csv", BAD))
    card.get_by_role("button", name="Inlezen").click()
    errors = card.locator("#liveability-errors")
    expect(errors).to_contain_text("Er is niets ingelezen: 1 fout(en), op regel 3.")
    expect(errors.get_by_role("listitem")).to_have_text(
        re.compile(r"^Regel 3: Wijk 'Atlantis' is onbekend\. Schrijf het wijknummer")
    )
    found = axe_violations(page)
    assert not found, found
    published = httpx.get(f"{stack.api_url}/liveability").json()
    centrum = next(n for n in published["neighbourhoods"] if n["neighbourhood"] == 1)
    assert [p["period"] for p in centrum["periods"]] == ["2025", "2026"]  # no 2027


def test_a_reviewer_reads_the_table_without_the_form(visit: Any, stack: Stack) -> None:
    """A reviewer (no task manager) reads the card, in English, without the upload form."""
    session = stack.session(OFFICER)
    try:
        body = {"file_name": "enquete.csv", "csv": GOOD}
        assert session.post("/city/liveability", json=body).status_code == 200
    finally:
        session.close()
    reviewer = visit(REVIEWER2, "/gemeente", viewport=DESKTOP)
    sign_in(reviewer)
    page = reviewer.page
    card = page.locator("section#liveability")
    card.wait_for()
    page.locator("button.lang").filter(has_text="English").click()
    expect(card.get_by_role("heading", name="Liveability by neighbourhood")).to_be_visible()
    expect(card.get_by_role("note")).to_contain_text("side by side, not cause and effect")
    row = card.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Centrum"))
    expect(row.get_by_role("cell").nth(0)).to_have_text(re.compile(r"^6.4\s*2025, 212 residents$"))
    expect(card.get_by_role("button", name="Import")).to_have_count(0)
    expect(card.get_by_label("File (CSV)")).to_have_count(0)
    found = axe_violations(page)
    assert not found, found
