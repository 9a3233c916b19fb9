"""HTML views of the alignment app: thin, over the same services and selectors as the API."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hamsu.alignment import advisor, moves, report, selectors, services
from hamsu.alignment.forms import (
    ActionStatusForm,
    AdoptForm,
    AssessmentForm,
    ImportForm,
    InviteForm,
    RoundForm,
)
from hamsu.alignment.models import ActionItem, Invitation, Level, RespondentFunction, Round
from hamsu.alignment.statements import (
    ORDER,
    RELATIONSHIP_DESCRIPTIONS,
    RELATIONSHIP_LABELS,
    RELATIONSHIP_RANGES,
    SCALE,
    SOURCE,
    STATEMENTS,
)
from hamsu.analytics.diagnostic import Relationship
from hamsu.core.errors import Conflict, DomainError, NotFound
from hamsu.core.forms import apply_domain_errors
from hamsu.core.http import int_or_none
from hamsu.core.versioning import StaleVersion
from hamsu.directory.models import Person, RoleTitle

HEAD_TITLES = {RoleTitle.HEAD_OF_SALES, RoleTitle.HEAD_OF_MARKETING, RoleTitle.CRO}


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _labels() -> dict:
    return {
        "relationship_labels": {k.value: v for k, v in RELATIONSHIP_LABELS.items()},
        "function_labels": dict(RespondentFunction.choices),
        "source": SOURCE,
    }


def _bands() -> list[dict]:
    return [
        {
            "key": r.value,
            "label": RELATIONSHIP_LABELS[r],
            "range": RELATIONSHIP_RANGES[r],
            "text": RELATIONSHIP_DESCRIPTIONS[r],
        }
        for r in ORDER
    ]


# ---------------------------------------------------------------- overview and rounds


@login_required
@permission_required("alignment.view_round", raise_exception=True)
def index(request):
    rounds = list(selectors.round_list())
    current, current_round = selectors.current_relationship()
    points, _deltas = selectors.round_trend()
    return render(
        request,
        "alignment/index.html",
        {
            "rounds": rounds,
            "current": current,
            "current_round": current_round,
            "assessment": selectors.latest_assessment(),
            "open_actions": selectors.action_items(status=ActionItem.Status.OPEN)[:10],
            "bands": _bands(),
            "trend": _trend_data(points),
            **_labels(),
        },
    )


def _trend_data(points) -> dict:
    return {
        "labels": [p.round.name for p in points],
        "totals": [round(p.result.total, 1) for p in points],
        "low": [
            round(p.result.confidence_interval.low, 1) if p.result.confidence_interval else None
            for p in points
        ],
        "high": [
            round(p.result.confidence_interval.high, 1) if p.result.confidence_interval else None
            for p in points
        ],
        "sales": [_round_or_none(p.result.by_function.get("sales")) for p in points],
        "marketing": [_round_or_none(p.result.by_function.get("marketing")) for p in points],
        "series_names": {"total": _("Company"), "sales": _("Sales"), "marketing": _("Marketing")},
    }


def _round_or_none(value):
    return None if value is None else round(value, 1)


@login_required
@permission_required("alignment.add_round", raise_exception=True)
def round_create(request):
    form = RoundForm(
        request.POST or None, initial={"closes_on": timezone.localdate() + datetime.timedelta(days=14)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_create(
                actor=request.user,
                name=data["name"],
                closes_at=end_of_day(data["closes_on"]),
                anonymous=data["anonymous"],
                min_group_size=data["min_group_size"],
                via="web",
            )
        except DomainError as error:
            if "closes_at" in error.errors:
                error.errors["closes_on"] = error.errors.pop("closes_at")
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Round opened. Now invite the respondents."))
            return redirect("alignment:round_invite", round_.pk)
    return render(request, "alignment/form.html", {"form": form, "title": _("Open a diagnostic round")})


def _round_or_404(pk: int) -> Round:
    round_ = selectors.round_get(pk)
    if round_ is None:
        raise Http404
    return round_


@login_required
@permission_required("alignment.view_round", raise_exception=True)
def round_detail(request, pk: int):
    round_ = _round_or_404(pk)
    results = selectors.round_results(round_)
    points, deltas = selectors.round_trend(until=round_)
    return render(
        request,
        "alignment/round_detail.html",
        {
            "round": round_,
            "results": results,
            "chart": results.chart_data(),
            "trend": _trend_data(points),
            "delta": deltas[-1] if deltas and points and points[-1].round.pk == round_.pk else None,
            "progress": selectors.invitation_progress(round_)
            if request.user.has_perm("alignment.change_round")
            else [],
            # Individual answers: named rounds only, and only for those who run rounds.
            "named": selectors.named_responses(round_)[:500]
            if request.user.has_perm("alignment.change_round")
            else [],
            "bands": _bands(),
            **_labels(),
        },
    )


@login_required
@permission_required("alignment.view_round", raise_exception=True)
def round_report(request, pk: int):
    """The printable report, in the language asked for (?lang=fa|en)."""
    round_ = _round_or_404(pk)
    language = report.report_language(request.GET.get("lang"))
    with translation.override(language):
        contents = report.report_contents(round_, language)
        response = render(
            request,
            "alignment/report.html",
            {
                "round": round_,
                "results": contents.results,
                "chart": contents.results.chart_data(),
                "trend": _trend_data(contents.trend),
                "assessment": contents.assessment,
                "target": contents.target,
                "next_moves": contents.next_moves,
                "bands": _bands(),
                "source": SOURCE,
                "report_language": language,
                "report_bidi": contents.rtl,
                **_labels(),
            },
        )
    return response


@login_required
@permission_required("alignment.view_round", raise_exception=True)
def round_report_pdf(request, pk: int):
    """The same report as a PDF made on the server (?lang=fa|en), for download."""
    round_ = _round_or_404(pk)
    from hamsu.alignment import pdf  # fpdf2 costs ~0.8 s to import: only when a PDF is asked for

    return pdf.download(round_, report.report_language(request.GET.get("lang")))


@login_required
@permission_required("alignment.change_round", raise_exception=True)
@require_POST
def round_close(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    try:
        services.round_close(round=round_, actor=request.user, via="web")
        messages.success(request, _("The round is closed; no more answers are accepted."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("alignment:round", pk)


@login_required
@permission_required("alignment.change_round", raise_exception=True)
@require_POST
def round_remind(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    queued = services.reminders_queue(round=round_, base_url=request.build_absolute_uri("/"))
    if queued:
        messages.success(request, _("Reminders are on their way to %(n)d people.") % {"n": queued})
    else:
        messages.info(request, _("Nobody to remind."))
    return redirect("alignment:round", pk)


def parse_invite_lines(text: str) -> tuple[list[services.InviteEntry], list[str]]:
    entries, errors = [], []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace(";", ",").split(",")]
        email = parts[0].lower()
        function = parts[1].lower() if len(parts) > 1 else ""
        level = parts[2].lower() if len(parts) > 2 and parts[2] else Level.STAFF
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("Line %(n)d: %(value)s is not an e-mail address.") % {"n": n, "value": email})
            continue
        if function not in RespondentFunction.values:
            errors.append(
                _("Line %(n)d: give a function (sales, marketing, service, leadership or other).") % {"n": n}
            )
            continue
        if level not in Level.values:
            errors.append(_("Line %(n)d: the level must be head or staff.") % {"n": n})
            continue
        entries.append(services.InviteEntry(function=function, email=email, level=level))
    return entries, errors


@login_required
@permission_required("alignment.change_round", raise_exception=True)
def round_invite(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    form = InviteForm(request.POST or None)
    issued_links: list[tuple] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entries, errors = parse_invite_lines(data["emails"])
        invited = set(round_.invitations.exclude(email="").values_list("email", flat=True))
        for person in Person.objects.filter(is_active=True, function__in=data["directory_functions"]).exclude(
            email=""
        ):
            if person.email.lower() not in invited:
                entries.append(
                    services.InviteEntry(
                        function=services.FUNCTION_OF_PERSON[person.function],
                        person=person,
                        level=Level.HEAD if person.role_title in HEAD_TITLES else Level.STAFF,
                    )
                )
        for _i in range(data["links"] or 0):
            entries.append(
                services.InviteEntry(
                    function=data["links_function"] or RespondentFunction.OTHER,
                    level=data["links_level"] or Level.STAFF,
                )
            )
        for error in errors:
            form.add_error("emails", error)
        if not errors:
            try:
                issued = services.invitations_create(
                    round=round_,
                    actor=request.user,
                    entries=entries,
                    base_url=request.build_absolute_uri("/"),
                    via="web",
                )
            except DomainError as error:
                apply_domain_errors(form, error)
            else:
                sent = sum(1 for i in issued if i.token is None)
                if sent:
                    messages.success(request, _("%(n)d invitations are being e-mailed.") % {"n": sent})
                issued_links = [
                    (i.invitation, request.build_absolute_uri(_survey_path(i.token)))
                    for i in issued
                    if i.token
                ]
                if not issued_links:
                    return redirect("alignment:round", pk)
    return render(
        request,
        "alignment/invite.html",
        {
            "round": round_,
            "form": form,
            "issued_links": issued_links,
            "invitations": round_.invitations.select_related("person").order_by("function", "email", "id"),
        },
    )


@login_required
@permission_required("alignment.change_round", raise_exception=True)
@require_POST
def invitation_link(request, pk: int):
    """A new personal link for an unanswered invitation (the old one stops working)."""
    invitation = get_object_or_404(Invitation.objects.select_related("round"), pk=pk)
    round_ = invitation.round
    try:
        services.round_check_open(round_)
        token = services.invitation_issue_link(invitation=invitation, actor=request.user, via="web")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("alignment:round_invite", round_.pk)
    return render(
        request,
        "alignment/invite.html",
        {
            "round": round_,
            "form": InviteForm(),
            "issued_links": [(invitation, request.build_absolute_uri(_survey_path(token)))],
            "invitations": round_.invitations.select_related("person").order_by("function", "email", "id"),
        },
    )


def _survey_path(token: str) -> str:
    from django.urls import reverse

    return reverse("alignment:survey", args=[token])


@login_required
@permission_required("alignment.change_round", raise_exception=True)
def round_import(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.responses_import(
            round=round_, actor=request.user, text=form.cleaned_data["file"], via="web"
        )
        if report.ok:
            messages.success(request, _("%(n)d responses imported.") % {"n": report.created})
            return redirect("alignment:round", pk)
    return render(request, "alignment/import.html", {"round": round_, "form": form, "report": report})


# ---------------------------------------------------------------- the public questionnaire


def _rating(text: str):
    """A posted rating as the number the page compares its choices with (a draft holds
    numbers), so the choices already made stay chosen when a refused page comes back;
    anything else is passed on as typed for the service to refuse on its field."""
    return int(text) if text.isdigit() else text


def _survey_context(invitation, answers: dict, errors: dict) -> dict:
    return {
        "invitation": invitation,
        "round": invitation.round,
        "items": [
            {"statement": s, "value": answers.get(s.key), "errors": errors.get(s.key, [])} for s in STATEMENTS
        ],
        "scale": SCALE,
        "answered": sum(1 for s in STATEMENTS if answers.get(s.key)),
        "source": SOURCE,
    }


@never_cache
def survey(request, token: str):
    """The questionnaire behind an invitation link. No login: the link is the key."""
    try:
        invitation = services.invitation_for_token(token)
    except (NotFound, Conflict) as error:
        return render(
            request, "alignment/survey_closed.html", {"message": error.message}, status=error.status
        )
    if not invitation.round.accepts_answers():
        return render(
            request,
            "alignment/survey_closed.html",
            {"message": _("This round is closed and no longer accepts answers.")},
            status=409,
        )
    answers = dict(invitation.draft)
    errors: dict = {}
    if request.method == "POST":
        posted = {s.key: _rating(request.POST.get(s.key)) for s in STATEMENTS if request.POST.get(s.key)}
        try:
            if request.POST.get("action") == "submit":
                # Keep what was typed even if the submit is refused for a missing rating.
                services.survey_save(token=token, answers=posted)
                services.survey_submit(token=token)
                return render(request, "alignment/survey_done.html", {"round": invitation.round})
            invitation = services.survey_save(token=token, answers=posted)
            messages.success(request, _("Your answers are saved. Use the same link to finish later."))
            answers = dict(invitation.draft)
        except DomainError as error:
            if error.status in (404, 409):
                return render(
                    request, "alignment/survey_closed.html", {"message": error.message}, status=error.status
                )
            errors = error.errors
            answers = {**answers, **posted}
    response = render(
        request,
        "alignment/survey.html",
        _survey_context(invitation, answers, errors),
        status=422 if errors else 200,
    )
    return response


# ---------------------------------------------------------------- advisor, moves, action items


@login_required
@permission_required("alignment.view_assessment", raise_exception=True)
def advisor_view(request):
    current, _round = selectors.current_relationship()
    form = AssessmentForm(request.POST or None, instance=None)
    if request.method == "POST":
        if not request.user.has_perm("alignment.add_assessment"):
            raise PermissionDenied
        if form.is_valid():
            services.assessment_create(
                actor=request.user, current=current.value if current else None, via="web", **form.cleaned_data
            )
            return redirect("alignment:advisor")
    assessment = selectors.latest_assessment()
    advice = None
    if assessment:
        advice = advisor.Advice(Relationship(assessment.recommended), list(assessment.reasons))
    return render(
        request,
        "alignment/advisor.html",
        {
            "form": form,
            "assessment": assessment,
            "advice": advice,
            "current": current,
            "bands": _bands(),
            **_labels(),
        },
    )


@login_required
@permission_required("alignment.view_actionitem", raise_exception=True)
def moves_view(request):
    current, current_round = selectors.current_relationship()
    assessment = selectors.latest_assessment()
    target_key = request.GET.get("target") or (assessment.recommended if assessment else "")
    target = Relationship(target_key) if target_key in Relationship._value2member_map_ else None
    start = current or Relationship.UNDEFINED
    maintain = target is not None and ORDER.index(start) >= ORDER.index(target)
    items = []
    if target is not None:
        # At or beyond the target: show the practices of the levels reached, to keep alive.
        items = moves.moves_between(Relationship.UNDEFINED if maintain else start, target, user=request.user)
    adopted = set(ActionItem.objects.exclude(status=ActionItem.Status.DROPPED).values_list("move", flat=True))
    return render(
        request,
        "alignment/moves.html",
        {
            "current": current,
            "current_round": current_round,
            "target": target,
            "targets": ORDER,
            "items": items,
            "adopted": adopted,
            "adopt_form": AdoptForm(),
            "maintain": maintain,
            **_labels(),
        },
    )


@login_required
@permission_required("alignment.add_actionitem", raise_exception=True)
@require_POST
def adopt_move(request, key: str):
    if key not in moves.MOVES_BY_KEY:
        raise Http404
    form = AdoptForm(request.POST)
    if not form.is_valid():
        for field, errs in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label if field in form.fields else ''}: {' '.join(errs)}"
            )
        return redirect("alignment:moves")
    _current, current_round = selectors.current_relationship()
    services.action_item_create(
        actor=request.user, move=key, round=current_round, via="web", **form.cleaned_data
    )
    messages.success(request, _("Action item added."))
    return redirect("alignment:actions")


@login_required
@permission_required("alignment.view_actionitem", raise_exception=True)
def actions_view(request):
    status = request.GET.get("status", "")
    status = status if status in ActionItem.Status.values else ""
    return render(
        request,
        "alignment/actions.html",
        {
            "items": selectors.action_items(status=status),
            "status": status,
            "statuses": ActionItem.Status.choices,
            "moves": {k: m.title for k, m in moves.MOVES_BY_KEY.items()},
        },
    )


@login_required
@permission_required("alignment.change_actionitem", raise_exception=True)
@require_POST
def action_status(request, pk: int):
    item = get_object_or_404(ActionItem, pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_update(
                item=item,
                actor=request.user,
                status=form.cleaned_data["status"],
                via="web",
                expected_version=int_or_none(request.POST.get("version")),  # as the list showed it
            )
        except StaleVersion as stale:
            messages.error(request, stale.message)
        else:
            messages.success(request, _("Action item updated."))
    return redirect("alignment:actions")
