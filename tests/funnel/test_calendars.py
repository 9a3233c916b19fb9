"""Business-hours arithmetic: Monday–Friday, the Iranian Saturday–Wednesday week, Jalali
holidays, time zones; hypothesis checks that adding hours and measuring them agree."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamsu.funnel.calendars import IRAN_JALALI_HOLIDAYS, SATURDAY_TO_WEDNESDAY, CalendarSpec

UTC = datetime.UTC
TEHRAN = ZoneInfo("Asia/Tehran")


def test_friday_evening_lead_is_due_monday_on_a_western_week():
    spec = CalendarSpec()
    friday_4pm = datetime.datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    assert spec.add_business_hours(friday_4pm, 2) == datetime.datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_iranian_week_skips_thursday_and_friday():
    spec = CalendarSpec.build(
        workdays=SATURDAY_TO_WEDNESDAY,
        day_start=datetime.time(8),
        day_end=datetime.time(16),
        tz="Asia/Tehran",
    )
    wednesday_3pm = datetime.datetime(2026, 11, 25, 15, 0, tzinfo=TEHRAN)
    due = spec.add_business_hours(wednesday_3pm, 4)
    assert due.astimezone(TEHRAN) == datetime.datetime(2026, 11, 28, 11, 0, tzinfo=TEHRAN)  # Saturday
    assert due.astimezone(TEHRAN).weekday() == 5


def test_nowruz_is_a_holiday_every_year():
    spec = CalendarSpec.build(
        workdays=SATURDAY_TO_WEDNESDAY,
        day_start=datetime.time(8),
        day_end=datetime.time(16),
        tz="Asia/Tehran",
        jalali_holidays=IRAN_JALALI_HOLIDAYS,
    )
    assert not spec.is_working_day(datetime.date(2027, 3, 21))  # 1 Farvardin 1406
    assert not spec.is_working_day(datetime.date(2028, 3, 20))  # 1 Farvardin 1407 (leap year shift)
    # 13 Farvardin 1406 is 2 April 2027 (a Friday anyway); 12 Farvardin is Thursday 1 April.
    before = datetime.datetime(2027, 3, 17, 15, 0, tzinfo=TEHRAN)  # Wednesday, 26 Esfand
    due = spec.add_business_hours(before, 2).astimezone(TEHRAN)
    # Thursday/Friday weekend, 29 Esfand (Saturday 20 March) and Nowruz 1–4 are off.
    assert due.date() == datetime.date(2027, 3, 27)


def test_explicit_lunar_holiday():
    spec = CalendarSpec.build(
        workdays=range(7), day_start=datetime.time(9), day_end=datetime.time(17), holidays=["2026-12-01"]
    )
    start = datetime.datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert spec.add_business_hours(start, 2) == datetime.datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def test_a_calendar_without_working_days_is_refused():
    with pytest.raises(ValueError):
        CalendarSpec.build(workdays=[], day_start=datetime.time(9), day_end=datetime.time(17))


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime.datetime(2025, 1, 1),
        max_value=datetime.datetime(2028, 12, 31),
        timezones=st.just(UTC),
    ),
    hours=st.floats(min_value=0, max_value=200, allow_nan=False),
    workdays=st.sets(st.integers(0, 6), min_size=1),
)
def test_adding_hours_and_measuring_them_agree(start, hours, workdays):
    spec = CalendarSpec.build(
        workdays=workdays,
        day_start=datetime.time(8),
        day_end=datetime.time(16, 30),
        tz="Asia/Tehran",
        jalali_holidays=IRAN_JALALI_HOLIDAYS,
    )
    due = spec.add_business_hours(start, hours)
    assert due >= start
    assert spec.business_seconds_between(start, due) == pytest.approx(hours * 3600, abs=1e-3)
