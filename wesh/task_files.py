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

CSV has the same fields as columns (``street``, ``lat``, ``lon`` instead of ``location``).
Every problem is reported with its line number, and nothing is sent while any remains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from wesh import neighbourhoods
from wesh.csv_rows import Column, InputFileError, Row, RowError, read_rows
from wesh.metadata import task_document
from wesh.money import AmountError, parse_euros
from wesh.rules import CATEGORIES

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# The contract's bounds (Heitje.vy), checked here so each term gets its own message.
MAX_REWARD = 150_000
MAX_SLOTS = 1_000
MIN_CLAIM_DURATION = 3_600
MAX_CLAIM_DURATION = 365 * 86_400
MAX_TITLE = 120
MAX_DESCRIPTION = 4_000

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
]

_DURATION = re.compile(
    r"^(\d+)\s*(d|dag|dagen|day|days|h|u|uur|hour|hours|w|week|weken|weeks)?$", re.IGNORECASE
)
_UNIT_SECONDS = {"d": 86_400, "h": 3_600, "u": 3_600, "w": 7 * 86_400}


@dataclass(frozen=True)
class TaskRow:
    """One checked task: its on-chain terms and its public document."""

    line: int
    title: str
    neighbourhood: int
    reward: int  # cents per slot
    slots: int
    claim_deadline: int  # unix time
    claim_duration: int  # seconds
    document: dict[str, Any]

    @property
    def cost(self) -> int:
        return self.reward * self.slots


def parse_duration(value: object) -> int:
    """``"14 days"``, ``"14d"``, ``"48 uur"``, ``"2 weken"`` or a number of days -> seconds."""
    if isinstance(value, bool):
        raise ValueError(f"claim_duration {value!r} is not a duration")
    if isinstance(value, int):
        return value * 86_400
    match = _DURATION.match(str(value).strip())
    if not match:
        raise ValueError(f"claim_duration {value!r} is not a duration: write e.g. 14 days or 48h")
    unit = (match.group(2) or "d").lower()[0]
    return int(match.group(1)) * _UNIT_SECONDS[unit]


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


def _task(line: int, data: dict[str, Any], now: int, errors: list[RowError]) -> TaskRow | None:
    before = len(errors)

    def fail(message: str) -> None:
        errors.append(RowError(line, message))

    for key in data:
        if key not in FIELDS:
            fail(f"unknown field {key!r} (fields: {', '.join(FIELDS)})")
    missing = [key for key in REQUIRED if data.get(key) in (None, "")]
    for key in missing:
        fail(f"{key} is missing")
    if missing:
        return None

    title = str(data["title"]).strip()
    description = str(data["description"]).strip()
    if len(title) > MAX_TITLE:
        fail(f"title is {len(title)} characters; at most {MAX_TITLE}")
    if len(description) > MAX_DESCRIPTION:
        fail(f"description is {len(description)} characters; at most {MAX_DESCRIPTION}")

    hood = None
    try:
        hood = neighbourhoods.lookup(data["neighbourhood"])
    except neighbourhoods.UnknownNeighbourhood as error:
        fail(str(error))

    location = data.get("location")
    if isinstance(location, dict):
        street, lat, lon = location.get("street"), location.get("lat"), location.get("lon")
    else:
        street, lat, lon = data.get("street"), data.get("lat"), data.get("lon")
    if not street:
        fail("location street is missing (where is the task? e.g. 'Aambos, bij de vijver')")
    latitude = longitude = 0.0
    try:
        latitude = float(str(lat).replace(",", "."))
        longitude = float(str(lon).replace(",", "."))
    except ValueError:
        fail(f"location lat/lon {lat!r}/{lon!r} are not numbers")
    else:
        if hood:
            problem = neighbourhoods.check_location(hood, latitude, longitude)
            if problem:
                fail(problem)

    reward = 0
    try:
        reward = parse_euros(data["reward"])
    except AmountError as error:
        fail(f"reward: {error}")
    else:
        if not 0 < reward <= MAX_REWARD:
            fail(f"reward must be more than 0 and at most {MAX_REWARD // 100} euros")

    slots = 0
    try:
        slots = int(str(data["slots"]).strip())
    except ValueError:
        fail(f"slots {data['slots']!r} is not a whole number")
    else:
        if not 0 < slots <= MAX_SLOTS:
            fail(f"slots must be 1 to {MAX_SLOTS}")

    deadline = duration = 0
    try:
        deadline = parse_deadline(data["claim_deadline"])
    except ValueError as error:
        fail(str(error))
    else:
        if deadline <= now:
            fail(f"claim_deadline {data['claim_deadline']} is in the past")
    try:
        duration = parse_duration(data["claim_duration"])
    except ValueError as error:
        fail(str(error))
    else:
        if not MIN_CLAIM_DURATION <= duration <= MAX_CLAIM_DURATION:
            fail("claim_duration must be at least 1 hour and at most 365 days")

    category = str(data.get("category") or "overig").strip().lower()
    if category not in CATEGORIES:
        fail(f"category {category!r} is not one of {', '.join(CATEGORIES)}")

    if len(errors) > before or hood is None:
        return None
    document = task_document(
        title=title,
        description=description,
        title_en=str(data["title_en"]).strip() if data.get("title_en") else None,
        description_en=str(data["description_en"]).strip() if data.get("description_en") else None,
        neighbourhood=hood.code,
        street=str(street).strip(),
        lat=latitude,
        lon=longitude,
        reward=reward,
        slots=slots,
        claim_deadline=deadline,
        claim_duration=duration,
        category=category,
    )
    return TaskRow(line, title, hood.code, reward, slots, deadline, duration, document)


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
    return f"{seconds // 3600} hours"
