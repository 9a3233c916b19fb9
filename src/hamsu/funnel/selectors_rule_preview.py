"""What a proposed lead definition would do today: how many of the leads it is checked
against meet it, beside how many meet the rule in effect.

Both counts come from ``RuleInEffect.met_by`` over the lead's facts (``scoring.facts_of``,
which ``lead_facts`` is made of, here from value rows) and its touches: the evaluation
``leads.lead_evaluate`` and the re-evaluation job move leads with, so the preview cannot
disagree with what signing the proposal would do (scores aside: the job re-scores first,
the preview reads each lead's last computed score).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from hamsu.funnel.conditions import counts_touches
from hamsu.funnel.models import Lead, LeadTouch
from hamsu.funnel.rule_language import Touch
from hamsu.funnel.rule_text import describe
from hamsu.funnel.services.definitions import (
    RuleInEffect,
    lead_definition_check,
    rule_in_effect,
    states_checked,
)
from hamsu.funnel.services.scoring import facts_of

# What ``lead_facts`` reads, as values: a large lead table streams in light rows.
_COLUMNS = (
    "pk",
    "email",
    "segment__name",
    "country",
    "title",
    "company",
    "account_id",
    "account__name",
    "origin",
    "employees",
    "score",
    "win_probability",
    "state",
)
_CHUNK = 2000


@dataclass(frozen=True)
class DefinitionPreview:
    kind: str
    text: str  # the proposed rule in the reader's language
    in_effect_text: str  # the rule in effect, in the same words
    checked: int  # leads the definition is checked against now (glossary leads.definition_checked)
    qualifying: int  # of them, meeting the proposed rule (leads.definition_qualifying)
    qualifying_in_effect: int  # of them, meeting the rule in effect


def _chunks(states, *, with_touches: bool) -> Iterator[tuple[list[tuple], dict[int, list[Touch]]]]:
    """The leads in ``states`` by id, _CHUNK at a time, with their touches when a rule
    counts them (else none are read)."""
    last = 0
    while True:
        rows = list(
            Lead.objects.filter(state__in=states, pk__gt=last).order_by("pk").values_list(*_COLUMNS)[:_CHUNK]
        )
        if not rows:
            return
        last = rows[-1][0]
        touches: dict[int, list[Touch]] = defaultdict(list)
        if with_touches:
            for lead_id, kind, at in LeadTouch.objects.filter(lead_id__in=[r[0] for r in rows]).values_list(
                "lead_id", "kind", "at"
            ):
                touches[lead_id].append(Touch(kind, at))
        yield rows, touches


def _facts(row: tuple) -> dict:
    _pk, email, segment, country, title, company, account_id, account, origin, employees, score, p, state = (
        row
    )
    return facts_of(
        email=email,
        segment=segment,
        country=country,
        title=title,
        # As Lead.display_company: the account's name when the lead has one.
        company=account if account_id else company,
        origin=origin,
        employees=employees,
        score=score,
        win_probability=p,
        state=state,
    )


def definition_preview(*, kind: str, rules, now: datetime.datetime | None = None) -> DefinitionPreview:
    """The proposed rule in words and the leads it would qualify now; refuses a rule the
    proposal would refuse (``lead_definition_check``) with the same field errors."""
    lead_definition_check(kind=kind, rules=rules)
    now = now or timezone.now()
    in_effect = rule_in_effect(kind=kind)
    proposed = RuleInEffect(kind, None, rules)
    with_touches = counts_touches(rules) or counts_touches(in_effect.rules)
    checked = qualifying = qualifying_in_effect = 0
    for rows, touches in _chunks(states_checked(kind), with_touches=with_touches):
        for row in rows:
            facts = _facts(row)
            theirs = touches.get(row[0], [])
            checked += 1
            qualifying += proposed.met_by(facts, theirs, now=now)
            qualifying_in_effect += in_effect.met_by(facts, theirs, now=now)
    return DefinitionPreview(
        kind=kind,
        text=describe(rules),
        in_effect_text=in_effect.text(),
        checked=checked,
        qualifying=qualifying,
        qualifying_in_effect=qualifying_in_effect,
    )
