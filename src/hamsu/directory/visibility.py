"""Which records a user may see. UI, API and exports all call ``visible``, so they agree.

It lives in the directory because the rule is about people: a record's owner and team
are directory rows, and a login sees through the person linked to it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hamsu.core.company import company_settings
from hamsu.core.models import Visibility
from hamsu.core.roles import SEES_EVERYTHING, SEES_TEAM, roles_of
from hamsu.directory.models import Person


def person_of(user):
    """The directory person linked to ``user`` (None for a bare login such as a superuser)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_hamsu_person"):
        user._hamsu_person = Person.objects.filter(user=user).select_related("team").first()
    return user._hamsu_person


def visible(
    queryset: QuerySet, user, *, owner_field: str = "owner", team_field: str | None = "team"
) -> QuerySet:
    """Restrict ``queryset`` to what ``user`` may see under the company's visibility rule."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    roles = roles_of(user)
    if user.is_superuser or roles & SEES_EVERYTHING:
        return queryset
    mode = company_settings().visibility
    if mode == Visibility.EVERYONE:
        return queryset
    person = person_of(user)
    if person is None:
        return queryset.none()
    own = Q(**{owner_field: person})
    team_ids = person.visible_team_ids()
    team = Q(**{f"{team_field}__in": team_ids}) if team_field and team_ids else Q(pk__in=[])
    if mode == Visibility.TEAM or roles & SEES_TEAM:
        return queryset.filter(own | team)
    return queryset.filter(own)


def can_see(instance, user, **kwargs) -> bool:
    return visible(type(instance).objects.filter(pk=instance.pk), user, **kwargs).exists()
