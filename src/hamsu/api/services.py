from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.api.models import ApiToken, hash_token, new_raw_token
from hamsu.core import audit
from hamsu.core.errors import NotFound
from hamsu.core.validation import check_length, raise_if


@transaction.atomic
def token_create(*, user, name: str, via: str = "ui") -> tuple[ApiToken, str]:
    """Create a token and return it with the raw secret, which is never stored."""
    name = (name or "").strip()
    errors = {"name": [_("Give the token a name.")]} if not name else {}
    check_length("name", name, errors, model=ApiToken)
    raise_if(errors)
    raw = new_raw_token()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:12], token_hash=hash_token(raw))
    audit.record(actor=user, action="create", instance=token, changes={"name": token.name}, via=via)
    return token, raw


@transaction.atomic
def token_revoke(*, user, token_id: int, via: str = "ui") -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(_("No such active token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=user,
        action="update",
        instance=token,
        changes={"revoked_at": token.revoked_at.isoformat()},
        via=via,
    )
    return token


def user_for_token(raw: str):
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch last_used at most once a minute: a busy integration should not turn every
    # read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
