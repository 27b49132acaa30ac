"""The resident survey's CSV (wesh.liveability): good files in the forms spreadsheets save, and
every refusal with its line number, in Dutch and English."""

from __future__ import annotations

from decimal import Decimal

import pytest

from wesh.liveability import Period, SurveyInvalid, parse_rating, parse_survey


def refused(data: str | bytes) -> list[tuple[int, str]]:
    with pytest.raises(SurveyInvalid) as caught:
        parse_survey(data)
    for error in caught.value.errors:
        assert error.nl and error.en and error.nl != error.en
    return [(e.line, e.en) for e in caught.value.errors]


def test_a_dutch_spreadsheet_file_with_bom_semicolons_and_decimal_commas() -> None:
    data = (
        "\ufeffWijk;Periode;Cijfer;Respondenten\r\n"
        "Schandelen;2025;6,4;212\r\n"
        "\r\n"
        "# a comment line\r\n"
        "4;2026-h1;6,95;187\r\n"
        "nieuw-lotbroek;2026-Q3;7;64\r\n"
        "BU09173300;2026;7,5;40\r\n"  # CBS buurt code: Centrum
        "wk091712;2026;6,1;33\r\n"  # the CBS wijk of Hoensbroek alone
    ).encode()
    ratings = parse_survey(data)
    got = [(r.line, r.neighbourhood, r.period.label, r.rating, r.respondents) for r in ratings]
    assert got == [
        (2, 4, "2025", Decimal("6.4"), 212),
        (5, 4, "2026-H1", Decimal("6.95"), 187),
        (6, 16, "2026-Q3", Decimal("7"), 64),
        (7, 1, "2026", Decimal("7.5"), 40),
        (8, 15, "2026", Decimal("6.1"), 33),
    ]


def test_english_headers_commas_and_a_quoted_decimal_comma() -> None:
    data = 'respondents,rating,period,neighbourhood\n30,"5,5",2026,Centrum\n12,8.25,2026-Q4,1\n'
    got = [(r.neighbourhood, r.period.label, r.rating, r.respondents) for r in parse_survey(data)]
    assert got == [(1, "2026", Decimal("5.5"), 30), (1, "2026-Q4", Decimal("8.25"), 12)]


def test_periods_are_ordered_by_their_end_then_their_start() -> None:
    labels = ["2026-Q4", "2026-H2", "2026", "2026-Q3", "2026-Q2", "2026-H1", "2026-Q1", "2025"]
    ordered = [p.label for p in sorted(Period.parse(x) for x in labels)]
    assert ordered == [
        "2025",
        "2026-Q1",
        "2026-H1",
        "2026-Q2",
        "2026-Q3",
        "2026",
        "2026-H2",
        "2026-Q4",
    ]
    assert (Period.parse("2026-Q3").start, Period.parse("2026-Q3").end) == ("2026-07", "2026-09")
    for bad in ("2026-H3", "2026-Q5", "26", "2026-07", "Q1-2026", ""):
        with pytest.raises(ValueError):
            Period.parse(bad)


def test_ratings_are_1_to_10_with_at_most_two_decimals() -> None:
    assert parse_rating("10") == Decimal(10) and parse_rating("1,0") == Decimal(1)
    for bad in ("0,9", "10,01", "6,888", "zes", "-5", "", "6,8,1"):
        with pytest.raises(ValueError):
            parse_rating(bad)


def test_every_bad_line_is_refused_with_its_line_number() -> None:
    data = (
        "wijk;periode;cijfer;respondenten\n"
        "Schandelen;2025;6,4;212\n"  # 2: good
        "Atlantis;2025;6,4;212\n"  # 3: unknown neighbourhood
        "Centrum;2025-Q5;6,4;212\n"  # 4: bad period
        "Centrum;2025;11;212\n"  # 5: rating above 10
        "Centrum;2025;6,4;0\n"  # 6: no respondents
        "Centrum;2025;6,4;veel\n"  # 7: not a number
        "Centrum;2025;6,4\n"  # 8: a field short
        "4;2025;7,0;100\n"  # 9: Schandelen 2025 again (line 2)
        "WK091731;2025;7,0;100\n"  # 10: a CBS wijk holding three of ours
    )
    errors = refused(data)
    assert [line for line, _ in errors] == [3, 4, 5, 6, 7, 8, 9, 10]
    said = dict(errors)
    assert "Atlantis" in said[3] and "unknown" in said[3]
    assert "2025-Q5" in said[4]
    assert "'11'" in said[5] and "1 to 10" in said[5]
    assert "'0'" in said[6] and "'veel'" in said[7]
    assert "3 fields instead of 4" in said[8]
    assert "line 2" in said[9]
    assert "(Grasbroek, Musschemig, Schandelen)" in said[10] and "buurt code" in said[10]


def test_a_wrong_header_empty_file_or_binary_file_is_refused() -> None:
    assert [line for line, _ in refused("naam;periode;cijfer;respondenten\nx;2025;6;10\n")] == [
        1,
        1,
    ]  # 'naam' unknown, 'wijk' missing
    assert refused("\n\n")[0][0] == 1
    assert refused("# only a comment\nwijk;periode;cijfer;respondenten\n") == [
        (
            2,
            "There are no ratings under the column names. Choose the file with the ratings.",
        )
    ]
    assert "UTF-8" in refused(b"wijk;periode\n\xff\xfe")[0][1]
    dutch = pytest.raises(SurveyInvalid)
    with dutch as caught:
        parse_survey("wijk;periode;cijfer;cijfer\n")
    assert any("twee keer" in e.nl for e in caught.value.errors)
