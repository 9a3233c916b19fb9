"""Reads shared by every app: the one inbox of in-app notifications (the bell), and the
outbox of e-mail kept while no mail server is configured."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from hamsu.core.company import company_currency
from hamsu.core.models import CurrencyRate, Notification, OutboxMessage


def notifications_for(person, *, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    """A person's notifications, newest first — whichever app wrote them."""
    if person is None:
        return []
    qs = Notification.objects.filter(recipient=person)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs.order_by("-created_at", "-id")[:limit])


def unread_count(person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count() if person else 0


def outbox_messages(*, limit: int = 200) -> list[OutboxMessage]:
    """The e-mail Hamsu sent into the outbox, newest first (the Outbox page and the API)."""
    return list(OutboxMessage.objects.order_by("-sent_at", "-id")[:limit])


def outbox_count() -> int:
    return OutboxMessage.objects.count()


@dataclass(frozen=True)
class Rate:
    currency: str
    rate: Decimal  # units of the company currency one unit of ``currency`` is worth
    set_on: datetime.date


@dataclass(frozen=True)
class Conversion:
    """What a page's totals are in: the company currency and the rates amounts in other
    currencies were converted at (glossary ``money.conversion``)."""

    base: str
    rates: tuple[Rate, ...]

    @property
    def set_on(self) -> datetime.date | None:
        """The one date every rate was set on, or None when they were set on different days."""
        days = {rate.set_on for rate in self.rates}
        return days.pop() if len(days) == 1 else None


def conversion() -> Conversion:
    base = company_currency()
    rows = CurrencyRate.objects.exclude(currency=base).order_by("currency")
    rates = tuple(
        Rate(currency=row.currency, rate=row.rate_to_base, set_on=timezone.localtime(row.updated_at).date())
        for row in rows
    )
    return Conversion(base=base, rates=rates)
