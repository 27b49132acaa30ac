"""wesh.calendar: the Amsterdam month boundary (CET/CEST) and a scheduled cap change."""

from __future__ import annotations

from datetime import UTC, datetime

from wesh.calendar import Caps, amsterdam_period


def _utc(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int:
    return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())


def test_new_year_starts_at_midnight_in_amsterdam_not_utc() -> None:
    assert amsterdam_period(_utc(2026, 12, 31, 22, 59, 59)) == (2026, 12)
    assert amsterdam_period(_utc(2026, 12, 31, 23, 0, 0)) == (2027, 1)


def test_summer_months_start_two_hours_before_utc() -> None:
    assert amsterdam_period(_utc(2026, 6, 30, 21, 59, 59)) == (2026, 6)
    assert amsterdam_period(_utc(2026, 6, 30, 22, 0, 0)) == (2026, 7)


def test_a_scheduled_change_applies_from_its_year_on() -> None:
    caps = Caps(
        yearly=150_000, monthly=0, next_yearly=200_000, next_monthly=20_000, next_from_year=2027
    )
    assert caps.in_force(2026) == caps
    assert caps.in_force(2027) == Caps(200_000, 20_000)
    assert caps.in_force(2030) == Caps(200_000, 20_000)


def test_without_a_change_the_caps_set_are_in_force() -> None:
    assert Caps(150_000, 0).in_force(2099) == Caps(150_000, 0)
