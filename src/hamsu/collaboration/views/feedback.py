"""Pages of field feedback: the form, a deal's feedback, mine, digests and themes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.collaboration import forms as f
from hamsu.collaboration import selectors, services
from hamsu.collaboration.models import (
    FeedbackTheme,
)
from hamsu.collaboration.views._common import _submit
from hamsu.collaboration.views.form_actions import RecordAction, record_action_view
from hamsu.core.http import int_or_none
from hamsu.crm.selectors import account_detail, opportunities_visible
from hamsu.directory.visibility import person_of

# ---------------------------------------------------------------- feedback


@login_required
@permission_required("collaboration.add_feedbacknote", raise_exception=True)
def feedback_create(request):
    form = f.FeedbackForm(request.POST or None, initial=_feedback_initial(request))
    done = _submit(
        request,
        form,
        lambda d: services.feedback_create(actor=request.user, via="ui", **d),
        success=_("Thank you — marketing will see this in the next digest."),
        redirect_to=reverse("collaboration:my_feedback"),
    )
    return done or render(request, "collaboration/feedback_form.html", {"form": form})


def _feedback_initial(request) -> dict:
    """``?opportunity=`` / ``?account=`` pre-fill the form (a deal's or an account's
    "Related" card links here), only with a record the user may see: the field shows
    the record's name. The service files a deal's note under the deal's account."""
    initial = {}
    opportunity_id = int_or_none(request.GET.get("opportunity"))
    if opportunity_id:
        opportunity = opportunities_visible(request.user).filter(pk=opportunity_id).first()
        if opportunity is not None:
            initial["opportunity"] = opportunity
    account_id = int_or_none(request.GET.get("account"))
    if account_id:
        account = account_detail(user=request.user, pk=account_id)
        if account is not None:
            initial["account"] = account
    return initial


@login_required
@permission_required("crm.view_opportunity", raise_exception=True)
def deal_feedback(request, opportunity_id: int):
    """What sellers said about one deal (reached from the deal's "Related" card)."""
    opportunity = (
        opportunities_visible(request.user).select_related("account").filter(pk=opportunity_id).first()
    )
    if opportunity is None:
        raise Http404
    return render(
        request,
        "collaboration/deal_feedback.html",
        {
            "opportunity": opportunity,
            "notes": selectors.feedback_on_deal(user=request.user, opportunity=opportunity),
        },
    )


@login_required
def my_feedback(request):
    return render(
        request, "collaboration/my_feedback.html", {"notes": selectors.my_feedback(person_of(request.user))}
    )


@login_required
@permission_required("collaboration.view_feedbackdigest", raise_exception=True)
def digests(request):
    form = f.DigestForm(request.POST or None)
    if request.method == "POST" and not request.user.has_perm("collaboration.add_feedbackdigest"):
        raise Http404
    done = _submit(
        request,
        form,
        lambda d: services.feedback_digest_build(actor=request.user, via="ui", **d),
        success=_("Digest built."),
        redirect_to=lambda digest: reverse("collaboration:digest", args=[digest.pk]),
    )
    return done or render(
        request, "collaboration/digests.html", {"digests": selectors.digest_list(), "form": form}
    )


@login_required
@permission_required("collaboration.view_feedbackdigest", raise_exception=True)
def digest_detail(request, pk: int):
    digest, themes, _examples = selectors.digest_detail(pk)
    if digest is None:
        raise Http404
    return render(
        request,
        "collaboration/digest.html",
        {"digest": digest, "themes": themes, "act_form": f.ThemeActForm()},
    )


theme_act = record_action_view(
    RecordAction(
        permission="collaboration.change_feedbacktheme",
        record=lambda request, pk: get_object_or_404(FeedbackTheme, pk=pk),
        form=f.ThemeActForm,
        service=services.feedback_theme_act,
        record_as="theme",
        success=gettext_lazy("The sellers behind this theme have been told."),
        back=lambda theme: reverse("collaboration:digest", args=[theme.digest_id]),
    )
)
