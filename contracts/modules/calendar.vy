# pragma version ~=0.4.3
"""
@title Europe/Amsterdam calendar periods
@custom:contract-name calendar
@license EUPL-1.2
@notice Turns a Unix timestamp into the calendar year and month of
        Europe/Amsterdam, the boundary on which the earnings cap resets.
@dev Pure functions, no state. Amsterdam is UTC+1 in winter (CET) and UTC+2
     in summer (CEST). Summer time runs from the last Sunday of March to the
     last Sunday of October, so the first day of April up to and including
     October always starts in summer time, and every other month (January
     included) starts in winter time. That fact is all the daylight-saving
     logic a year-and-month boundary needs: no table of transition dates.
     The date arithmetic is Howard Hinnant's `civil_from_days`
     (public domain), valid for every timestamp after 1970.
"""


# Seconds in a day.
DAY: constant(uint256) = 86_400
# Offsets of winter (CET) and summer (CEST) time from UTC, in seconds.
CET_OFFSET: constant(uint256) = 3_600
CEST_OFFSET: constant(uint256) = 7_200
# Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar.
EPOCH_SHIFT: constant(uint256) = 719_468
# Days in a 400-year era.
ERA_DAYS: constant(uint256) = 146_097


@internal
@pure
def _civil_year_month(timestamp: uint256) -> (uint256, uint256):
    """
    @dev Returns the (year, month) of a timestamp read as UTC.
    @param timestamp Seconds since 1970-01-01 00:00 UTC, below 2**64.
    @return The Gregorian year and the month (1 to 12).
    """
    # Unchecked arithmetic throughout, because this runs on every claim and
    # approval. For timestamp < 2**64: days < 2**48, every product below is
    # of a number under 2**48 and a constant under 2**10, and every
    # subtraction takes away a floor-divided part of the number it is taken
    # from (the standard civil_from_days bounds: day_of_era < 146_097,
    # year_of_era < 400, day_of_year < 366, shifted_month < 12).
    days: uint256 = unsafe_add(unsafe_div(timestamp, DAY), EPOCH_SHIFT)
    era: uint256 = unsafe_div(days, ERA_DAYS)
    day_of_era: uint256 = unsafe_sub(days, unsafe_mul(era, ERA_DAYS))
    year_of_era: uint256 = unsafe_div(
        unsafe_sub(
            unsafe_add(
                unsafe_sub(day_of_era, unsafe_div(day_of_era, 1_460)),
                unsafe_div(day_of_era, 36_524),
            ),
            unsafe_div(day_of_era, 146_096),
        ),
        365,
    )
    day_of_year: uint256 = unsafe_sub(
        day_of_era,
        unsafe_sub(
            unsafe_add(unsafe_mul(365, year_of_era), unsafe_div(year_of_era, 4)),
            unsafe_div(year_of_era, 100),
        ),
    )
    shifted_month: uint256 = unsafe_div(unsafe_add(unsafe_mul(5, day_of_year), 2), 153)
    year: uint256 = unsafe_add(year_of_era, unsafe_mul(era, 400))
    if shifted_month < 10:
        return year, unsafe_add(shifted_month, 3)
    return unsafe_add(year, 1), unsafe_sub(shifted_month, 9)


@internal
@pure
def _period(timestamp: uint256) -> (uint256, uint256):
    """
    @dev Returns the Europe/Amsterdam (year, month) of a timestamp.
    @param timestamp Seconds since 1970-01-01 00:00 UTC, below 2**64.
    @return The year and month (1 to 12) in Amsterdam at that moment.
    """
    # Read the clock in winter time first (timestamp < 2**64: no overflow).
    winter: uint256 = unsafe_add(timestamp, CET_OFFSET)
    year: uint256 = 0
    month: uint256 = 0
    year, month = self._civil_year_month(winter)
    # Summer time is one hour ahead, so the two readings can differ only in
    # winter time's last hour of a day. If that day ends March to September,
    # the month that may start next (April to October) starts in summer
    # time: the summer reading is the right one.
    if winter % DAY >= DAY - CET_OFFSET and month >= 3 and month <= 9:
        return self._civil_year_month(unsafe_add(timestamp, CEST_OFFSET))
    return year, month
