"""The page shell every template extends: the navigation (core's registry, filled by each
app) and the person behind the login (the directory). It reads two layers, so it sits in
the top one."""

from hamsu.core import navigation
from hamsu.directory.visibility import person_of


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": navigation.items_for(user), "me": person_of(user)}
