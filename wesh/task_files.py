"""Task files: the tasks a city commissions, written as YAML or CSV, checked in full first.

YAML (one list item per task, or a mapping with a ``tasks`` list)::

    - title: Bankje schilderen in het Aambos
      title_en: Paint a bench in the Aambos        # optional: English second
      description: Schuur het bankje bij de vijver en verf het groen.
      neighbourhood: Schandelen                    # name or code (see wesh/neighbourhoods.py)
      location: {street: "Aambos, bij de vijver", lat: 50.8951, lon: 5.9977}
      reward: 25.00                                # euros per citizen
      slots: 2                                     # how many citizens can do it
      claim_deadline: 2026-12-31                   # last day to claim (Europe/Amsterdam)
      claim_duration: 14 days                      # time to do the work once claimed
      category: schilderen                         # optional: wesh/task_categories.py
      estimated_minutes: 90 min                    # optional: one resident's work ("2 uur")
      safety: Draag handschoenen.                  # optional: read before claiming
      safety_en: Wear gloves.                      # optional
      not_regular_work: ja                         # the task manager's confirmation
      reference_photo: bafkrei...                  # optional: CID of a photo of the place

CSV has the same fields as columns (``street``, ``lat``, ``lon`` instead of ``location``).
Each row's friendly values are read into a ``wesh.task_terms.TaskTerms``, the model the API's task
input uses too, so a file and the API accept the same tasks within the same bounds (wesh.rules).
Every problem is reported with its line number, and nothing is sent while any remains.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from wesh import neighbourhoods
from wesh.csv_rows import Column, InputFileError, Row, RowError, read_rows
from wesh.money import parse_euros
from wesh.rules import (
    AMSTERDAM,
    CATEGORIES,
    DEFAULT_CATEGORY,
    MAX_CLAIM_DURATION,
    MAX_DESCRIPTION,
    MAX_ESTIMATED_MINUTES,
    MAX_REWARD,
    MAX_SAFETY_NOTE,
    MAX_SLOTS,
    MAX_TITLE,
    MIN_CLAIM_DURATION,
    MIN_ESTIMATED_MINUTES,
)
from wesh.task_terms import TaskTerms

__all__ = [
    "AMSTERDAM",  # scripts and tests read task files' dates in it; its home is wesh.rules
    "FIELDS",
    "REQUIRED",
    "TASK_COLUMNS",
    "TaskRow",
    "describe_duration",
    "parse_deadline",
    "parse_duration",
    "parse_minutes",
    "parse_tasks",
]

FIELDS = (
    "title",
    "title_en",
    "description",
    "description_en",
    "neighbourhood",
    "location",
    "street",
    "lat",
    "lon",
    "reward",
    "slots",
    "claim_deadline",
    "claim_duration",
    "category",
    "estimated_minutes",
    "safety",
    "safety_en",
    "not_regular_work",
    "reference_photo",
)
REQUIRED = ("title", "description", "neighbourhood", "reward", "slots", "claim_deadline",
            "claim_duration")  # fmt: skip

TASK_COLUMNS = [
    Column("title", ("titel",)),
    Column("title_en", ("title en", "titel en"), required=False),
    Column("description", ("omschrijving", "beschrijving")),
    Column("description_en", ("description en", "omschrijving en"), required=False),
    Column("neighbourhood", ("wijk", "buurt")),
    Column("street", ("straat", "plek", "locatie", "location")),
    Column("lat", ("latitude",)),
    Column("lon", ("longitude", "lng")),
    Column("reward", ("beloning",)),
    Column("slots", ("plekken", "aantal")),
    Column("claim_deadline", ("claim deadline", "deadline", "uiterlijk")),
    Column("claim_duration", ("claim duration", "duur", "tijd")),
    Column("category", ("categorie", "soort"), required=False),
    Column(
        "estimated_minutes", ("geschatte duur", "minuten", "estimated duration"), required=False
    ),
    Column("safety", ("veiligheid", "veiligheidsnoot"), required=False),
    Column("safety_en", ("safety en", "veiligheid en"), required=False),
    Column("not_regular_work", ("geen regulier werk", "not regular work"), required=False),
    Column("reference_photo", ("referentiefoto", "reference photo"), required=False),
]
_MINUTES = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(m|min|minuten|minutes|h|u|uur|hour|hours)?$", re.I)
_YES, _NO = {"ja", "yes", "true", "1", "j", "y"}, {"nee", "no", "false", "0", "n", ""}

_DURATION = re.compile(
    r"^(\d+)\s*(d|dag|dagen|day|days|h|u|uur|hour|hours|w|week|weken|weeks)?$", re.IGNORECASE
)
_HOUR = 60 * 60  # seconds: units of time, not the contract's bounds (those are in wesh.rules)
_DAY = 24 * _HOUR
_UNIT_SECONDS = {"d": _DAY, "h": _HOUR, "u": _HOUR, "w": 7 * _DAY}
_NO_STREET = "location street is missing (where is the task? e.g. 'Aambos, bij de vijver')"


@dataclass(frozen=True)
class TaskRow:
    """One checked task: the line it came from and its terms (what goes on chain and into its
    public document)."""

    line: int
    terms: TaskTerms

    @property
    def title(self) -> str:
        return self.terms.title

    @property
    def neighbourhood(self) -> int:
        return self.terms.neighbourhood

    @property
    def reward(self) -> int:
        """Cents per slot."""
        return self.terms.reward

    @property
    def slots(self) -> int:
        return self.terms.slots

    @property
    def claim_deadline(self) -> int:
        """Unix time."""
        return self.terms.claim_deadline

    @property
    def claim_duration(self) -> int:
        """Seconds."""
        return self.terms.claim_duration

    @property
    def cost(self) -> int:
        return self.terms.cost

    @cached_property
    def document(self) -> dict[str, Any]:
        return self.terms.document()


def parse_duration(value: object) -> int:
    """``"14 days"``, ``"14d"``, ``"48 uur"``, ``"2 weken"`` or a number of days -> seconds."""
    if isinstance(value, bool):
        raise ValueError(f"claim_duration {value!r} is not a duration")
    if isinstance(value, int):
        return value * _DAY
    match = _DURATION.match(str(value).strip())
    if not match:
        raise ValueError(f"claim_duration {value!r} is not a duration: write e.g. 14 days or 48h")
    unit = (match.group(2) or "d").lower()[0]
    return int(match.group(1)) * _UNIT_SECONDS[unit]


def parse_minutes(value: object) -> int:
    """``90``, ``"90 min"``, ``"1,5 uur"``, ``"2h"`` -> minutes (a bare number is minutes)."""
    if isinstance(value, bool):
        raise ValueError(f"estimated_minutes {value!r} is not a duration")
    match = _MINUTES.match(str(value).strip())
    if not match:
        raise ValueError(
            f"estimated_minutes {value!r} is not a duration: write e.g. 90 min or 2 uur"
        )
    number = float(match.group(1).replace(",", "."))
    hours = (match.group(2) or "m").lower()[0] in "hu"
    return round(number * 60) if hours else round(number)


def _yes(value: object) -> bool:
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"not_regular_work {value!r}: write ja or nee")


def parse_deadline(value: object) -> int:
    """A date (end of that day) or a date and time, in Europe/Amsterdam -> unix time."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=AMSTERDAM)
    elif isinstance(value, date):
        moment = datetime.combine(value, time(23, 59, 59), AMSTERDAM)
    else:
        text = str(value).strip()
        try:
            if len(text) == 10:
                moment = datetime.combine(date.fromisoformat(text), time(23, 59, 59), AMSTERDAM)
            else:
                moment = datetime.fromisoformat(text)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=AMSTERDAM)
        except ValueError:
            raise ValueError(
                f"claim_deadline {value!r} is not a date: write 2026-12-31 or 2026-12-31T18:00"
            ) from None
    return int(moment.timestamp())


