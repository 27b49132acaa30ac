"""The open-data file of participation per neighbourhood and month: a CSV at a stable URL and a
CSVW-style metadata file (W3C "Metadata Vocabulary for Tabular Data") that describes it.

The CSV's columns are exactly the metadata's ``tableSchema.columns`` in order; a suppressed cell
has every figure empty. Totals are rows too: an empty ``neighbourhood`` is all of Heerlen, an
empty ``month`` all months.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from api.statistics.schemas import PublishedTables

CSV_PATH = "/open-data/wesh-deelname.csv"
METADATA_PATH = "/open-data/wesh-deelname.csv-metadata.json"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"

#: (name, datatype, Dutch title, definition)
COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    (
        "neighbourhood",
        "integer",
        "buurtcode WESH",
        "WESH neighbourhood code; empty: all of Heerlen",
    ),
    ("neighbourhood_name", "string", "buurt", "Neighbourhood name (wesh/neighbourhoods.py)"),
    ("cbs_wijk", "string", "CBS-wijkcode", "CBS wijk code (WK0917xx) where known, else empty"),
    ("month", "gYearMonth", "maand", "Europe/Amsterdam calendar month; empty: all months"),
    ("suppressed", "boolean", "onderdrukt", "true: the figures of this row are not published"),
    ("residents", "integer", "actieve bewoners", "Distinct residents paid for a task"),
    ("first_time", "integer", "nieuwe bewoners", "Residents paid for the first time ever"),
    ("returning", "integer", "terugkerende bewoners", "Residents paid before this month too"),
    ("tasks", "integer", "klussen", "Task slots approved and paid"),
    ("hours", "decimal", "uren", "Sum of the tasks' estimated minutes per slot, in hours"),
    ("tasks_without_estimate", "integer", "klussen zonder duur", "Tasks without an estimate"),
    ("heitjes", "integer", "Heitjes", "Heitjes paid for tasks (1 Heitje = 1 euro)"),
)


def participation_csv(tables: PublishedTables) -> str:
    """The participation rows as CSV (comma, UTF-8, header row, "true"/"false")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, *_ in COLUMNS])
    for cell in tables.participation:
        row = cell.model_dump()
        writer.writerow(
            [
                ("true" if row[name] else "false")
                if datatype == "boolean"
                else ("" if row[name] is None else row[name])
                for name, datatype, *_ in COLUMNS
            ]
        )
    return out.getvalue()


def participation_metadata(tables: PublishedTables, public_url: str) -> dict[str, Any]:
    """The metadata file: licence, period, definitions and the suppression rule."""
    months = sorted({cell.month for cell in tables.participation if cell.month})
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": public_url.rstrip("/") + CSV_PATH,
        "dc:title": "WESH Heerlen: deelname per buurt en maand",
        "dc:description": (
            "Residents paid in Heitjes for small public-space tasks, per neighbourhood and "
            "Europe/Amsterdam month, from the indexed chain events (approved reviews)."
        ),
        "dc:publisher": "Gemeente Heerlen",
        "dc:license": LICENCE,
        "dc:temporal": f"{months[0]}/{months[-1]}" if months else None,
        "wesh:suppression": {
            "min_residents": tables.min_residents,
            "rule": (
                f"A cell with fewer than {tables.min_residents} distinct residents is suppressed "
                "(all its figures empty). So is any further cell or total that would let a "
                "suppressed cell be worked out by subtraction from the published totals: every "
                "suppressed cell lies on a cycle of suppressed cells through rows and columns, "
                "totals included (wesh/statistics.py)."
            ),
        },
        "dialect": {"delimiter": ",", "encoding": "utf-8", "header": True},
        "tableSchema": {
            "columns": [
                {
                    "name": name,
                    "titles": {"nl": title},
                    "datatype": datatype,
                    "dc:description": definition,
                    "required": name in ("neighbourhood_name", "suppressed"),
                }
                for name, datatype, title, definition in COLUMNS
            ],
        },
    }
