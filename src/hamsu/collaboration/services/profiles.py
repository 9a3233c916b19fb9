"""Nudging people whose directory profile has gone stale."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core.models import Notification
from hamsu.core.notify import notify
from hamsu.directory.selectors import stale_profiles

STALE_AFTER_DAYS = 180
NUDGE_EVERY_DAYS = 30


@transaction.atomic
def profiles_nudge_stale(*, days: int = STALE_AFTER_DAYS, now: datetime.datetime | None = None) -> int:
    """Ask everyone whose profile is older than ``days`` to check it — at most monthly."""
    now = now or timezone.now()
    recently = Notification.objects.filter(
        kind="stale_profile", created_at__gte=now - datetime.timedelta(days=NUDGE_EVERY_DAYS)
    ).values("recipient_id")
    people = list(stale_profiles(days=days, now=now).exclude(pk__in=recently))
    for person in people:
        notify(
            recipients=[person],
            kind="stale_profile",
            title=_("Is your profile still right?"),
            body=_(
                "Colleagues use the directory to find who to contact. Please check your expertise, "
                "segments, products, accounts, languages and availability."
            ),
            url=reverse("collaboration:my_profile"),
        )
    return len(people)