class _Problems:
    """A row's problems, each filed under the field it is about and reported in field order,
    so a field that could not be read is not reported a second time by TaskTerms."""

    _ORDER = ("", *FIELDS)  # "": problems with the row as a whole (unknown fields)

    def __init__(self) -> None:
        self._by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self._by_field.setdefault(field, []).append(message)

    def __contains__(self, field: str) -> bool:
        return field in self._by_field

    def __bool__(self) -> bool:
        return bool(self._by_field)

    def messages(self) -> list[str]:
        order = {field: i for i, field in enumerate(self._ORDER)}
        fields = sorted(self._by_field, key=lambda field: order.get(field, len(order)))
        return [message for field in fields for message in self._by_field[field]]


def _task(line: int, data: dict[str, Any], now: int, errors: list[RowError]) -> TaskRow | None:
    """The row at ``line`` as a TaskRow; else None, with each of its problems added to
    ``errors``."""
    problems = _Problems()
    for key in data:
        if key not in FIELDS:
            problems.add("", f"unknown field {key!r} (fields: {', '.join(FIELDS)})")
    missing = [key for key in REQUIRED if data.get(key) in (None, "")]
    for key in missing:
        problems.add(key, f"{key} is missing")
    terms = None if missing else _terms(_values(data, now, problems), problems)
    errors.extend(RowError(line, message) for message in problems.messages())
    return TaskRow(line, terms) if terms is not None and not problems else None


