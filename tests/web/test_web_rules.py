"""The dApp takes the contract's rules from ``GET /config`` (which serves ``wesh.rules``): its
texts cover every claim status and task category the rules name, and no module writes a status
number or the category list itself. Read from the source, no browser."""

from __future__ import annotations

import re

import pytest
from webstack import ROOT

from wesh import rules

JS = ROOT / "web" / "js"


def text_keys() -> set[str]:
    """The keys of every text table: i18n.js and the city's and the shop's own."""
    keys: set[str] = set()
    for name in ("i18n.js", "texts_city.js", "texts_shop.js"):
        source = (JS / name).read_text()
        start = source.index("const T = {") if name == "i18n.js" else source.index("addTexts({")
        table = source[start : source.index("\n};") if name == "i18n.js" else source.index("\n});")]
        keys |= set(re.findall(r"^\s+'?([a-z_ 0-9]+)'?: \[", table, re.M))
    return keys


@pytest.mark.parametrize(
    "status", [s.name.lower() for s in rules.ClaimStatus if s != rules.ClaimStatus.NONE]
)
def test_every_claim_status_has_its_texts(status: str) -> None:
    """The citizen's claim line and badge are keyed by the status name /config gives."""
    assert {f"status_{status}", f"status_short_{status}"} <= text_keys()


@pytest.mark.parametrize("category", rules.CATEGORIES)
def test_every_category_has_its_text(category: str) -> None:
    assert f"cat_{category}" in text_keys()


def test_no_module_writes_a_status_number_or_the_categories() -> None:
    numbered = re.compile(r"\bstatus\s*[!=]==?\s*\d\b|\[[\d,\s]+\]\.includes\([\w.]*status\)")
    for module in sorted(JS.glob("*.js")):
        source = module.read_text()
        assert not numbered.search(source), f"{module.name} compares a status with a number"
        if module.name not in ("i18n.js", "texts_city.js", "texts_shop.js"):
            words = [c for c in rules.CATEGORIES if f"'{c}'" in source]
            assert words == [], f"{module.name} names categories itself: {words}"
