"""Notifications: an in-app row per recipient (the bell), and the same text by e-mail.

Every app notifies through here, so a seller's SLA escalation and a meeting invitation
land in the same inbox. E-mail goes out after the transaction commits (a rolled-back
change must not have told anyone), through Django's mail API — into the outbox (hamsu.core.mail)
unless the company sets SMTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from hamsu.core.models import Notification

TITLE_MAX = Notification._meta.get_field("title").max_length
URL_MAX = Notification._meta.get_field("url").max_length


@dataclass(frozen=True)
class Notice:
    """One message to one person, for callers that tell many people different things
    in one go (the SLA check escalates thousands of breaches per run)."""

    recipient: object  # a directory Person
    kind: str
    title: str
    body: str = ""
    url: str = ""


def notify(
    *, recipients: Iterable, kind: str, title: str, body: str = "", url: str = "", email: bool = True
) -> list[Notification]:
    """Notify each distinct person once. Call inside the service's transaction."""
    people = {p.pk: p for p in recipients if p is not None}
    return deliver([Notice(p, kind, title, body, url) for p in people.values()], email=email)


def deliver(notices: Iterable[Notice], *, email: bool = True, batch_size: int = 2000) -> list[Notification]:
    """Store every notice in bulk and, when ``email``, mail it after commit to recipients
    who are active and have an address. Call inside the service's transaction."""
    notices = list(notices)
    rows = Notification.objects.bulk_create(
        (
            Notification(
                recipient=n.recipient,
                kind=n.kind,
                title=str(n.title)[:TITLE_MAX],
                body=str(n.body),
                url=str(n.url)[:URL_MAX],
                emailed=email,
            )
            for n in notices
        ),
        batch_size=batch_size,
    )
    if email:
        messages = [
            (
                str(n.title)[:TITLE_MAX],
                f"{n.body}\n\n{n.url}".strip(),
                settings.DEFAULT_FROM_EMAIL,
                [n.recipient.email],
            )
            for n in notices
            if n.recipient.email and n.recipient.is_active
        ]
        if messages:
            # One SMTP connection for the lot, and only once the notices are really stored.
            transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return rows


def mark_read(*, person, ids: list[int] | None = None) -> int:
    """Mark the person's unread notifications read (all of them when ``ids`` is None);
    someone else's ids are silently ignored. Returns how many changed."""
    if person is None:
        return 0
    qs = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