def _values(data: dict[str, Any], now: int, problems: _Problems) -> dict[str, Any]:
    """The row's friendly values (euros, "14 days", dates, neighbourhood names) as TaskTerms
    takes them; a value that cannot be read is a problem instead."""
    values: dict[str, Any] = {
        "title": str(data["title"]).strip(),
        "description": str(data["description"]).strip(),
        "category": str(data.get("category") or DEFAULT_CATEGORY).strip().lower(),
    }
    for key in ("title_en", "description_en", "safety", "safety_en", "reference_photo"):
        if data.get(key):
            values[key] = str(data[key]).strip()
    for key, optional in (("estimated_minutes", parse_minutes), ("not_regular_work", _yes)):
        if data.get(key) is not None:
            try:
                values[key] = optional(data[key])
            except ValueError as error:
                problems.add(key, str(error))
    for key, read in _READERS.items():
        try:
            values[key] = read(data[key])
        except ValueError as error:
            problems.add(key, str(error))
    if values.get("claim_deadline", now + 1) <= now:
        del values["claim_deadline"]
        problems.add("claim_deadline", f"claim_deadline {data['claim_deadline']} is in the past")
    values.update(_place(data, values.get("neighbourhood"), problems))
    return values


def _neighbourhood_code(value: object) -> int:
    return neighbourhoods.lookup(value if isinstance(value, int) else str(value)).code


def _reward(value: object) -> int:
    try:
        return parse_euros(value if isinstance(value, int | float) else str(value))
    except ValueError as error:
        raise ValueError(f"reward: {error}") from None


def _slots(value: object) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"slots {value!r} is not a whole number") from None


#: How each required term is read from its friendly form; ValueError says what is wrong.
_READERS: dict[str, Callable[[Any], int]] = {
    "neighbourhood": _neighbourhood_code,
    "reward": _reward,
    "slots": _slots,
    "claim_deadline": parse_deadline,
    "claim_duration": parse_duration,
}


def _place(data: dict[str, Any], hood_code: int | None, problems: _Problems) -> dict[str, Any]:
    """Street, lat and lon (under ``location`` in YAML, columns in CSV), the coordinates checked
    against the neighbourhood's centre (a swapped pair or a typo is far away)."""
    location = data.get("location")
    place = location if isinstance(location, dict) else data
    street, lat, lon = place.get("street"), place.get("lat"), place.get("lon")
    values: dict[str, Any] = {}
    if street:
        values["street"] = str(street).strip()
    else:
        problems.add("street", _NO_STREET)
    try:
        latitude = float(str(lat).replace(",", "."))
        longitude = float(str(lon).replace(",", "."))
    except ValueError:
        problems.add("lat", f"location lat/lon {lat!r}/{lon!r} are not numbers")
        return values
    values.update(lat=latitude, lon=longitude)
    if hood_code is not None:
        problem = neighbourhoods.check_location(
            neighbourhoods.by_code(hood_code), latitude, longitude
        )
        if problem:
            problems.add("lat", problem)
    return values


