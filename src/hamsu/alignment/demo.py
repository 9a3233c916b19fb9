"""Demo data for the alignment diagnostic: two closed rounds (a year ago, last quarter)
where sales and marketing see things differently, and one open round in progress.

Called by the demo generator (EXTENSION_APPS) inside its transaction.
"""

from __future__ import annotations

import datetime

import numpy as np

from hamsu.alignment.models import ActionItem, Assessment, Invitation, Level, Response, Round
from hamsu.alignment.services import FUNCTION_OF_PERSON
from hamsu.alignment.tokens import new_token, token_hash
from hamsu.analytics.diagnostic import STATEMENTS as KEYS
from hamsu.directory.models import Person, RoleTitle

# Mean rating per statement (s1..s20) as each side saw it. Sellers find collateral weak
# (s5) and marketers find sales feedback scarce (s6); sellers feel blamed (s2) and see
# no joint funnel (s14); marketers think they take part in key accounts (s3, s13).
A_YEAR_AGO = {
    "sales": [
        2.6,
        2.0,
        2.0,
        1.8,
        1.9,
        3.6,
        2.6,
        2.4,
        2.4,
        2.2,
        2.0,
        2.2,
        2.0,
        1.8,
        2.2,
        2.4,
        3.4,
        1.6,
        2.0,
        1.8,
    ],
    "marketing": [
        2.2,
        2.6,
        3.4,
        2.8,
        4.0,
        1.9,
        3.0,
        2.6,
        2.8,
        2.6,
        2.2,
        2.6,
        3.5,
        2.2,
        3.0,
        2.6,
        3.4,
        1.8,
        2.4,
        2.0,
    ],
    "other": [
        2.6,
        2.4,
        2.6,
        2.2,
        2.8,
        2.6,
        2.8,
        2.6,
        2.6,
        2.4,
        2.2,
        2.4,
        2.6,
        2.2,
        2.6,
        2.6,
        3.4,
        1.8,
        2.2,
        2.0,
    ],
}
LAST_QUARTER = {
    "sales": [
        3.2,
        2.8,
        2.8,
        2.6,
        2.4,
        3.8,
        3.2,
        3.0,
        3.0,
        3.0,
        2.6,
        3.2,
        2.6,
        2.8,
        2.8,
        3.0,
        3.6,
        2.0,
        3.0,
        2.4,
    ],
    "marketing": [
        2.8,
        3.2,
        3.6,
        3.2,
        4.0,
        2.4,
        3.4,
        3.2,
        3.2,
        3.2,
        2.8,
        3.4,
        3.8,
        3.0,
        3.4,
        3.2,
        3.6,
        2.2,
        3.2,
        2.6,
    ],
    "other": [
        3.0,
        3.0,
        3.0,
        2.8,
        3.0,
        3.0,
        3.2,
        3.0,
        3.0,
        3.0,
        2.6,
        3.2,
        3.0,
        2.8,
        3.0,
        3.0,
        3.6,
        2.0,
        3.0,
        2.4,
    ],
}
THIS_QUARTER = {
    "sales": [
        3.4,
        3.2,
        3.2,
        3.0,
        3.0,
        3.8,
        3.4,
        3.2,
        3.2,
        3.4,
        2.8,
        3.6,
        3.0,
        3.2,
        3.0,
        3.4,
        3.6,
        2.4,
        3.4,
        2.8,
    ],
    "marketing": [
        3.0,
        3.4,
        3.6,
        3.4,
        3.8,
        3.0,
        3.6,
        3.4,
        3.4,
        3.4,
        3.0,
        3.6,
        3.8,
        3.2,
        3.6,
        3.4,
        3.6,
        2.4,
        3.4,
        2.8,
    ],
}


def _ratings(rng, means: list[float], n: int) -> np.ndarray:
    raw = rng.normal(loc=np.asarray(means), scale=0.75, size=(n, len(KEYS)))
    return np.clip(np.rint(raw), 1, 5).astype(int)


def _responses(rng, round_: Round, groups: dict[str, int], profile: dict[str, list[float]]) -> list[Response]:
    rows = []
    for function, n in groups.items():
        means = profile.get(function) or profile.get("other") or profile["sales"]
        for ratings in _ratings(rng, means, n):
            rows.append(
                Response(round=round_, function=function, **dict(zip(KEYS, map(int, ratings), strict=True)))
            )
    rng.shuffle(rows)
    return rows


