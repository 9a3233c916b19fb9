"""Pages that bring several apps together; each app's own pages stay in that app."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.html import escape
from django.utils.translation import gettext

from hamsu.core.company import company_settings
from hamsu.crm.models import StageEvent
from hamsu.crm.selectors import opportunities_visible
from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.web import search as web_search


@login_required
def home(request):
    """The landing page: my open pipeline and the latest stage changes I can see."""
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
        },
    )


def server_error(request, *args, **kwargs):
    """The 500 page in the layout and the visitor's language, drawn without the database or
    the request's context (whatever failed may be either): the template gets no user, no
    navigation and no CSRF token, and the layout leaves out what needs them. If even that
    fails, a plain page in the visitor's language still answers."""
    try:
        html = loader.get_template("500.html").render({"server_error": True})
    except Exception:  # noqa: BLE001 — the error page must answer whatever broke
        html = "<!doctype html><h1>{}</h1>".format(escape(gettext("Something went wrong")))
    return HttpResponseServerError(html)


@login_required
def search(request):
    """The layout's search box: the first few deals, accounts, contacts, leads and people."""
    q = request.GET.get("q", "")[:100]
    sections = web_search.search_everything(user=request.user, q=q) if q.strip() else []
    return render(request, "web/search.html", {"q": q, "sections": sections})