def _terms(values: dict[str, Any], problems: _Problems) -> TaskTerms | None:
    """TaskTerms checks the bounds; each refusal becomes a problem in the file's words (a field
    with a problem already, such as one that could not be read, is not reported again)."""
    try:
        return TaskTerms.model_validate(values)
    except ValidationError as refusal:
        for error in refusal.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            if field not in problems and not (field == "lon" and "lat" in problems):
                problems.add(field, _in_words(field, error, values))
        return None


def _in_words(field: str, error: ErrorDetails, values: dict[str, Any]) -> str:
    """What a TaskTerms refusal means for the person who wrote the file."""
    if field in ("title", "title_en", "description", "description_en"):
        text = str(values.get(field, ""))
        limit = MAX_TITLE if field.startswith("title") else MAX_DESCRIPTION
        return (
            f"{field} is {len(text)} characters; at most {limit}" if text else f"{field} is empty"
        )
    if field == "street":
        return _NO_STREET
    if field == "reward":
        return f"reward must be more than 0 and at most {MAX_REWARD // 100} euros"
    if field == "slots":
        return f"slots must be 1 to {MAX_SLOTS}"
    if field == "claim_duration":
        return (
            f"claim_duration must be at least {describe_duration(MIN_CLAIM_DURATION)} "
            f"and at most {describe_duration(MAX_CLAIM_DURATION)}"
        )
    if field == "category":
        return f"category {values.get(field)!r} is not one of {', '.join(CATEGORIES)}"
    if field == "estimated_minutes":
        return (
            f"estimated_minutes must be {MIN_ESTIMATED_MINUTES} to {MAX_ESTIMATED_MINUTES} minutes"
        )
    if field in ("safety", "safety_en"):
        return f"{field} is longer than {MAX_SAFETY_NOTE} characters"
    if field in ("lat", "lon"):
        return f"location {field}: {error['msg']}"
    return f"{field}: {error['msg']}"


def _yaml_items(path: Path) -> list[tuple[int, Any]]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise InputFileError(path, [RowError(line, f"not valid YAML: {error}")]) from None
    if isinstance(data, dict) and isinstance(node, yaml.MappingNode) and "tasks" in data:
        node = next(v for k, v in node.value if k.value == "tasks")
        data = data["tasks"]
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise InputFileError(path, [RowError(1, "expected a list of tasks (or `tasks:` with one)")])
    return [(item.start_mark.line + 1, value) for item, value in zip(node.value, data, strict=True)]


def parse_tasks(path: Path | str, *, now: int) -> list[TaskRow]:
    """The tasks in a ``.yaml``/``.yml`` or ``.csv`` file; ``InputFileError`` lists every problem.

    ``now`` is the chain's current time (deadlines must lie after it).
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, [RowError(0, "file not found")])
    errors: list[RowError] = []
    items: list[tuple[int, Any]]
    if path.suffix.lower() in (".yaml", ".yml"):
        items = _yaml_items(path)
    elif path.suffix.lower() == ".csv":
        rows, errors = read_rows(path, TASK_COLUMNS)
        items = [(row.line, _csv_values(row)) for row in rows]
    else:
        raise InputFileError(path, [RowError(0, "use a .yaml, .yml or .csv file")])

    tasks: list[TaskRow] = []
    seen: dict[str, int] = {}
    for line, item in items:
        if not isinstance(item, dict):
            errors.append(RowError(line, "a task must be a mapping of fields (title: ..., ...)"))
            continue
        task = _task(line, item, now, errors)
        if task is None:
            continue
        key = repr(sorted(task.document.items()))
        if key in seen:
            errors.append(RowError(line, f"duplicate: the same task as on line {seen[key]}"))
            continue
        seen[key] = line
        tasks.append(task)
    if errors:
        raise InputFileError(path, errors)
    if not tasks:
        raise InputFileError(path, [RowError(1, "the file has no tasks")])
    return tasks


def _csv_values(row: Row) -> dict[str, Any]:
    return {key: value for key, value in row.values.items() if value.strip()}


def describe_duration(seconds: int) -> str:
    """1209600 -> "14 days"."""
    delta = timedelta(seconds=seconds)
    if delta.days and not delta.seconds:
        return f"{delta.days} day{'s' if delta.days != 1 else ''}"
    hours = seconds // _HOUR
    return f"{hours} hour{'s' if hours != 1 else ''}"
