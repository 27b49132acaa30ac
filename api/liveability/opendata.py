"""The resident survey as open data: the published view (``GET /liveability``) as a CSV at a
stable URL, with CSVW metadata (licence, period, column definitions, the respondents threshold,
and the no-causality note), beside the participation and spending files of
``api.statistics.opendata``.

One row per neighbourhood and shown period, oldest first; ``role`` marks the periods the view
compares ("voor", "na"), and the "na" row carries the tasks done in between."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from api.liveability.schemas import NOTE_EN, LiveabilityOut
from api.opendata_csvw import Column, csv_text, metadata, period
from wesh.neighbourhoods import by_code

CSV_PATH = "/open-data/wesh-leefbaarheid.csv"
METADATA_PATH = "/open-data/wesh-leefbaarheid.csv-metadata.json"

#: (name, datatype, Dutch title, definition)
COLUMNS: tuple[Column, ...] = (
    ("neighbourhood", "integer", "buurtcode WESH", "WESH neighbourhood code"),
    ("neighbourhood_name", "string", "buurt", "Neighbourhood name (wesh/neighbourhoods.py)"),
    (
        "cbs_buurten",
        "string",
        "CBS-buurtcodes",
        "The neighbourhood's CBS buurt codes (BU0917xxxx), space-separated (CBS 85984NED)",
    ),
    ("period", "string", "periode", "Survey period: YYYY, YYYY-H1/H2 or YYYY-Q1..Q4"),
    ("period_start", "gYearMonth", "begin", "First month of the period"),
    ("period_end", "gYearMonth", "eind", "Last month of the period"),
    ("rating", "decimal", "rapportcijfer", "Mean liveability rating given by residents, 1-10"),
    ("respondents", "integer", "respondenten", "Residents who answered"),
    (
        "role",
        "string",
        "rol",
        "voor: the last period that ended before the first task done in the neighbourhood (or "
        "the earliest); na: the latest period; empty: another period",
    ),
    (
        "tasks_between",
        "integer",
        "klussen ertussen",
        "On the 'na' row: tasks done (approved) in the neighbourhood after 'voor' ended, up to "
        "the end of 'na'",
    ),
)


def liveability_csv(view: LiveabilityOut) -> str:
    """The published view as CSV (comma, UTF-8, header row)."""
    return csv_text(COLUMNS, _rows(view))


def _rows(view: LiveabilityOut) -> Iterator[list[Any]]:
    for hood in view.neighbourhoods:
        buurten = " ".join(by_code(hood.neighbourhood).cbs_buurten)
        for p in hood.periods:
            role = "voor" if p == hood.before else "na" if p == hood.after else ""
            between = hood.tasks_between if role == "na" else None
            yield [
                hood.neighbourhood,
                hood.neighbourhood_name,
                buurten,
                p.period,
                p.start,
                p.end,
                f"{p.rating:.2f}".rstrip("0").rstrip("."),
                p.respondents,
                role,
                "" if between is None else between,
            ]


def liveability_metadata(view: LiveabilityOut, public_url: str) -> dict[str, Any]:
    """The CSV's metadata: licence, period, definitions, the threshold and the note."""
    starts = sorted(p.start for h in view.neighbourhoods for p in h.periods)
    ends = sorted(p.end for h in view.neighbourhoods for p in h.periods)
    return metadata(
        url=public_url.rstrip("/") + CSV_PATH,
        title="WESH Heerlen: leefbaarheid per buurt, naast de klussen",
        description=(
            "The municipality's resident survey: each neighbourhood's mean liveability rating "
            "per period, as imported by the city, beside the WESH tasks done there. " + NOTE_EN
        ),
        source={"dc:source": view.source.file_name if view.source else None},
        temporal=period(starts, ends),
        suppression={
            "min_respondents": view.min_respondents,
            "rule": (
                f"A period with fewer than {view.min_respondents} respondents in a neighbourhood "
                "is left out (not a row)."
            ),
        },
        columns=COLUMNS,
        required=(name for name, *_ in COLUMNS if name not in ("role", "tasks_between")),
    )
