"""Pages that bring several apps together; each app's own pages stay in that app."""

from __future__ import annotations

import sys
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from hamsu.core.company import company_settings
from hamsu.core.db_busy import RETRY_AFTER_SECONDS, is_database_busy
from hamsu.crm.models import StageEvent
from hamsu.crm.selectors import opportunities_visible
from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.web import search as web_search
from hamsu.web.my_day import my_day


@login_required
def home(request):
    """The landing page: my day (what to do first), my open pipeline and the latest stage
    changes I can see."""
    mine = opportunities_visible(request.user).filter(stage__in=OPEN_STAGES)
    # No open deal is an open pipeline of 0, not a blank card (SUM over no rows is NULL).
    summary = mine.aggregate(n=Count("id"), total=Coalesce(Sum("amount_base"), Value(Decimal("0"))))
    visible_ids = opportunities_visible(request.user).values("id")
    recent = (
        StageEvent.objects.filter(object_type="opportunity", opportunity_id__in=visible_ids)
        .select_related("opportunity", "actor")
        .order_by("-at", "-id")[:15]
    )
    return render(
        request,
        "web/home.html",
        {
            "summary": summary,
            "recent": recent,
            "company": company_settings(),
            "stage_labels": dict(Stage.choices),
            "day": my_day(request.user),
            "now": timezone.now(),
        },
    )


def server_error(request, *args, **kwargs):
    """The 500 page in the layout and the visitor's language, drawn without the database or
    the request's context (whatever failed may be either): the template gets no user, no
    navigation and no CSRF token, and the layout leaves out what needs them. If even that
    fails, a plain page in the visitor's language still answers.

    Django calls this inside its ``except`` block, so the error is in ``sys.exc_info()``:
    a database that was only busy answers 503 with Retry-After (``hamsu.core.db_busy``),
    and an API client gets problem details rather than a page."""
    error = sys.exc_info()[1]
    busy = is_database_busy(error)
    status = 503 if busy else 500
    if busy:
        title = gettext("Hamsu is busy")
        detail = gettext(
            "The database was busy with other work and could not answer in time. "
            "Nothing was saved; try again in a few seconds."
        )
    else:
        title = gettext("Something went wrong")
        detail = gettext(
            "Hamsu could not show this page because of an error on our side. "
            "It has been logged; try again in a moment."
        )
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {
                "type": f"https://hamsu.dev/problems/{status}",
                "title": title,
                "status": status,
                "detail": detail,
                "errors": [],
            },
            status=status,
            content_type="application/problem+json",
        )
    else:
        try:
            html = loader.get_template("500.html").render(
                {"server_error": True, "code": status, "heading": title, "explanation": detail}
            )
        except Exception:  # noqa: BLE001 — the error page must answer whatever broke
            html = f"<!doctype html><h1>{escape(title)}</h1>"
        response = HttpResponse(html, status=status)
    if busy:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@login_required
def search(request):
    """The layout's search box: the first few deals, accounts, contacts, leads and people."""
    q = request.GET.get("q", "")[:100]
    sections = web_search.search_everything(user=request.user, q=q) if q.strip() else []
    return render(request, "web/search.html", {"q": q, "sections": sections})
