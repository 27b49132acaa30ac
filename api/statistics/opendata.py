"""The open-data files: participation per neighbourhood and month, and spending at shops per
shopping area and month. Each is a CSV at a stable URL with a CSVW-style metadata file (W3C
"Metadata Vocabulary for Tabular Data") that describes it.

The CSV's columns are exactly the metadata's ``tableSchema.columns`` in order; a suppressed cell
has every figure empty. Totals are rows too: an empty ``neighbourhood`` (``area``) is all of
Heerlen, an empty ``month`` all months.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from api.opendata_csvw import Column, csv_text, metadata, period
from api.statistics.schemas import PublishedTables

CSV_PATH = "/open-data/wesh-deelname.csv"
METADATA_PATH = "/open-data/wesh-deelname.csv-metadata.json"

#: (name, datatype, Dutch title, definition)
COLUMNS: tuple[Column, ...] = (
    (
        "neighbourhood",
        "integer",
        "buurtcode WESH",
        "WESH neighbourhood code; empty: all of Heerlen",
    ),
    ("neighbourhood_name", "string", "buurt", "Neighbourhood name (wesh/neighbourhoods.py)"),
    (
        "cbs_wijk",
        "string",
        "CBS-wijkcode",
        "CBS wijk code (WK0917xx) the neighbourhood lies in; empty where it spans several wijken "
        "(join on cbs_buurten then) and in totals",
    ),
    (
        "cbs_buurten",
        "string",
        "CBS-buurtcodes",
        "The neighbourhood's CBS buurt codes (BU0917xxxx), space-separated; CBS table 85984NED "
        "(Kerncijfers wijken en buurten 2024); empty in totals",
    ),
    ("month", "gYearMonth", "maand", "Europe/Amsterdam calendar month; empty: all months"),
    ("suppressed", "boolean", "onderdrukt", "true: the figures of this row are not published"),
    ("residents", "integer", "actieve bewoners", "Distinct residents paid for a task"),
    (
        "first_time",
        "integer",
        "nieuwe bewoners",
        "Residents paid for the first time ever; empty where small (see the suppression rule)",
    ),
    (
        "returning",
        "integer",
        "terugkerende bewoners",
        "Residents paid before this month too; empty where first_time is",
    ),
    ("tasks", "integer", "klussen", "Task slots approved and paid"),
    ("hours", "decimal", "uren", "Sum of the tasks' estimated minutes per slot, in hours"),
    ("tasks_without_estimate", "integer", "klussen zonder duur", "Tasks without an estimate"),
    (
        "heitjes",
        "integer",
        "Heitjes (centen)",
        "Heitjes paid for tasks, in cents (100 = 1 Heitje = 1 euro)",
    ),
)


SPENDING_CSV_PATH = "/open-data/wesh-besteding-winkelgebied.csv"
SPENDING_METADATA_PATH = "/open-data/wesh-besteding-winkelgebied.csv-metadata.json"

SPENDING_COLUMNS: tuple[Column, ...] = (
    ("month", "gYearMonth", "maand", "Europe/Amsterdam calendar month; empty: all months"),
    (
        "area",
        "integer",
        "winkelgebied (buurtcode WESH)",
        "The shop's WESH neighbourhood code (0: unknown); empty: all of Heerlen",
    ),
    (
        "area_name",
        "string",
        "winkelgebied",
        "Neighbourhood name of the shops (wesh/neighbourhoods.py)",
    ),
    ("suppressed", "boolean", "onderdrukt", "true: the figures of this row are not published"),
    (
        "residents",
        "integer",
        "betalende bewoners",
        "Distinct residents who paid (by citizen number)",
    ),
    ("payments", "integer", "betalingen", "Payments at shops"),
    (
        "heitjes",
        "integer",
        "Heitjes (centen)",
        "Heitjes paid at shops, in cents (100 = 1 Heitje = 1 euro)",
    ),
)


def _csv(rows: Sequence[BaseModel], columns: tuple[Column, ...]) -> str:
    """Rows as CSV ("true"/"false", an empty cell for None)."""
    return csv_text(
        columns,
        (
            [
                ("true" if row[name] else "false")
                if datatype == "boolean"
                else ("" if row[name] is None else row[name])
                for name, datatype, *_ in columns
            ]
            for row in (cell.model_dump() for cell in rows)
        ),
    )


def participation_csv(tables: PublishedTables) -> str:
    """The participation rows as CSV."""
    return _csv(tables.participation, COLUMNS)


def spending_csv(tables: PublishedTables) -> str:
    """Spending per shopping area and month as CSV."""
    return _csv(tables.spending_by_area, SPENDING_COLUMNS)


def _rule(min_residents: int) -> str:
    return (
        f"A cell with fewer than {min_residents} distinct residents is suppressed "
        "(all its figures empty). So is any further cell or total that would let a "
        "suppressed cell be worked out by subtraction from the published totals: every "
        "suppressed cell lies on a cycle of suppressed cells through rows and columns, "
        "totals included (wesh/statistics.py)."
    )


def spending_metadata(tables: PublishedTables, public_url: str) -> dict[str, Any]:
    """The spending file's metadata: licence, period, definitions and the suppression rule."""
    months = sorted({cell.month for cell in tables.spending_by_area if cell.month})
    return metadata(
        url=public_url.rstrip("/") + SPENDING_CSV_PATH,
        title="WESH Heerlen: besteding bij winkels per winkelgebied en maand",
        description=(
            "Heitjes paid by residents at shops, per shopping area (the shop's neighbourhood) "
            "and Europe/Amsterdam month, from the indexed chain events (payments)."
        ),
        temporal=period(months, months),
        suppression={"min_residents": tables.min_residents, "rule": _rule(tables.min_residents)},
        columns=SPENDING_COLUMNS,
        required=("area_name", "suppressed"),
    )


def participation_metadata(tables: PublishedTables, public_url: str) -> dict[str, Any]:
    """The metadata file: licence, period, definitions and the suppression rule."""
    months = sorted({cell.month for cell in tables.participation if cell.month})
    return metadata(
        url=public_url.rstrip("/") + CSV_PATH,
        title="WESH Heerlen: deelname per buurt en maand",
        description=(
            "Residents paid in Heitjes for small public-space tasks, per neighbourhood and "
            "Europe/Amsterdam month, from the indexed chain events (approved reviews)."
        ),
        temporal=period(months, months),
        suppression={
            "min_residents": tables.min_residents,
            "rule": _rule(tables.min_residents)
            + (
                " First-time and returning residents of a published cell are left empty (both) "
                "where either is fewer than the threshold but not zero, or where the published "
                "first-time counts would give such a one away by subtraction."
            ),
        },
        columns=COLUMNS,
        required=("neighbourhood_name", "suppressed"),
    )
