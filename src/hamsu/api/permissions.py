from django.utils.translation import gettext as _

from hamsu.core.errors import PermissionDenied


def require_perm(request, permission: str) -> None:
    """The API enforces the same role permissions as the UI."""
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("Your role does not allow this."), errors={"permission": [permission]})
