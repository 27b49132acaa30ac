"""What the open-data files have in common: a CSV (comma, UTF-8, header row, CRLF) and its
CSVW-style metadata file (W3C "Metadata Vocabulary for Tabular Data") with the city as publisher,
CC BY 4.0 and the columns' definitions. The files themselves (participation and spending in
``api.statistics.opendata``, the resident survey in ``api.liveability.opendata``) say what their
rows are, what period they cover and what they leave out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

LICENCE = "https://creativecommons.org/licenses/by/4.0/"

#: A column: (name, datatype, Dutch title, definition).
Column = tuple[str, str, str, str]


def csv_text(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> str:
    """The header (the columns' names) and the rows as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, *_ in columns])
    writer.writerows(rows)
    return out.getvalue()


def period(starts: Sequence[str], ends: Sequence[str]) -> str | None:
    """``dc:temporal``: the first start to the last end (sorted ISO text), None without rows."""
    return f"{starts[0]}/{ends[-1]}" if starts else None


def metadata(
    *,
    url: str,
    title: str,
    description: str,
    temporal: str | None,
    suppression: Mapping[str, Any],
    columns: Sequence[Column],
    required: Iterable[str],
    source: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A CSV's metadata file. ``source`` adds keys after the licence (where the figures came
    from); ``required`` names the columns that are never empty."""
    needed = set(required)
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": url,
        "dc:title": title,
        "dc:description": description,
        "dc:publisher": "Gemeente Heerlen",
        "dc:license": LICENCE,
        **(source or {}),
        "dc:temporal": temporal,
        "wesh:suppression": dict(suppression),
        "dialect": {"delimiter": ",", "encoding": "utf-8", "header": True},
        "tableSchema": {
            "columns": [
                {
                    "name": name,
                    "titles": {"nl": dutch},
                    "datatype": datatype,
                    "dc:description": definition,
                    "required": name in needed,
                }
                for name, datatype, dutch, definition in columns
            ],
        },
    }
