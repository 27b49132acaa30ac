"""TaskTerms: one task's terms, with the contract's bounds from wesh.rules, for the API's input
and the scripts' task files alike."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from wesh import rules
from wesh.metadata import TASK_SCHEMA
from wesh.task_terms import TaskTerms

GOOD: dict[str, Any] = {
    "title": "Bankje schilderen",
    "description": "Schuur en verf het bankje.",
    "neighbourhood": 4,
    "street": "Aambos",
    "lat": 50.8938,
    "lon": 5.9931,
    "reward": 2_500,
    "slots": 2,
    "claim_deadline": 1_798_757_999,
    "claim_duration": 14 * 86_400,
}


def _refused(**changes: Any) -> set[str]:
    """The fields TaskTerms refuses in GOOD with ``changes`` applied."""
    with pytest.raises(ValidationError) as caught:
        TaskTerms.model_validate({**GOOD, **changes})
    return {str(error["loc"][0]) for error in caught.value.errors()}


def test_good_terms_make_the_task_document() -> None:
    terms = TaskTerms.model_validate(GOOD)
    assert terms.category == rules.DEFAULT_CATEGORY and terms.title_en is None
    assert terms.cost == 5_000
    document = terms.document()
    assert document["schema"] == TASK_SCHEMA
    assert document["title"] == {"nl": "Bankje schilderen"}
    assert (document["reward"], document["slots"], document["neighbourhood"]) == (2_500, 2, 4)
    assert document["claim_deadline"] == "2026-12-31T22:59:59+00:00"
    english = TaskTerms.model_validate({**GOOD, "title_en": "Paint a bench", "category": "groen"})
    assert english.document()["title"] == {"nl": "Bankje schilderen", "en": "Paint a bench"}
    assert english.document()["category"] == "groen"


@pytest.mark.parametrize(
    ("field", "lowest", "highest"),
    [
        ("reward", 1, rules.MAX_REWARD),
        ("slots", 1, rules.MAX_SLOTS),
        ("claim_duration", rules.MIN_CLAIM_DURATION, rules.MAX_CLAIM_DURATION),
        ("claim_deadline", 0, rules.MAX_TIMESTAMP),
        ("neighbourhood", 1, rules.MAX_NEIGHBOURHOOD),
        ("lat", -90, 90),
        ("lon", -180, 180),
    ],
)
def test_numbers_within_the_contracts_bounds(field: str, lowest: int, highest: int) -> None:
    for accepted in (lowest, highest):
        assert getattr(TaskTerms.model_validate({**GOOD, field: accepted}), field) == accepted
    assert _refused(**{field: lowest - 1}) == {field}
    assert _refused(**{field: highest + 1}) == {field}


def test_texts_within_the_citys_bounds() -> None:
    for field, limit in (("title", rules.MAX_TITLE), ("description", rules.MAX_DESCRIPTION)):
        assert len(getattr(TaskTerms.model_validate({**GOOD, field: "x" * limit}), field)) == limit
        assert _refused(**{field: "x" * (limit + 1)}) == {field}
        assert _refused(**{field: ""}) == {field}
        assert _refused(**{f"{field}_en": "x" * (limit + 1)}) == {f"{field}_en"}
    assert _refused(street="") == {"street"}


def test_category_is_one_of_the_rules() -> None:
    for category in rules.CATEGORIES:
        assert TaskTerms.model_validate({**GOOD, "category": category}).category == category
    assert _refused(category="taarten") == {"category"}
    schema = TaskTerms.model_json_schema()["properties"]["category"]
    assert schema["enum"] == list(rules.CATEGORIES)
    assert schema["default"] == rules.DEFAULT_CATEGORY


def test_every_problem_is_reported_and_missing_fields_too() -> None:
    assert _refused(reward=0, slots=0, category="x") == {"reward", "slots", "category"}
    with pytest.raises(ValidationError) as caught:
        TaskTerms.model_validate({"title": "Alleen een titel"})
    missing = {str(e["loc"][0]) for e in caught.value.errors() if e["type"] == "missing"}
    required = {name for name, field in TaskTerms.model_fields.items() if field.is_required()}
    assert required == set(GOOD)
    assert missing == required - {"title"}


def test_terms_are_kept_exactly_as_given() -> None:
    # The document's CID is computed over these values: nothing is stripped or rounded here.
    terms = TaskTerms.model_validate({**GOOD, "title": " Bankje ", "lat": 50.12345678})
    assert terms.title == " Bankje " and terms.lat == 50.12345678
    with pytest.raises(ValidationError):
        terms.slots = 3  # type: ignore[misc]
