from __future__ import annotations

from django.db.models import Q

from hamsu.core.pagination import keyset_page
from hamsu.directory.models import Person


def person_list(*, q: str = "", function: str = "", cursor: str | None = None, limit: int = 50):
    qs = Person.objects.select_related("team").prefetch_related("expertise")
    if q:
        term = q.strip()
        qs = qs.filter(
            Q(full_name__icontains=term) | Q(email__icontains=term) | Q(expertise__name__icontains=term)
        ).distinct()
    if function:
        qs = qs.filter(function=function)
    return keyset_page(qs, sort="name", allowed={"name": "full_name"}, cursor=cursor, limit=limit)
