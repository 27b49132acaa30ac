"""The council's quarterly report (issue #16) in Chromium: a city officer on /gemeente chooses a
quarter and downloads its PDF, which pypdf reads back as that quarter's report with the city's
money flow; axe-core finds nothing serious on the card at 360 and 1280 px."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from conftest import DESKTOP, PHONE, axe_violations, copy_to_docs, shot, sign_in
from pypdf import PdfReader
from webstack import OFFICER


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_an_officer_downloads_the_quarterly_report(visit: Any, width: str) -> None:
    city = visit(OFFICER, "/gemeente", viewport=PHONE if width == "phone" else DESKTOP)
    sign_in(city)
    page = city.page
    card = page.locator("section", has=page.get_by_role("heading", name="Kwartaalrapportage"))
    card.wait_for()
    page.wait_for_selector("#main[aria-busy='false']")
    card.scroll_into_view_if_needed()
    assert not axe_violations(page)
    shot(page, f"city-report-{width}")
    copy_to_docs(page, f"report-quarterly-{width}")

    choice = card.get_by_label("Kwartaal")
    quarters = choice.locator("option").all_inner_texts()
    assert len(quarters) == 6 and all(re.fullmatch(r"\d{4}-Q[1-4]", q) for q in quarters)
    earlier = quarters[1]
    choice.select_option(earlier)
    with page.expect_download() as info:
        card.get_by_role("link", name="Download kwartaalrapportage (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"wesh-kwartaalrapportage-{earlier}.pdf"
    data = download.path().read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert f"kwartaalrapportage {earlier}" in text
    assert "1. Geldstroom" in text and "Budget toegekend €" in text
