"""Small random companies for the campaigns reconciliation tests, and the plain-Python
recomputation of every campaigns figure from their raw rows.

``companies()`` is a hypothesis strategy for a company: accounts with contacts, deals
(open, won, lost; marketing-, sales- or partner-sourced), campaigns across marketing and
non-marketing channels, touches (with or without a campaign, contact, channel), cost
lines, cost-ledger entries and an influence window. ``build`` writes one through the ORM.

Everything else here reads rows back with ``.values()`` and recomputes figures the way
the glossary defines them (``src/hamsu/campaigns/glossary/``), without the production
selectors, queries or attribution library: that independence is the point.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from hypothesis import strategies as st

from hamsu.campaigns.models import Campaign, CostLine, Touchpoint
from hamsu.core.company import company_settings
from hamsu.crm.models import Account, Contact, Opportunity
from hamsu.scorecard.models import CostEntry

# Every date in a generated company lies within a year and a half before this moment.
ANCHOR = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)
CHANNELS = ("paid_search", "email", "events", "webinar", "partner", "social", "sales", "direct")
KINDS = ("ad_click", "email_click", "form_fill", "content_download", "webinar", "sales_call", "page_view")
MODELS = (
    "first_touch",
    "last_touch",
    "linear",
    "position_based",
    "time_decay",
    "w_shaped",
    "markov",
    "shapley",
)
# The rule-based models and Shapley are recomputed touch by touch; Markov is held to its
# invariants (every conversion shared out, no negative credit).
RECOMPUTED = tuple(m for m in MODELS if m != "markov")
NOT_MARKETING = {"sales", "direct", ""}
LEAD_FORMS = {"form_fill", "content_download"}
DAY = datetime.timedelta(days=1)


def moment(hours: int) -> datetime.datetime:
    """ANCHOR minus a whole number of hours (ties between touches and deals happen)."""
    return ANCHOR - datetime.timedelta(hours=hours)


@dataclass
class DealSpec:
    account: int
    created_hours: int  # before ANCHOR
    stage: str  # prospecting / won / lost
    close_after_hours: int
    amount: int
    source: str


@dataclass
class TouchSpec:
    account: int | None
    contact: int | None  # index among the account's contacts
    hours: int
    kind: str
    channel: str  # "" lets the campaign's channel stand
    campaign: int | None


@dataclass
class LineSpec:
    campaign: int
    month: int  # months before ANCHOR's month
    amount: int


@dataclass
class EntrySpec:
    month: int
    function: str
    category: str
    amount: int


@dataclass
class CompanySpec:
    accounts: int
    contacts: int  # per account
    deals: list[DealSpec]
    campaign_channels: list[str]
    touches: list[TouchSpec]
    lines: list[LineSpec]
    entries: list[EntrySpec]
    window: int
    statuses: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)


HOURS = st.integers(min_value=0, max_value=24 * 500)


@st.composite
def companies(draw, *, max_deals: int = 8, max_touches: int = 16) -> CompanySpec:
    accounts = draw(st.integers(1, 4))
    contacts = draw(st.sampled_from((0, 1, 2, 2)))
    n_campaigns = draw(st.integers(0, 4))
    channels = draw(st.lists(st.sampled_from(CHANNELS), min_size=n_campaigns, max_size=n_campaigns))
    statuses = draw(
        st.lists(
            st.sampled_from(("planned", "active", "completed")), min_size=n_campaigns, max_size=n_campaigns
        )
    )
    deals = draw(
        st.lists(
            st.builds(
                DealSpec,
                account=st.integers(0, accounts - 1),
                created_hours=HOURS,
                stage=st.sampled_from(("prospecting", "won", "won", "lost")),
                close_after_hours=st.integers(0, 24 * 200),
                amount=st.integers(0, 50_000),
                source=st.sampled_from(("marketing", "sales", "partner")),
            ),
            min_size=1,
            max_size=max_deals,
        )
    )
    campaign_index = st.none() | st.integers(0, n_campaigns - 1) if n_campaigns else st.none()
    touches = draw(
        st.lists(
            st.builds(
                TouchSpec,
                # A few touches have no account (a contact's touch is given its account).
                account=st.integers(0, accounts - 1) | st.none(),
                contact=st.none() | st.integers(0, max(contacts - 1, 0)) if contacts else st.none(),
                hours=HOURS,
                kind=st.sampled_from(KINDS),
                channel=st.sampled_from(("", *CHANNELS)),
                campaign=campaign_index,
            ),
            min_size=1,
            max_size=max_touches,
        )
    )
    lines = (
        draw(
            st.lists(
                st.builds(
                    LineSpec,
                    campaign=st.integers(0, n_campaigns - 1),
                    month=st.integers(0, 17),
                    amount=st.integers(0, 20_000),
                ),
                max_size=6,
            )
        )
        if n_campaigns
        else []
    )
    entries = draw(
        st.lists(
            st.builds(
                EntrySpec,
                month=st.integers(0, 17),
                function=st.sampled_from(("marketing", "sales")),
                category=st.sampled_from(("salaries", "tools", "research")),
                amount=st.integers(0, 20_000),
            ),
            max_size=3,
        )
    )
    window = draw(st.sampled_from((7, 30, 90, 365)))
    types = draw(
        st.lists(
            st.sampled_from(("advertising", "event", "other")), min_size=n_campaigns, max_size=n_campaigns
        )
    )
    return CompanySpec(accounts, contacts, deals, channels, touches, lines, entries, window, statuses, types)


def month_start(months_back: int) -> datetime.date:
    year, month = ANCHOR.year, ANCHOR.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1)


def month_end(start: datetime.date) -> datetime.date:
    return (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - DAY


@dataclass
class Built:
    accounts: list[Account]
    campaigns: list[Campaign]


def build(spec: CompanySpec, owner) -> Built:
    """Write ``spec`` through the ORM (raw rows: the figures under test are reads)."""
    settings_row = company_settings()
    settings_row.influence_lookback_days = spec.window
    settings_row.save()
    accounts = [Account.objects.create(name=f"Account {i}", owner=owner) for i in range(spec.accounts)]
    contacts = {
        (a, c): Contact.objects.create(last_name=f"Contact {a}.{c}", account=account, owner=owner)
        for a, account in enumerate(accounts)
        for c in range(spec.contacts)
    }
    for i, deal in enumerate(spec.deals):
        created = moment(deal.created_hours)
        closed = None
        if deal.stage in ("won", "lost"):
            closed = min(created + datetime.timedelta(hours=deal.close_after_hours), ANCHOR)
        Opportunity.objects.create(
            name=f"Deal {i}",
            account=accounts[deal.account],
            owner=owner,
            stage=deal.stage,
            probability={"won": 100, "lost": 0}.get(deal.stage, 10),
            amount=Decimal(deal.amount),
            currency="USD",
            amount_base=Decimal(deal.amount),
            source=deal.source,
            expected_close=(closed or ANCHOR).date(),
            created_at=created,
            closed_at=closed,
        )
    campaigns = [
        Campaign.objects.create(
            name=f"Campaign {i}",
            channel=channel,
            status=spec.statuses[i],
            type=spec.types[i] if spec.types else "other",
        )
        for i, channel in enumerate(spec.campaign_channels)
    ]
    for touch in spec.touches:
        contact = None
        if touch.contact is not None and touch.account is not None:
            contact = contacts.get((touch.account, touch.contact))
        Touchpoint.objects.create(
            kind=touch.kind,
            occurred_at=moment(touch.hours),
            channel=touch.channel,
            campaign=campaigns[touch.campaign] if touch.campaign is not None else None,
            contact=contact,
            account=accounts[touch.account] if touch.account is not None else None,
        )
    for line in spec.lines:
        start = month_start(line.month)
        CostLine.objects.create(
            campaign=campaigns[line.campaign],
            period_start=start,
            period_end=month_end(start),
            amount=Decimal(line.amount),
            currency="USD",
            amount_base=Decimal(line.amount),
        )
    for entry in spec.entries:
        CostEntry.objects.create(
            month=month_start(entry.month),
            function=entry.function,
            category=entry.category,
            amount=Decimal(entry.amount),
            currency="USD",
            amount_base=Decimal(entry.amount),
        )
    return Built(accounts, campaigns)


# ---------------------------------------------------------------- raw rows


@dataclass
class Rows:
    deals: list[dict]
    touches: list[dict]
    campaigns: dict[int, dict]
    lines: list[dict]
    entries: list[dict]
    window: int


def rows() -> Rows:
    return Rows(
        deals=list(
            Opportunity.objects.values(
                "id", "account_id", "stage", "amount_base", "source", "created_at", "closed_at"
            )
        ),
        touches=list(
            Touchpoint.objects.values(
                "id", "account_id", "contact_id", "occurred_at", "kind", "channel", "campaign_id"
            )
        ),
        campaigns={
            row["id"]: row for row in Campaign.objects.values("id", "name", "channel", "status", "type")
        },
        lines=list(CostLine.objects.values("campaign_id", "period_start", "amount_base")),
        entries=list(CostEntry.objects.values("month", "function", "amount_base")),
        window=company_settings().influence_lookback_days,
    )


def in_period(when, since, until) -> bool:
    return when is not None and (since is None or when >= since) and (until is None or when < until)


# ---------------------------------------------------------------- closed loop


def is_marketing(touch: dict, data: Rows) -> bool:
    return touch["kind"] != "sales_call" and channel_of(touch, data) not in NOT_MARKETING


def influenced(deal: dict, data: Rows) -> bool:
    start = deal["created_at"] - datetime.timedelta(days=data.window)
    return any(
        t["account_id"] == deal["account_id"]
        and start <= t["occurred_at"] <= deal["created_at"]
        and is_marketing(t, data)
        for t in data.touches
    )


def splits(deals: list[dict], data: Rows) -> dict[str, tuple[int, Decimal]]:
    groups = {
        "total": deals,
        "sourced": [d for d in deals if d["source"] == "marketing"],
        "influenced": [d for d in deals if influenced(d, data)],
        "influenced_or_sourced": [d for d in deals if d["source"] == "marketing" or influenced(d, data)],
    }
    return {
        name: (len(group), sum((d["amount_base"] for d in group), Decimal("0")))
        for name, group in groups.items()
    }


def pipeline_deals(data: Rows, since, until) -> list[dict]:
    return [d for d in data.deals if in_period(d["created_at"], since, until)]


def won_deals(data: Rows, since, until) -> list[dict]:
    return [d for d in data.deals if d["stage"] == "won" and in_period(d["closed_at"], since, until)]


def booking_days(since, until) -> tuple[datetime.date | None, datetime.date | None]:
    start = timezone.localtime(since).date() if since else None
    end = timezone.localtime(until).date() - DAY if until else None
    return start, end


def booked(day: datetime.date, start, end) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def campaign_spend(data: Rows, since, until) -> dict[int, Decimal]:
    start, end = booking_days(since, until)
    out: dict[int, Decimal] = defaultdict(Decimal)
    for line in data.lines:
        if booked(line["period_start"], start, end):
            out[line["campaign_id"]] += line["amount_base"]
    return dict(out)


def marketing_spend(data: Rows, since, until) -> Decimal | None:
    """Campaign spend plus the ledger's marketing entries; None when neither ledger has a
    row in the period (the ledger counts as kept when it has any entry then)."""
    start, end = booking_days(since, until)
    lines = [line for line in data.lines if booked(line["period_start"], start, end)]
    entries = [e for e in data.entries if booked(e["month"], start, end)]
    if not lines and not entries:
        return None
    return sum((line["amount_base"] for line in lines), Decimal("0")) + sum(
        (e["amount_base"] for e in entries if e["function"] == "marketing"), Decimal("0")
    )


# ---------------------------------------------------------------- attribution, plainly


@dataclass
class Journey:
    deal: dict
    touches: list[dict]  # in the library's order: time, then key, then id
    value: float  # the journey's part of the deal's value (converted journeys only)
    converted: bool
    conversion: float  # the journey's part of the deal as one conversion


def campaign_label(campaign_id: int | None, touch: dict, data: Rows) -> str:
    if campaign_id is None or campaign_id not in data.campaigns:
        return f"({touch['channel']})"  # no campaign: the touch's own channel
    return data.campaigns[campaign_id]["name"]  # the builder's names are unique


def channel_of(touch: dict, data: Rows) -> str:
    """The touch's channel, or its campaign's when the touch names none."""
    campaign = data.campaigns.get(touch["campaign_id"]) or {}
    return touch["channel"] or campaign.get("channel", "")


def key_of(touch: dict, level: str, data: Rows) -> str:
    return (
        channel_of(touch, data) if level == "channel" else campaign_label(touch["campaign_id"], touch, data)
    )


def journeys(
    data: Rows, *, measure: str, level: str, journey: str = "opportunity", lookback: int | None, since, until
) -> tuple[list[Journey], list[dict]]:
    """The journeys of the deals in scope (and the deals in scope themselves)."""
    if measure == "pipeline":
        scope = [d for d in data.deals if in_period(d["created_at"], since, until)]
    else:
        scope = [
            d for d in data.deals if d["stage"] in ("won", "lost") and in_period(d["closed_at"], since, until)
        ]
    out = []
    for deal in scope:
        ref = deal["created_at"] if measure == "pipeline" else deal["closed_at"]
        won = measure == "pipeline" or deal["stage"] == "won"
        mine = [
            t
            for t in data.touches
            if t["account_id"] == deal["account_id"]
            and t["occurred_at"] <= ref
            and (lookback is None or t["occurred_at"] >= ref - datetime.timedelta(days=lookback))
        ]
        if not mine:
            continue
        groups: dict = defaultdict(list)
        for t in mine:
            groups[t["contact_id"] or 0 if journey == "contact" else 0].append(t)
        value = float(deal["amount_base"]) if won else 0.0
        for touches in groups.values():
            touches.sort(key=lambda t: (t["occurred_at"], key_of(t, level, data), t["id"]))
            out.append(Journey(deal, touches, value / len(groups), won, 1.0 / len(groups) if won else 0.0))
    return out, scope


def shares(journey: Journey, model: str, level: str, data: Rows) -> list[float]:
    """Each touch's share of its journey under ``model`` (they sum to 1)."""
    touches = journey.touches
    n = len(touches)
    if model == "first_touch":
        return [1.0 if i == 0 else 0.0 for i in range(n)]
    if model == "last_touch":
        return [1.0 if i == n - 1 else 0.0 for i in range(n)]
    if model == "linear":
        return [1.0 / n] * n
    if model == "position_based":
        return _anchored(n, [({0}, 0.4), ({n - 1}, 0.4)], 0.2)
    if model == "time_decay":
        last = touches[-1]["occurred_at"]
        weights = [2 ** (-(last - t["occurred_at"]).total_seconds() / (7 * 86400)) for t in touches]
        return [w / sum(weights) for w in weights]
    if model == "w_shaped":
        lead = next((i for i, t in enumerate(touches) if t["kind"] in LEAD_FORMS), None)
        created = journey.deal["created_at"]
        before = [i for i, t in enumerate(touches) if t["occurred_at"] <= created]
        opportunity = before[-1] if before else None
        anchors = [({0}, 0.3)]
        anchors.append(({lead} if lead is not None else set(), 0.3))
        anchors.append(({opportunity} if opportunity is not None else set(), 0.3))
        return _anchored(n, anchors, 0.1)
    if model == "shapley":
        keys = {key_of(t, level, data) for t in touches}
        per_key = 1.0 / len(keys)
        seen: dict[str, int] = defaultdict(int)
        for t in touches:
            seen[key_of(t, level, data)] += 1
        return [per_key / seen[key_of(t, level, data)] for t in touches]
    raise ValueError(model)


