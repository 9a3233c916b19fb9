"""Reads shared by every app: the one inbox of in-app notifications (the bell), and the
outbox of e-mail kept while no mail server is configured."""

from __future__ import annotations

from hamsu.core.models import Notification, OutboxMessage


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
