"""The page shell every template extends: the navigation (core's registry, filled by each
app) and the person behind the login (the directory). It reads two layers, so it sits in
the top one."""

from hamsu.core import navigation
from hamsu.directory.visibility import person_of


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "nav_bar_items": []}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match is not None else None
    return {
        "nav_sections": navigation.sections_for(user, current=current),
        "nav_bar_items": navigation.bar_items_for(user, current=current),
        "me": person_of(user),
    }
