from hamsu.core import navigation
from hamsu.core.visibility import person_of


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": navigation.items_for(user), "me": person_of(user)}
