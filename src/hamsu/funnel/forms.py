from __future__ import annotations

import json
import re
import zoneinfo
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamsu.core.company import company_settings
from hamsu.core.dates import parse_date, to_ascii_digits
from hamsu.core.form_versions import VersionedForm
from hamsu.core.forms import LocalDecimalField
from hamsu.core.money import CURRENCY_CHOICES
from hamsu.crm.models import Segment
from hamsu.directory.models import Function, Person, Team
from hamsu.funnel.conditions import validate_conditions
from hamsu.funnel.models import (
    BusinessCalendar,
    DefinitionKind,
    EngagementRule,
    ReturnReason,
    RoutingRuleKind,
)
from hamsu.funnel.selectors import FunnelFilters
from hamsu.funnel.services.engagement import validate_actions


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=ReturnReason.choices)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class LeadConvertForm(forms.Form):
    """SQL → opportunity on the lead page: the deal's name, amount and currency."""

    name = forms.CharField(
        label=_("deal name"),
        max_length=200,
        required=False,
        help_text=_("Left empty, the deal is named after the lead and its company."),
    )
    amount = LocalDecimalField(label=_("amount"), max_digits=14, decimal_places=2, min_value=0)
    # Only the currencies the product books deals in (an unknown code would be summed
    # wrongly); the company's own currency comes first.
    currency = forms.ChoiceField(label=_("currency"), choices=CURRENCY_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].initial = company_settings().base_currency


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("why"), max_length=300, required=False)


class AssignForm(forms.Form):
    person = forms.ModelChoiceField(label=_("seller"), queryset=Person.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            is_active=True, function=Function.SALES
        ).order_by("full_name")


class DefinitionBuilderForm(forms.Form):
    """A proposal's kind and summary beside the rule builder (``rule_builder``), which
    posts the rule's rows itself."""

    kind = forms.ChoiceField(label=_("kind"), choices=DefinitionKind.choices)
    summary = forms.CharField(label=_("summary"), max_length=300, required=False)
    # The newest version of each kind the page showed, "mql:3,sql:1": a proposal made
    # meanwhile is shown to this proposer instead of being passed over.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def seen_number(self, kind: str) -> int | None:
        for part in (self.cleaned_data.get("seen") or "").split(","):
            name, _sep, number = part.partition(":")
            if name == kind and number.isdigit():
                return int(number)
        return None

    @staticmethod
    def seen_of(by_kind: dict) -> str:
        return ",".join(f"{kind}:{rows[0].number if rows else 0}" for kind, rows in by_kind.items())


class DefinitionForm(DefinitionBuilderForm):
    """A proposal with its rule written as JSON (rules the builder cannot show: a "not",
    groups inside groups)."""

    rules = forms.CharField(
        label=_("rules (JSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "dir": "ltr", "class": "font-monospace"}),
        help_text=_(
            'e.g. {"all": [{"field": "country", "op": "in", "value": ["IR"]}, {"field": "employees", "op": "gte", "value": 200}]}'
        ),
    )
    field_order = ["kind", "rules", "summary", "seen"]

    def clean_rules(self):
        try:
            return json.loads(self.cleaned_data["rules"])
        except ValueError as error:
            raise forms.ValidationError(_("This is not valid JSON: %(error)s") % {"error": error}) from error


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1"
    )
    comment = forms.CharField(label=_("comment"), max_length=300, required=False)