def _anchored(n: int, anchors: list[tuple[set, float]], rest: float) -> list[float]:
    raw = [0.0] * n
    present = 0.0
    anchored = set()
    for members, weight in anchors:
        for i in members:
            raw[i] += weight
        if members:
            present += weight
        anchored |= members
    others = [i for i in range(n) if i not in anchored]
    for i in others:
        raw[i] += rest / len(others)
    if others:
        present += rest
    return [r / present for r in raw]


def credit(
    data: Rows,
    *,
    model: str,
    measure: str,
    level: str,
    journey: str = "opportunity",
    lookback: int | None,
    since,
    until,
) -> tuple[dict[str, dict[str, float]], dict]:
    """Per key: {"conversions", "value"} under ``model``, and the coverage figures."""
    found, scope = journeys(
        data, measure=measure, level=level, journey=journey, lookback=lookback, since=since, until=until
    )
    out: dict[str, dict[str, float]] = defaultdict(lambda: {"conversions": 0.0, "value": 0.0})
    for j in found:
        if not j.converted:
            continue
        for t, share in zip(j.touches, shares(j, model, level, data), strict=True):
            key = key_of(t, level, data)
            out[key]["conversions"] += share * j.conversion
            out[key]["value"] += share * j.value
    touched_deals = {j.deal["id"] for j in found}
    won = [d for d in scope if measure == "pipeline" or d["stage"] == "won"]
    totals = {
        "deals": len(scope),
        "deals_touched": len(touched_deals),
        "conversions": float(len(won)),
        "value": float(sum(d["amount_base"] for d in won)),
        "value_touched": float(sum(d["amount_base"] for d in won if d["id"] in touched_deals)),
        "conversions_touched": float(sum(1 for d in won if d["id"] in touched_deals)),
        "journeys_converted": float(sum(1 for j in found if j.converted)),
    }
    return dict(out), totals


