"""Task files become TaskTerms: friendly values read, the contract's bounds (wesh.rules) checked
by the model, and every problem reported in the file's words with its line number."""

from __future__ import annotations

from pathlib import Path

import pytest

from wesh import rules
from wesh.csv_rows import InputFileError
from wesh.task_files import FIELDS, describe_duration, parse_tasks
from wesh.task_terms import TaskTerms

NOW = 1_700_000_000
GOOD = """- title: Goed
  description: Deze is in orde.
  neighbourhood: Centrum
  location: {street: Markt, lat: 50.888, lon: 5.979}
  reward: 5
  slots: 1
  claim_deadline: 2030-01-01
  claim_duration: 7 days
"""


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "tasks.yaml"
    path.write_text(text)
    with pytest.raises(InputFileError) as caught:
        parse_tasks(path, now=NOW)
    assert {error.line for error in caught.value.errors} == {1}
    return [error.message for error in caught.value.errors]


def _with(**changes: str) -> str:
    text = GOOD
    for key, value in changes.items():
        start = text.index(f"  {key}: ") if not text.startswith(f"- {key}: ") else 0
        end = text.index("\n", start)
        prefix = "- " if start == 0 else "  "
        text = f"{text[:start]}{prefix}{key}: {value}{text[end:]}"
    return text


def test_a_good_row_is_task_terms(tmp_path: Path) -> None:
    path = tmp_path / "tasks.yaml"
    path.write_text(GOOD)
    (task,) = parse_tasks(path, now=NOW)
    assert isinstance(task.terms, TaskTerms)
    assert (task.line, task.title, task.neighbourhood, task.reward, task.slots) == (
        1, "Goed", 1, 500, 1
    )  # fmt: skip
    assert task.claim_duration == 7 * 86_400 and task.cost == 500
    assert task.terms.category == rules.DEFAULT_CATEGORY
    assert task.document == task.terms.document()


def test_every_problem_of_a_row_in_the_files_words(tmp_path: Path) -> None:
    text = _with(
        neighbourhood="Brunssum",
        reward="2000",
        slots="0",
        claim_deadline="2020-01-01",
        claim_duration="10 minuten",
    )
    problems = _problems(tmp_path, text + "  colour: red\n")
    assert problems == [
        f"unknown field 'colour' (fields: {', '.join(FIELDS)})",
        problems[1],
        f"reward must be more than 0 and at most {rules.MAX_REWARD // 100} euros",
        f"slots must be 1 to {rules.MAX_SLOTS}",
        "claim_deadline 2020-01-01 is in the past",
        problems[5],
    ]
    assert problems[1].startswith("unknown neighbourhood 'Brunssum'")
    assert problems[5].startswith("claim_duration '10 minuten' is not a duration")


def test_bounds_come_from_the_rules(tmp_path: Path) -> None:
    most = f"{rules.MAX_REWARD // 100}"
    assert parse_tasks(_write(tmp_path, _with(reward=most, slots=str(rules.MAX_SLOTS))), now=NOW)
    assert _problems(tmp_path, _with(reward=f"{most}.01")) == [
        f"reward must be more than 0 and at most {most} euros"
    ]
    assert _problems(tmp_path, _with(slots=str(rules.MAX_SLOTS + 1))) == [
        f"slots must be 1 to {rules.MAX_SLOTS}"
    ]
    assert _problems(tmp_path, _with(claim_duration="366 days")) == [
        "claim_duration must be at least 1 hour and at most 365 days"
    ]
    assert _problems(tmp_path, _with(title="x" * (rules.MAX_TITLE + 1))) == [
        f"title is {rules.MAX_TITLE + 1} characters; at most {rules.MAX_TITLE}"
    ]
    assert _problems(tmp_path, _with(title="Goed\n  title_en: " + "x" * 121)) == [
        "title_en is 121 characters; at most 120"
    ]
    assert _problems(tmp_path, _with(title="'   '")) == ["title is empty"]
    assert _problems(tmp_path, _with(claim_duration="0h")) == [
        "claim_duration must be at least 1 hour and at most 365 days"
    ]


def test_a_place_far_from_its_neighbourhood_is_one_problem(tmp_path: Path) -> None:
    swapped = GOOD.replace("lat: 50.888, lon: 5.979", "lat: 5.979, lon: 50.888")
    (problem,) = _problems(tmp_path, swapped)
    assert "swapped" in problem
    (problem,) = _problems(tmp_path, GOOD.replace("lat: 50.888", "lat: north"))
    assert problem == "location lat/lon 'north'/5.979 are not numbers"
    (problem,) = _problems(tmp_path, GOOD.replace("street: Markt, ", ""))
    assert problem.startswith("location street is missing")


def test_durations_are_described_in_words() -> None:
    assert describe_duration(3_600) == "1 hour"
    assert describe_duration(48 * 3_600) == "2 days"
    assert describe_duration(5 * 3_600) == "5 hours"
    assert describe_duration(86_400) == "1 day"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ok.yaml"
    path.write_text(text)
    return path


# ---------------------------------------------- issue #15: safe tasks, not regular paid work
SAFE = (
    GOOD
    + """  category: zwerfafval
  estimated_minutes: 1,5 uur
  safety: Draag handschoenen.
  safety_en: Wear gloves.
  not_regular_work: ja
  reference_photo: bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku
"""
)


def test_duration_safety_confirmation_and_reference_photo_go_into_the_document(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tasks.yaml"
    path.write_text(SAFE)
    (task,) = parse_tasks(path, now=NOW)
    document = task.document
    assert document["estimated_minutes"] == 90
    assert document["safety"] == {"nl": "Draag handschoenen.", "en": "Wear gloves."}
    assert document["not_regular_work"] is True
    assert document["reference_photo"].startswith("bafkrei")
    assert task.terms.hourly == round(500 * 60 / 90)


def test_a_csv_file_takes_the_same_fields_by_their_dutch_names(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text(
        "titel,omschrijving,wijk,straat,lat,lon,beloning,plekken,deadline,duur,categorie,"
        "minuten,veiligheid,geen regulier werk\n"
        "Goed,Deze is in orde.,Centrum,Markt,50.888,5.979,5,1,2030-01-01,7 days,groen,45,"
        "Handschoenen aan.,ja\n"
    )
    (task,) = parse_tasks(path, now=NOW)
    assert (task.terms.estimated_minutes, task.terms.safety, task.terms.not_regular_work) == (
        45, "Handschoenen aan.", True
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"estimated_minutes": "een middag"}, "estimated_minutes 'een middag' is not a duration"),
        ({"estimated_minutes": "9 uur"}, "estimated_minutes must be 5 to 480 minutes"),
        ({"not_regular_work": "misschien"}, "not_regular_work 'misschien': write ja or nee"),
        ({"reference_photo": "foto.jpg"}, "reference_photo: Value error"),
    ],
)
def test_the_new_fields_refused_in_the_files_words(
    tmp_path: Path, changes: dict[str, str], message: str
) -> None:
    text = SAFE
    for key, value in changes.items():
        start = text.index(f"  {key}: ")
        text = f"{text[:start]}  {key}: {value}{text[text.index(chr(10), start) :]}"
    (problem,) = _problems(tmp_path, text)
    assert problem.startswith(message)


def test_an_old_row_without_the_new_fields_keeps_its_document(tmp_path: Path) -> None:
    path = tmp_path / "tasks.yaml"
    path.write_text(GOOD)
    (task,) = parse_tasks(path, now=NOW)
    assert not {"estimated_minutes", "safety", "not_regular_work", "reference_photo"} & set(
        task.document
    )