class FunnelEditForm(forms.Form):
    stages = forms.CharField(
        label=_("stages (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "dir": "ltr", "class": "font-monospace small"}),
    )
    note = forms.CharField(label=_("what changed"), max_length=300, required=False)

    def clean_stages(self):
        try:
            return json.loads(self.cleaned_data["stages"])
        except ValueError as error:
            raise forms.ValidationError(_("This is not valid JSON: %(error)s") % {"error": error}) from error


class CaptureFormForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    allowed_origins = forms.CharField(
        label=_("allowed origins"), required=False, help_text=_("One per line, e.g. https://www.example.com")
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("rate limit per minute"), min_value=1, max_value=1_000_000, initial=600
    )

    def clean_allowed_origins(self):
        return [line.strip() for line in self.cleaned_data["allowed_origins"].splitlines() if line.strip()]


# ---------------------------------------------------------------- rule pages (routing, SLA, engagement)
# The forms parse and check what a person typed; the services decide what may be stored
# (and say so field by field), so the API and these pages refuse the same things.

_JSON_AREA = {"rows": 6, "dir": "ltr", "class": "font-monospace small", "spellcheck": "false"}


def _sales_teams(current=None):
    """Sales teams, plus the team a stored rule or policy already names (so editing it
    never fails on a choice the form itself left out)."""
    return Team.objects.filter(Q(function=Function.SALES) | Q(pk=current)).order_by("name")


def _parse_json(text: str, *, empty):
    text = (text or "").strip()
    if not text:
        return empty
    try:
        return json.loads(text)
    except ValueError as error:
        raise forms.ValidationError(_("This is not valid JSON: %(error)s") % {"error": error}) from error


class RoutingRuleForm(VersionedForm, forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    kind = forms.ChoiceField(label=_("kind"), choices=RoutingRuleKind.choices)
    team = forms.ModelChoiceField(
        label=_("team"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("Leads that match go round robin to this team's sellers."),
    )
    segment = forms.ModelChoiceField(
        label=_("segment"),
        queryset=Segment.objects.none(),
        required=False,
        help_text=_("For a segment rule."),
    )
    countries = forms.CharField(
        label=_("countries"),
        required=False,
        max_length=600,
        help_text=_("For a territory rule: two-letter country codes separated by commas, e.g. IR, AE, TR."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    capacity = forms.IntegerField(
        label=_("capacity cap"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Most open leads (MQL/SAL) one person may hold; leave empty for no cap."),
    )
    conditions = forms.CharField(
        label=_("and these conditions hold (JSON)"),
        required=False,
        widget=forms.Textarea(attrs=_JSON_AREA),
        help_text=_(
            "Optional, for any kind of rule: the lead's fields in the rule language, e.g. "
            '{"field": "employees", "op": "gte", "value": 1000}. Leave empty for every lead the rule covers.'
        ),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _sales_teams(self.initial.get("team"))
        self.fields["segment"].queryset = Segment.objects.order_by("name")

    @staticmethod
    def initial_for(rule) -> dict:
        return {
            "version": rule.version,
            "name": rule.name,
            "kind": rule.kind,
            "team": rule.team_id,
            "segment": rule.segment_id,
            "countries": ", ".join(rule.countries or []),
            "capacity": rule.capacity,
            "conditions": json.dumps(rule.conditions, ensure_ascii=False, indent=2)
            if rule.conditions
            else "",
            "is_active": rule.is_active,
        }

    def clean_conditions(self):
        conditions = _parse_json(self.cleaned_data["conditions"], empty={})
        if not isinstance(conditions, dict):
            raise forms.ValidationError(_("Conditions are one JSON object {…}."))
        problems = validate_conditions(conditions, "lead")
        if problems:
            raise forms.ValidationError(problems)
        return conditions

    def clean_countries(self):
        typed = [c.strip() for c in re.split(r"[\s,،;]+", self.cleaned_data["countries"]) if c.strip()]
        bad = [c for c in typed if not re.fullmatch(r"[A-Za-z]{2}", c)]
        if bad:
            raise forms.ValidationError(
                _("These are not two-letter country codes: %(codes)s") % {"codes": ", ".join(bad)}
            )
        return list(dict.fromkeys(c.upper() for c in typed))


class SlaPolicyForm(VersionedForm, forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    team = forms.ModelChoiceField(
        label=_("team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("All teams (the default policy)"),
        help_text=_("A team's own policy wins over the default."),
    )
    calendar = forms.ModelChoiceField(
        label=_("business calendar"),
        queryset=BusinessCalendar.objects.none(),
        help_text=_("Deadlines count only this calendar's working hours."),
    )
    accept_within_hours = LocalDecimalField(
        label=_("sales accepts or returns within (business hours)"),
        min_value=Decimal("0.25"),
        max_value=Decimal("1000"),
        decimal_places=2,
        max_digits=6,
    )
    follow_up_within_hours = LocalDecimalField(
        label=_("sales follows up within (business hours)"),
        min_value=Decimal("0.25"),
        max_value=Decimal("1000"),
        decimal_places=2,
        max_digits=6,
    )
    min_attempts = forms.IntegerField(
        label=_("follow-up attempts before disqualifying"), min_value=0, max_value=100
    )
    mql_target_per_month = forms.IntegerField(
        label=_("MQLs marketing commits to per month"), min_value=0, max_value=10_000_000
    )
    acceptance_rate_target = LocalDecimalField(
        label=_("acceptance rate marketing commits to (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        max_digits=5,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _sales_teams(self.initial.get("team"))
        self.fields["calendar"].queryset = BusinessCalendar.objects.order_by("name")

    # The model's defaults: eight business hours to answer, sixteen to follow up.
    DEFAULTS = {
        "accept_within_hours": Decimal("8"),
        "follow_up_within_hours": Decimal("16"),
        "min_attempts": 3,
        "mql_target_per_month": 100,
        "acceptance_rate_target": Decimal("70"),
    }

    @staticmethod
    def initial_for(policy) -> dict:
        return {
            "version": policy.version,
            "name": policy.name,
            "team": policy.team_id,
            "calendar": policy.calendar_id,
            "accept_within_hours": policy.accept_within_hours,
            "follow_up_within_hours": policy.follow_up_within_hours,
            "min_attempts": policy.min_attempts,
            "mql_target_per_month": policy.mql_target_per_month,
            "acceptance_rate_target": policy.acceptance_rate_target,
        }


WEEKDAY_CHOICES = [
    (5, _("Saturday")),
    (6, _("Sunday")),
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in re.split(r"[\n,،]+", text or "") if line.strip()]


def _month_days(text: str) -> list[str]:
    days, bad = [], []
    for line in _lines(to_ascii_digits(text or "")):
        match = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})", line)
        if match and 1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31:
            days.append(f"{int(match[1]):02d}-{int(match[2]):02d}")
        else:
            bad.append(line)
    if bad:
        raise forms.ValidationError(
            _("Write each as month-day, e.g. 01-01; these are not: %(list)s") % {"list": ", ".join(bad)}
        )
    return days


class BusinessCalendarForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    timezone = forms.ChoiceField(label=_("time zone"), initial="UTC")
    workdays = forms.TypedMultipleChoiceField(
        label=_("working days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )
    day_start = forms.TimeField(
        label=_("day starts"), initial="09:00", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    day_end = forms.TimeField(
        label=_("day ends"), initial="17:00", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    holidays = forms.CharField(
        label=_("holidays on a given date"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        help_text=_(
            "One date per line, Gregorian or Jalali (e.g. 1404-01-13), for holidays that move every year."
        ),
    )
    jalali_holidays = forms.CharField(
        label=_("yearly Jalali holidays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        help_text=_("Month-day in the Jalali calendar, one per line; Nowruz is 01-01 to 01-04."),
    )
    gregorian_holidays = forms.CharField(
        label=_("yearly Gregorian holidays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr"}),
        help_text=_("Month-day in the Gregorian calendar, one per line, e.g. 12-25."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]

    def clean_holidays(self):
        dates, bad = [], []
        for line in _lines(self.cleaned_data["holidays"]):
            try:
                dates.append(parse_date(line).isoformat())
            except (ValueError, TypeError):
                bad.append(line)
        if bad:
            raise forms.ValidationError(
                _("Write each date as YYYY-MM-DD; these are not: %(list)s") % {"list": ", ".join(bad)}
            )
        return sorted(set(dates))

    def clean_jalali_holidays(self):
        return _month_days(self.cleaned_data["jalali_holidays"])

    def clean_gregorian_holidays(self):
        return _month_days(self.cleaned_data["gregorian_holidays"])

    def clean(self):
        data = super().clean()
        start, end = data.get("day_start"), data.get("day_end")
        if start and end and end <= start:
            self.add_error("day_end", _("The working day must end after it starts."))
        return data


class EngagementRuleForm(VersionedForm, forms.Form):
    name = forms.CharField(label=_("name"), max_length=160)
    subject = forms.ChoiceField(label=_("when a(n)"), choices=EngagementRule.Subject.choices)
    event = forms.ChoiceField(label=_("event"), choices=EngagementRule.Event.choices)
    conditions = forms.CharField(
        label=_("and these conditions hold (JSON)"),
        required=False,
        widget=forms.Textarea(attrs=_JSON_AREA),
        help_text=_("Leave empty for “always”. Fields, operators and examples are listed beside the form."),
    )
    actions = forms.CharField(
        label=_("then (JSON list of actions)"),
        widget=forms.Textarea(attrs=_JSON_AREA),
        help_text=_("One or more actions; the examples beside the form show each kind."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    @staticmethod
    def initial_for(rule) -> dict:
        return {
            "version": rule.version,
            "name": rule.name,
            "subject": rule.subject,
            "event": rule.event,
            "conditions": json.dumps(rule.conditions, ensure_ascii=False, indent=2)
            if rule.conditions
            else "",
            "actions": json.dumps(rule.actions, ensure_ascii=False, indent=2),
            "is_active": rule.is_active,
        }

    def clean_conditions(self):
        conditions = _parse_json(self.cleaned_data["conditions"], empty={})
        if not isinstance(conditions, dict):
            raise forms.ValidationError(_("Conditions are one JSON object {…}."))
        return conditions

    def clean_actions(self):
        actions = _parse_json(self.cleaned_data["actions"], empty=[])
        if not isinstance(actions, list):
            raise forms.ValidationError(_("Actions are a JSON list […]."))
        return actions

    def clean(self):
        # The rule language checks the conditions against the fields this kind of record
        # has, so "unknown field" names the fields one may use instead.
        data = super().clean()
        subject = data.get("subject")
        if "conditions" in data:
            for problem in validate_conditions(data["conditions"], subject):
                self.add_error("conditions", problem)
        if "actions" in data:
            for problem in validate_actions(data["actions"], subject):
                self.add_error("actions", problem)
        return data


class LeadPickForm(forms.Form):
    lead = forms.CharField(
        label=_("lead"),
        max_length=300,
        help_text=_("Type an e-mail address or a lead number (#123), or pick from the list."),
    )


class FunnelFiltersForm(forms.Form):
    """The funnel page's cohort (page and API parse it here): created in the last ``days``
    days or at any time, of one team, of one segment."""

    PERIODS = (
        ("90", _("Created in the last 90 days")),
        ("365", _("Created in the last year")),
        ("730", _("Created in the last two years")),
        ("all", _("Created at any time")),
    )
    days = forms.ChoiceField(label=_("period"), choices=PERIODS, required=False)
    team = forms.ModelChoiceField(label=_("team"), queryset=Team.objects.none(), required=False)
    segment = forms.ModelChoiceField(label=_("segment"), queryset=Segment.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["segment"].queryset = Segment.objects.order_by("name")

    def filters(self):
        days = self.cleaned_data.get("days") or "365"
        team, segment = self.cleaned_data.get("team"), self.cleaned_data.get("segment")
        return FunnelFilters(
            days=None if days == "all" else int(days),
            team=team.pk if team else None,
            segment=segment.pk if segment else None,
        )
