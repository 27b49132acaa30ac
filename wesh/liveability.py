"""The city's resident survey of liveability (issue #16, section 3): one CSV file, read and
checked in full, with no I/O here (the API reads the upload, stores and publishes).

The file (docs/statistics.md has an example)::

    wijk;periode;cijfer;respondenten
    Schandelen;2025;6,4;212
    4;2026-H1;6,9;187
    WK091733;2026-Q3;7,1;64

- Columns, in any order, named in Dutch or English (any case): ``wijk`` / ``neighbourhood``,
  ``periode`` / ``period``, ``cijfer`` / ``rating``, ``respondenten`` / ``respondents``. All four
  are needed; any other column is refused (usually a wrong file, or personal data).
- Delimiter ``;`` (Dutch spreadsheets) or ``,``: whichever the header line holds more of. With
  ``,`` a decimal comma must be quoted (``"6,8"``), as spreadsheets do when they save.
- UTF-8, with or without a byte-order mark. Blank lines and lines starting with ``#`` are skipped.
- ``wijk``: our code (1-16), the name (``Schandelen``, ``Nieuw-Lotbroek``), the CBS buurt code
  (``BU09173102``) or the CBS wijk code where only one of ours lies in it (``WK091733``;
  ``wesh.neighbourhoods.lookup``).
- ``periode``: a year (``2026``), a half year (``2026-H1``, ``2026-H2``) or a quarter
  (``2026-Q1`` .. ``2026-Q4``). Periods are ordered by the month they end, then by the month they
  begin: ``2026-Q1`` < ``2026-H1`` < ``2026-Q2`` < ``2026-Q3`` < ``2026`` < ``2026-H2`` <
  ``2026-Q4`` (a year ends when its second half does but began earlier, so it sorts first).
- ``cijfer``: the mean rating, 1 to 10 inclusive, at most two decimals, with a decimal comma or
  point (``6,8`` or ``6.8``).
- ``respondenten``: how many residents answered, a whole number of at least 1.
- One line per (wijk, periode): the same pair twice in one file is refused. Importing a pair that
  is already stored replaces it (the API's upsert), so a corrected file can simply be imported
  again.

Every bad line is reported with its line number (the line a spreadsheet or editor shows), in
Dutch and English with what to do, and if any line is bad the whole file is refused.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from wesh import neighbourhoods

#: Canonical column -> the names a header may use for it (compared case-insensitively).
COLUMNS: dict[str, tuple[str, ...]] = {
    "wijk": ("wijk", "neighbourhood", "neighborhood", "buurt", "wijkcode"),
    "periode": ("periode", "period"),
    "cijfer": ("cijfer", "rating", "rapportcijfer"),
    "respondenten": ("respondenten", "respondents", "aantal respondenten"),
}
HEADER = ";".join(COLUMNS)
#: More lines than this is not a survey of Heerlen's neighbourhoods.
MAX_LINES = 5000
MIN_RATING, MAX_RATING = Decimal(1), Decimal(10)

_PERIOD = re.compile(r"^([0-9]{4})(?:-?([HQ])([1-4]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A survey period: its first and last month, inclusive ("YYYY-MM"). Ordered by its end,
    then its start."""

    end: str
    start: str
    label: str

    @classmethod
    def parse(cls, text: str) -> Period:
        found = _PERIOD.match(text.strip().upper().replace(" ", ""))
        if not found or not 1900 <= int(found.group(1)) <= 2200:
            raise ValueError(text)
        year, kind, number = int(found.group(1)), found.group(2), found.group(3)
        if kind is None:
            return cls(f"{year}-12", f"{year}-01", str(year))
        n = int(number)
        if kind == "H" and n > 2:
            raise ValueError(text)
        size = 6 if kind == "H" else 3
        first = (n - 1) * size + 1
        return cls(f"{year}-{first + size - 1:02d}", f"{year}-{first:02d}", f"{year}-{kind}{n}")


@dataclass(frozen=True)
class Rating:
    """One line of the survey: a neighbourhood's mean rating over a period."""

    line: int
    neighbourhood: int
    period: Period
    rating: Decimal
    respondents: int