def _invitations(round_: Round, people: list[Person], used: int, rng) -> list[tuple[Invitation, str]]:
    out = []
    for i, person in enumerate(people):
        token = new_token()
        out.append(
            (
                Invitation(
                    round=round_,
                    token_hash=token_hash(token),
                    function=FUNCTION_OF_PERSON[person.function],
                    level=Level.HEAD
                    if person.role_title
                    in (RoleTitle.HEAD_OF_SALES, RoleTitle.HEAD_OF_MARKETING, RoleTitle.CRO)
                    else Level.STAFF,
                    person=person,
                    email=person.email,
                    used=i < used,
                ),
                token,
            )
        )
    return out


def generate(*, spec, rng, ctx, now: datetime.datetime, result, progress) -> None:
    """Three diagnostic rounds (a year ago, last quarter, one open now with a third of its
    invitations answered), an assessment and two action items."""
    people = list(
        Person.objects.filter(is_active=True).exclude(role_title=RoleTitle.ADMINISTRATOR).order_by("pk")
    )
    order = rng.permutation(len(people))
    people = [people[i] for i in order]
    rounds = _rounds(now)
    past, recent, current = rounds
    groups = {"sales": 12, "marketing": 9, "service": 2, "leadership": 2}
    responses = _responses(rng, past, groups, A_YEAR_AGO) + _responses(
        rng, recent, {**groups, "sales": 13}, LAST_QUARTER
    )
    # The open round: everyone invited, a third answered so far, a few halfway through.
    invited = _invitations(current, people[:30], used=10, rng=rng)
    drafts = {f"s{i}": 3 for i in range(1, 9)}
    for invitation, _token in invited[10:13]:
        invitation.draft = drafts
    answered = [inv.function for inv, _t in invited[:10]]
    for function in sorted(set(answered)):
        responses += _responses(rng, current, {function: answered.count(function)}, THIS_QUARTER)
    Invitation.objects.bulk_create([inv for inv, _t in invited])
    Response.objects.bulk_create(responses)
    _assessment_and_actions(people, recent, now)
    result.rows["alignment rounds"] = len(rounds)
    result.rows["alignment responses"] = len(responses)
    # One unanswered link, so whoever runs the demo can try the questionnaire.
    _invitation, token = invited[-1]
    progress(f"alignment: try the questionnaire at /alignment/r/{token}/")


def _rounds(now: datetime.datetime) -> list[Round]:
    """A round a year ago and one last quarter, both closed, and this quarter's, open."""
    day = datetime.timedelta(days=1)
    rounds = [
        Round(
            name="Diagnostic — a year ago",
            opens_at=now - 365 * day,
            closes_at=now - 351 * day,
            status=Round.Status.CLOSED,
            closed_at=now - 351 * day,
            created_at=now - 366 * day,
        ),
        Round(
            name="Diagnostic — last quarter",
            opens_at=now - 100 * day,
            closes_at=now - 86 * day,
            status=Round.Status.CLOSED,
            closed_at=now - 86 * day,
            created_at=now - 101 * day,
        ),
        Round(
            name="Diagnostic — this quarter",
            opens_at=now - 3 * day,
            closes_at=now + 11 * day,
            created_at=now - 3 * day,
        ),
    ]
    Round.objects.bulk_create(rounds)
    return rounds


def _assessment_and_actions(people: list[Person], recent: Round, now: datetime.datetime) -> None:
    """The structure assessment and the two moves chosen after last quarter's round."""
    day = datetime.timedelta(days=1)
    heads = {
        p.role_title: p
        for p in people
        if p.role_title in (RoleTitle.HEAD_OF_SALES, RoleTitle.HEAD_OF_MARKETING)
    }
    Assessment.objects.create(
        company_size="medium",
        informal_relations_good=False,
        marketing_role="demand",
        cycle_length="long",
        complexity="complex",
        market="customising",
        pace="moderate",
        recommended="Integrated",
        reasons=["complex_market", "long_cycle"],
        created_at=now - 80 * day,
    )
    owner = heads.get(RoleTitle.HEAD_OF_MARKETING) or people[0]
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                move="meetings",
                title="Monthly sales-and-marketing review",
                owner=owner,
                due_on=(now + 20 * day).date(),
                round=recent,
            ),
            ActionItem(
                move="feedback",
                title="Two-question feedback form after every lost deal",
                owner=heads.get(RoleTitle.HEAD_OF_SALES) or owner,
                due_on=(now - 10 * day).date(),
                status=ActionItem.Status.DONE,
                round=recent,
            ),
        ]
    )
