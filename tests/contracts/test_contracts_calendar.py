"""The Europe/Amsterdam calendar behind the cap: Heitje.period() against Python's zoneinfo."""

from __future__ import annotations

import datetime as dt

import boa
import pytest
from contracts_support import AMSTERDAM, amsterdam_period, utc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIRST = utc(2000, 1, 1)
LAST = utc(2100, 12, 31, 23, 59, 59)
CALENDAR_SETTINGS = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def period_at(heitje, timestamp: int) -> tuple[int, int]:
    boa.env.evm.patch.timestamp = timestamp
    year, month = heitje.period()
    return int(year), int(month)


@CALENDAR_SETTINGS
@given(timestamp=st.integers(min_value=FIRST, max_value=LAST))
def test_period_matches_zoneinfo_for_any_moment(heitje, timestamp):
    assert period_at(heitje, timestamp) == amsterdam_period(timestamp)


@CALENDAR_SETTINGS
@given(
    year=st.integers(min_value=2000, max_value=2100),
    month=st.integers(min_value=1, max_value=12),
    offset=st.integers(min_value=-3 * 3_600, max_value=3 * 3_600),
)
def test_period_matches_zoneinfo_around_every_month_start(heitje, year, month, offset):
    start = int(dt.datetime(year, month, 1, tzinfo=AMSTERDAM).timestamp())
    timestamp = start + offset
    assert period_at(heitje, timestamp) == amsterdam_period(timestamp)


EDGES = {
    # New Year: 1 January starts at 23:00 UTC on 31 December (CET, UTC+1).
    "31 Dec 22:59:59 UTC is still December": (utc(2027, 12, 31, 22, 59, 59), (2027, 12)),
    "31 Dec 23:00 UTC is already the new year": (utc(2027, 12, 31, 23), (2028, 1)),
    "new year 2099 to 2100": (utc(2099, 12, 31, 23), (2100, 1)),
    # March -> April: April starts in summer time (UTC+2), at 22:00 UTC on 31 March.
    "31 Mar 21:59:59 UTC is still March": (utc(2027, 3, 31, 21, 59, 59), (2027, 3)),
    "31 Mar 22:00 UTC is already April": (utc(2027, 3, 31, 22), (2027, 4)),
    # 2024: the last Sunday of March is the 31st, so summer time begins on the last day.
    "31 Mar 2024 (DST day) 21:59:59 UTC is March": (utc(2024, 3, 31, 21, 59, 59), (2024, 3)),
    "31 Mar 2024 (DST day) 22:00 UTC is April": (utc(2024, 3, 31, 22), (2024, 4)),
    # September -> October: both in summer time.
    "30 Sep 21:59:59 UTC is still September": (utc(2027, 9, 30, 21, 59, 59), (2027, 9)),
    "30 Sep 22:00 UTC is already October": (utc(2027, 9, 30, 22), (2027, 10)),
    # October -> November: November starts in winter time, at 23:00 UTC on 31 October.
    "31 Oct 22:00 UTC is still October": (utc(2027, 10, 31, 22), (2027, 10)),
    "31 Oct 22:59:59 UTC is still October": (utc(2027, 10, 31, 22, 59, 59), (2027, 10)),
    "31 Oct 23:00 UTC is already November": (utc(2027, 10, 31, 23), (2027, 11)),
    # 2027: the last Sunday of October is the 31st, so winter time begins on the last day.
    "31 Oct 2027 (DST day) 00:59:59 UTC is October": (utc(2027, 10, 31, 0, 59, 59), (2027, 10)),
    "31 Oct 2027 (DST day) 01:00 UTC is October": (utc(2027, 10, 31, 1), (2027, 10)),
    # Daylight-saving change days in the middle of the last week: no month change.
    "last Sunday of March 2027, 00:59:59 UTC": (utc(2027, 3, 28, 0, 59, 59), (2027, 3)),
    "last Sunday of March 2027, 01:00 UTC": (utc(2027, 3, 28, 1), (2027, 3)),
    "last Sunday of October 2026, 00:59:59 UTC": (utc(2026, 10, 25, 0, 59, 59), (2026, 10)),
    "last Sunday of October 2026, 01:00 UTC": (utc(2026, 10, 25, 1), (2026, 10)),
    # Other month ends in winter and summer time, and a leap day.
    "28 Feb 2027 23:00 UTC is already March": (utc(2027, 2, 28, 23), (2027, 3)),
    "28 Feb 2028 23:00 UTC is the leap day, still February": (utc(2028, 2, 28, 23), (2028, 2)),
    "29 Feb 2028 23:00 UTC is already March": (utc(2028, 2, 29, 23), (2028, 3)),
    "31 Jan 22:59:59 UTC is still January": (utc(2027, 1, 31, 22, 59, 59), (2027, 1)),
    "30 Jun 22:00 UTC is already July": (utc(2027, 6, 30, 22), (2027, 7)),
    "30 Nov 23:00 UTC is already December": (utc(2027, 11, 30, 23), (2027, 12)),
    "2000-01-01 00:00 UTC": (utc(2000, 1, 1), (2000, 1)),
    "2100-12-31 22:59:59 UTC": (utc(2100, 12, 31, 22, 59, 59), (2100, 12)),
    "2100-12-31 23:00 UTC": (utc(2100, 12, 31, 23), (2101, 1)),
}


@pytest.mark.parametrize(("timestamp", "expected"), EDGES.values(), ids=EDGES.keys())
def test_period_at_the_edges(heitje, timestamp, expected):
    assert amsterdam_period(timestamp) == expected
    assert period_at(heitje, timestamp) == expected


def test_every_month_start_from_2000_to_2100(heitje):
    """The first second of each Amsterdam month is that month, the second before is the last."""
    for year in range(2000, 2101):
        for month in range(1, 13):
            start = int(dt.datetime(year, month, 1, tzinfo=AMSTERDAM).timestamp())
            previous = (year, month - 1) if month > 1 else (year - 1, 12)
            assert period_at(heitje, start) == (year, month)
            assert period_at(heitje, start - 1) == previous