# ---------------------------------------------------------------- cases every run includes


def tricky() -> CompanySpec:
    """A company with the cases random generation may miss: a won deal whose touches come
    from two contacts and from no contact, a touch that names no channel (its campaign's
    stands), one exactly on the first day of the influence window, one after the deal was
    created and one after it closed, a sales call, and spend on either side of a period."""
    created = 24 * 100
    return CompanySpec(
        accounts=2,
        contacts=2,
        deals=[
            DealSpec(0, created, "won", 24 * 30, 10_000, "sales"),
            DealSpec(1, created, "lost", 24 * 10, 4_000, "marketing"),
            DealSpec(0, 24 * 10, "prospecting", 0, 2_500, "partner"),
        ],
        campaign_channels=["email", "events", "sales"],
        touches=[
            TouchSpec(0, 0, created + 24 * 30, "email_click", "", 0),  # exactly 30 days before
            TouchSpec(0, 1, created + 24 * 5, "form_fill", "paid_search", None),
            TouchSpec(0, None, created + 24, "sales_call", "", 2),
            TouchSpec(0, 1, created - 24 * 3, "webinar", "webinar", None),  # after creation
            TouchSpec(0, 0, created - 24 * 50, "event", "", 1),  # after the close
            TouchSpec(1, None, created + 24 * 2, "page_view", "direct", None),
            TouchSpec(None, None, created + 24 * 2, "ad_click", "social", None),
        ],
        lines=[LineSpec(0, 3, 1_000), LineSpec(1, 4, 3_000), LineSpec(1, 12, 500)],
        entries=[EntrySpec(3, "marketing", "salaries", 2_000), EntrySpec(4, "sales", "travel", 700)],
        window=30,
        statuses=["active", "completed", "active"],
    )