@dataclass(frozen=True)
class LineError:
    """What is wrong on one line (0: the file as a whole), in Dutch and English."""

    line: int
    nl: str
    en: str


class SurveyInvalid(ValueError):
    """A file with bad lines: ``errors`` holds every one of them, in line order."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.line)
        super().__init__("; ".join(f"line {e.line}: {e.en}" for e in self.errors))


def parse_rating(text: str) -> Decimal:
    """ "6,8" or "6.8" -> Decimal("6.8"); ValueError unless 1..10 with at most two decimals."""
    cleaned = text.strip().replace(",", ".")
    if not re.fullmatch(r"[0-9]{1,2}(\.[0-9]{1,2})?", cleaned):
        raise ValueError(text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not MIN_RATING <= value <= MAX_RATING:
        raise ValueError(text)
    return value


def _header_key(text: str) -> str:
    return " ".join(text.strip().strip("\ufeff").replace("_", " ").split()).casefold()


def _decode(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SurveyInvalid(
                [
                    LineError(
                        0,
                        "Het bestand is geen UTF-8-tekst. Sla het op als 'CSV UTF-8' en lees "
                        "het opnieuw in.",
                        "The file is not UTF-8 text. Save it as 'CSV UTF-8' and import it again.",
                    )
                ]
            ) from None
    return data.removeprefix("\ufeff")


def parse_survey(data: str | bytes) -> list[Rating]:
    """Every line of a survey file, checked; ``SurveyInvalid`` with every bad line otherwise."""
    lines = _decode(data).splitlines()
    kept = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")]
    if not kept:
        raise SurveyInvalid(
            [
                LineError(
                    1,
                    f"Het bestand is leeg. De eerste regel moet de kolomnamen geven: {HEADER}.",
                    f"The file is empty. Its first line must name the columns: {HEADER}.",
                )
            ]
        )
    if len(kept) > MAX_LINES + 1:
        raise SurveyInvalid(
            [
                LineError(
                    kept[MAX_LINES + 1][0],
                    f"Meer dan {MAX_LINES} regels: dit lijkt geen enquête van de wijken. "
                    "Kies het goede bestand.",
                    f"More than {MAX_LINES} lines: this does not look like the neighbourhood "
                    "survey. Choose the right file.",
                )
            ]
        )
    header_at, header_line = kept[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    numbers = [n for n, _ in kept]
    reader = csv.reader(io.StringIO("\n".join(ln for _, ln in kept)), delimiter=delimiter)
    records = list(reader)
    errors: list[LineError] = []
    known = {_header_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}
    names: list[str] = []
    for cell in records[0]:
        canonical = known.get(_header_key(cell))
        if canonical is None:
            errors.append(
                LineError(
                    header_at,
                    f"Onbekende kolom '{cell.strip()}'. De kolommen zijn: {HEADER}.",
                    f"Unknown column '{cell.strip()}'. The columns are: {HEADER}.",
                )
            )
        elif canonical in names:
            errors.append(
                LineError(
                    header_at,
                    f"De kolom '{cell.strip()}' staat er twee keer. Laat er één staan.",
                    f"The column '{cell.strip()}' appears twice. Keep one.",
                )
            )
        names.append(canonical or "")
    for column in COLUMNS:
        if column not in names:
            errors.append(
                LineError(
                    header_at,
                    f"De kolom '{column}' ontbreekt. De eerste regel moet zijn: {HEADER}.",
                    f"The column '{column}' is missing. The first line must be: {HEADER}.",
                )
            )
    if errors:
        raise SurveyInvalid(errors)

    ratings: list[Rating] = []
    seen: dict[tuple[int, str], int] = {}
    for line, cells in zip(numbers[1:], records[1:], strict=True):
        if len(cells) != len(names):
            errors.append(
                LineError(
                    line,
                    f"Deze regel heeft {len(cells)} vakken in plaats van {len(names)}. Staat er "
                    f"een '{delimiter}' te veel (een cijfer met komma tussen aanhalingstekens: "
                    '"6,8")?',
                    f"This line has {len(cells)} fields instead of {len(names)}. Is there a "
                    f"'{delimiter}' too many (a rating with a comma in quotes: \"6,8\")?",
                )
            )
            continue
        values = {name: cell.strip() for name, cell in zip(names, cells, strict=True)}
        found = _line(line, values, errors)
        if found is None:
            continue
        key = (found.neighbourhood, found.period.label)
        if key in seen:
            name = neighbourhoods.name_of(found.neighbourhood)
            errors.append(
                LineError(
                    line,
                    f"{name}, periode {found.period.label} staat ook op regel {seen[key]}. "
                    "Laat er één staan.",
                    f"{name}, period {found.period.label} is on line {seen[key]} too. Keep one.",
                )
            )
            continue
        seen[key] = line
        ratings.append(found)
    if not ratings and not errors:
        errors.append(
            LineError(
                header_at,
                "Er staan geen cijfers onder de kolomnamen. Kies het bestand met de cijfers.",
                "There are no ratings under the column names. Choose the file with the ratings.",
            )
        )
    if errors:
        raise SurveyInvalid(errors)
    return ratings


def _line(line: int, values: dict[str, str], errors: list[LineError]) -> Rating | None:
    """One data line, or None with its errors added."""
    before = len(errors)
    hood: neighbourhoods.Neighbourhood | None = None
    try:
        hood = neighbourhoods.lookup(values["wijk"])
    except neighbourhoods.UnknownNeighbourhood:
        several = neighbourhoods.in_cbs_area(values["wijk"])
        if len(several) > 1:
            names = ", ".join(n.name for n in several)
            errors.append(
                LineError(
                    line,
                    f"CBS-wijk '{values['wijk']}' omvat meer dan één van onze wijken ({names}). "
                    "Schrijf de naam of de CBS-buurtcode.",
                    f"CBS wijk '{values['wijk']}' holds more than one of our neighbourhoods "
                    f"({names}). Write the name or the CBS buurt code.",
                )
            )
        else:
            errors.append(
                LineError(
                    line,
                    f"Wijk '{values['wijk']}' is onbekend. Schrijf het wijknummer (1 tot en met "
                    f"{len(neighbourhoods.NEIGHBOURHOODS)}), de naam (zoals Schandelen) of de "
                    "CBS-buurtcode.",
                    f"Neighbourhood '{values['wijk']}' is unknown. Write its number (1 to "
                    f"{len(neighbourhoods.NEIGHBOURHOODS)}), its name (such as Schandelen) or its "
                    "CBS buurt code.",
                )
            )
    period: Period | None = None
    try:
        period = Period.parse(values["periode"])
    except ValueError:
        errors.append(
            LineError(
                line,
                f"Periode '{values['periode']}' klopt niet. Schrijf een jaar (2026), een "
                "halfjaar (2026-H1) of een kwartaal (2026-Q3).",
                f"Period '{values['periode']}' is not valid. Write a year (2026), a half year "
                "(2026-H1) or a quarter (2026-Q3).",
            )
        )
    rating: Decimal | None = None
    try:
        rating = parse_rating(values["cijfer"])
    except ValueError:
        errors.append(
            LineError(
                line,
                f"Cijfer '{values['cijfer']}' klopt niet. Schrijf een getal van 1 tot en met 10, "
                "met hoogstens twee decimalen, zoals 6,8.",
                f"Rating '{values['cijfer']}' is not valid. Write a number from 1 to 10, with at "
                "most two decimals, such as 6.8.",
            )
        )
    text = values["respondenten"]
    respondents = int(text) if re.fullmatch(r"[0-9]{1,9}", text) else 0
    if respondents < 1:
        errors.append(
            LineError(
                line,
                f"Aantal respondenten '{text}' klopt niet. Schrijf een heel getal van 1 of meer.",
                f"Number of respondents '{text}' is not valid. Write a whole number of 1 or more.",
            )
        )
    if len(errors) > before or hood is None or period is None or rating is None:
        return None
    return Rating(line, hood.code, period, rating, respondents)
