from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamsu.api import services
from hamsu.api.models import ApiToken
from hamsu.core.errors import DomainError


@login_required
def tokens(request):
    raw = None
    if request.method == "POST":
        try:
            _token, raw = services.token_create(user=request.user, name=request.POST.get("name", ""))
        except DomainError as error:
            messages.error(request, error.summary())
    return render(
        request, "api/tokens.html", {"tokens": ApiToken.objects.filter(user=request.user), "raw": raw}
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        services.token_revoke(user=request.user, token_id=pk)
        messages.success(request, _("Token revoked."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("api:tokens")
