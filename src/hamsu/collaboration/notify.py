"""Notifications: an in-app row per recipient, and the same text by e-mail.

E-mail goes out after the transaction commits (a rolled-back change must not have told
anyone), through Django's mail API — the console backend unless the company sets SMTP.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from hamsu.collaboration.models import Notification


def notify(
    *, recipients: Iterable, kind: str, title: str, body: str = "", url: str = "", email: bool = True
) -> list[Notification]:
    """Notify each distinct person once. Call inside the service's transaction."""
    people = {p.pk: p for p in recipients if p is not None}
    rows = Notification.objects.bulk_create(
        Notification(recipient=p, kind=kind, title=str(title)[:200], body=str(body), url=url, emailed=email)
        for p in people.values()
    )
    if email:
        addresses = [p.email for p in people.values() if p.email and p.is_active]
        if addresses:
            subject, text = str(title)[:200], f"{body}\n\n{url}".strip()
            messages = [(subject, text, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]
            transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return rows


def mark_read(*, person, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
