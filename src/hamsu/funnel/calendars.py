"""Business-hours arithmetic on a team's calendar (pure: no database).

An SLA of "8 business hours" means 8 hours of the team's working time: the clock stops
at night, on weekends (Friday in Iran, a Saturday–Wednesday week is common) and on
holidays, including the Jalali-calendar ones (Nowruz, 13 Farvardin, …) that fall on a
different Gregorian date every year.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import jdatetime

SATURDAY_TO_WEDNESDAY = (5, 6, 0, 1, 2)
MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)
# Fixed-date official holidays of the Iranian solar calendar (month-day). Lunar holidays
# move every year and are added as explicit dates.
IRAN_JALALI_HOLIDAYS = (
    "01-01",
    "01-02",
    "01-03",
    "01-04",
    "01-12",
    "01-13",
    "03-14",
    "03-15",
    "11-22",
    "12-29",
)
MAX_DAYS_SCANNED = 3 * 366


def _month_day(text: str) -> tuple[int, int]:
    month, day = (int(part) for part in text.split("-"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ValueError(f"not a month-day: {text!r}")
    return month, day


@dataclass(frozen=True)
class CalendarSpec:
    workdays: frozenset[int] = frozenset(MONDAY_TO_FRIDAY)
    day_start: datetime.time = datetime.time(9, 0)
    day_end: datetime.time = datetime.time(17, 0)
    tz: str = "UTC"
    holidays: frozenset[datetime.date] = frozenset()
    jalali_holidays: frozenset[tuple[int, int]] = frozenset()
    gregorian_holidays: frozenset[tuple[int, int]] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.workdays or not set(self.workdays) <= set(range(7)):
            raise ValueError("a calendar needs at least one working day (0 = Monday … 6 = Sunday)")
        if self.day_end <= self.day_start:
            raise ValueError("the working day must end after it starts")
        object.__setattr__(self, "_zone", ZoneInfo(self.tz))

    @classmethod
    def build(
        cls,
        *,
        workdays: Iterable[int],
        day_start: datetime.time,
        day_end: datetime.time,
        tz: str = "UTC",
        holidays: Iterable[str | datetime.date] = (),
        jalali_holidays: Iterable[str] = (),
        gregorian_holidays: Iterable[str] = (),
    ) -> CalendarSpec:
        return cls(
            workdays=frozenset(int(d) for d in workdays),
            day_start=day_start,
            day_end=day_end,
            tz=tz,
            holidays=frozenset(
                d if isinstance(d, datetime.date) else datetime.date.fromisoformat(d) for d in holidays
            ),
            jalali_holidays=frozenset(_month_day(t) for t in jalali_holidays),
            gregorian_holidays=frozenset(_month_day(t) for t in gregorian_holidays),
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day.weekday() not in self.workdays or day in self.holidays:
            return False
        if (day.month, day.day) in self.gregorian_holidays:
            return False
        if self.jalali_holidays:
            jalali = jdatetime.date.fromgregorian(date=day)
            if (jalali.month, jalali.day) in self.jalali_holidays:
                return False
        return True

    def _window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        start = datetime.datetime.combine(day, self.day_start, tzinfo=self._zone)
        end = datetime.datetime.combine(day, self.day_end, tzinfo=self._zone)
        return start, end

    def add_business_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        """The moment ``hours`` of working time after ``start`` (an aware datetime)."""
        if start.tzinfo is None:
            raise ValueError("aware datetimes only")
        remaining = datetime.timedelta(hours=float(hours))
        local = start.astimezone(self._zone)
        day = local.date()
        for _ in range(MAX_DAYS_SCANNED):
            if self.is_working_day(day):
                open_at, close_at = self._window(day)
                begin = max(local, open_at)
                if begin < close_at:
                    available = close_at - begin
                    if remaining <= available:
                        return (begin + remaining).astimezone(start.tzinfo)
                    remaining -= available
            day += datetime.timedelta(days=1)
        raise ValueError("no working time found within three years")

    def business_seconds_between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Working seconds in [start, end); negative when end is before start."""
        if end < start:
            return -self.business_seconds_between(end, start)
        a, b = start.astimezone(self._zone), end.astimezone(self._zone)
        total = 0.0
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                open_at, close_at = self._window(day)
                lo, hi = max(a, open_at), min(b, close_at)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += datetime.timedelta(days=1)
        return total


def calendar_spec(calendar) -> CalendarSpec:
    """The arithmetic of a stored ``BusinessCalendar`` (any object with its fields)."""
    return CalendarSpec.build(
        workdays=calendar.workdays,
        day_start=calendar.day_start,
        day_end=calendar.day_end,
        tz=calendar.timezone,
        holidays=calendar.holidays,
        jalali_holidays=calendar.jalali_holidays,
        gregorian_holidays=calendar.gregorian_holidays,
    )
