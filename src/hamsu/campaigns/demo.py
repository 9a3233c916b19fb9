"""Demo data for campaigns: campaigns across the channels, their touchpoints consistent
with the generated deals (``ctx["opportunities"]``), and the monthly spend that bought
those touches.

Marketing-sourced deals get two to four marketing touches in the weeks before they were created
(the last one a form fill: the lead's creation). Sales-sourced deals start with a sales
call; only some of them also meet marketing (a webinar, an event, a nurture e-mail)
before they are opened, so "marketing-influenced" is a real share of the deals, not all
of them. Partner deals come through the reseller programme. At most four touches per
deal, built with vectorised NumPy and written with ``insert_rows`` so the
1,000,000-deal scale stays fast.

Spend follows activity: each campaign pays for its touches month by month, at a cost
per touch set so that, under the closed loop's own linear attribution, the campaign
returns what its channel typically returns in B2B (events about 2x their cost, paid
search about 5x, e-mail about 10x). Figures derived
from it — ROI, cost per MQL — then land where a marketing team would expect them, at
every scale, instead of a fixed budget set against a revenue that grows with the scale.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl

from hamsu.campaigns.attribution_runs import compare_models
from hamsu.campaigns.journeys import _campaign_labels
from hamsu.campaigns.models import Campaign, CampaignStatus, CostLine
from hamsu.core.bulk import insert_rows

# channel, type, name, utm_source, utm_medium, return on spend (attributed revenue per
# unit of spend, before noise; 0 = no spend: sales' own calls), touch kind
CAMPAIGNS = [
    ("paid_search", "advertising", "Google Ads — brand", "google", "cpc", 7.0, "ad_click"),
    ("paid_search", "advertising", "Google Ads — analytics suite", "google", "cpc", 4.5, "ad_click"),
    ("paid_search", "advertising", "Bing Ads — data platform", "bing", "cpc", 5.0, "ad_click"),
    ("paid_social", "advertising", "LinkedIn — CFO audience", "linkedin", "paid_social", 3.5, "ad_click"),
    ("paid_social", "advertising", "LinkedIn — IT leaders", "linkedin", "paid_social", 3.0, "ad_click"),
    ("social", "content", "Organic social", "linkedin", "social", 9.0, "page_view"),
    ("email", "email", "Monthly newsletter", "newsletter", "email", 13.0, "email_click"),
    ("email", "email", "Nurture — manufacturing", "hubspot", "email", 9.0, "email_click"),
    ("email", "email", "Nurture — retail", "hubspot", "email", 9.0, "email_click"),
    ("events", "event", "Tehran Industry Expo", "expo", "event", 2.2, "event"),
    ("events", "event", "GITEX Dubai booth", "gitex", "event", 1.6, "event"),
    ("events", "event", "Customer day", "customer-day", "event", 3.5, "event"),
    ("webinar", "webinar", "Webinar — forecasting that holds", "webinar", "webinar", 5.0, "webinar"),
    ("webinar", "webinar", "Webinar — pricing optimiser", "webinar", "webinar", 5.5, "webinar"),
    ("content", "content", "Benchmark report", "website", "content", 6.0, "content_download"),
    ("content", "content", "Case studies", "website", "content", 7.0, "content_download"),
    ("partner", "partner", "Reseller programme", "partner", "partner", 4.0, "form_fill"),
    ("sales", "sales_play", "Outbound sales calls", "", "", 0.0, "sales_call"),
]
SALES_CALL = len(CAMPAIGNS) - 1
PARTNER = [i for i, c in enumerate(CAMPAIGNS) if c[0] == "partner"]
MARKETING = [i for i, c in enumerate(CAMPAIGNS) if c[0] not in ("partner", "sales")]
# How often each marketing campaign shows up in journeys (search and e-mail are frequent).
MARKETING_WEIGHT = np.array([5, 6, 2, 4, 3, 3, 6, 4, 4, 2, 2, 1, 3, 3, 4, 3], dtype=float)
MARKETING_WEIGHT /= MARKETING_WEIGHT.sum()
DIGITAL = {"paid_search", "paid_social", "email", "social", "content"}


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-").replace("--", "-")[:60]


# Sales-sourced deals whose buyers also met marketing before the deal was opened (a
# webinar, an event, a nurture e-mail), beside the sales call that started them.
SALES_DEALS_MET_MARKETING = 0.2


def generate(*, spec, rng, ctx, now: datetime.datetime, result, progress) -> None:
    campaigns = _campaigns(ctx, now)
    result.rows["campaigns"] = len(campaigns)
    touches = _touchpoints(campaigns, rng, ctx, now)
    result.rows["touchpoints"] = touches.count
    result.rows["cost_lines"] = _cost_lines(campaigns, rng, ctx, touches, now)
    progress(f"campaigns: {len(campaigns)}, touchpoints: {result.rows['touchpoints']:,}")


def _campaigns(ctx, now: datetime.datetime) -> list[Campaign]:
    people = ctx.get("people", {})
    owner = people.get("downstream") or people.get("head.marketing")
    start = (now - datetime.timedelta(days=760)).date().replace(day=1)
    segments = ctx.get("segments") or [None]
    rows = []
    for index, (channel, kind, name, source, medium, _return, _touch) in enumerate(CAMPAIGNS):
        # Events and webinars have their dates; the rest are always on.
        dated = kind in ("event", "webinar")
        begin = start + datetime.timedelta(days=90 * (index % 4)) if dated else start
        rows.append(
            Campaign(
                name=name,
                channel=channel,
                type=kind,
                status=CampaignStatus.ACTIVE,
                owner=owner,
                segment=segments[index % len(segments)] if "Nurture" in name else None,
                start_date=begin,
                end_date=None,
                utm_source=source,
                utm_medium=medium,
                utm_campaign=_slug(name) if channel in DIGITAL else "",
                budget=None,  # set from the spend, once the touches it bought exist
                currency="USD",
                created_at=now - datetime.timedelta(days=760),
            )
        )
    return Campaign.objects.bulk_create(rows)


def _attributed_revenue(campaigns: list[Campaign]) -> dict[int, float]:
    """Revenue per campaign id as the closed loop attributes it (linear, default lookback)."""
    comparison = compare_models(measure="revenue", level="campaign", models=("linear",), use_cache=False)
    by_label = {label: pk for pk, label in _campaign_labels({c.pk for c in campaigns}).items()}
    return {
        by_label[key]: figures["value"]
        for key, figures in comparison.credit.get("linear", {}).items()
        if key in by_label
    }


@dataclass(frozen=True)
class _Touches:
    """What the spend needs to know of the generated touches."""

    count: int
    campaign: np.ndarray  # index into CAMPAIGNS, per touch
    month: np.ndarray  # datetime64[M] of each touch
    credit: np.ndarray  # the touch's linear share of its deal's revenue (0 unless won)


def _cost_lines(campaigns: list[Campaign], rng, ctx, touches: _Touches, now: datetime.datetime) -> int:
    """Monthly spend per campaign: its touches that month times its cost per touch.

    The cost per touch is the revenue the closed loop will attribute to the campaign
    (linear model, its default lookback), divided by the campaign's return on spend
    (``CAMPAIGNS``) and by its touches; each month then varies by ±15 %.
    """
    if touches.count == 0:
        return 0
    credit = _attributed_revenue(campaigns)
    first = touches.month.min()
    last = np.datetime64(now.date(), "M")
    months = np.arange(first, last + 1)
    month_index = (touches.month - first).astype(int)
    lines = []
    budgets = []
    for index, (campaign, spec) in enumerate(zip(campaigns, CAMPAIGNS, strict=True)):
        returns = spec[5]
        mine = touches.campaign == index
        if not returns or not mine.any():
            continue
        per_touch = credit.get(campaign.pk, 0.0) / returns / int(mine.sum())
        if not per_touch:  # no won deal to credit it with yet: price it like the rest
            per_touch = float(touches.credit[mine].sum()) / returns / int(mine.sum()) or 1.0
        counts = np.bincount(month_index[mine], minlength=len(months))
        noise = rng.uniform(0.85, 1.15, size=len(months))
        total = Decimal("0")
        for month, n, jitter in zip(months.tolist(), counts.tolist(), noise.tolist(), strict=True):
            if not n:
                continue
            amount = Decimal(str(round(n * per_touch * jitter, 2)))
            begin = month.replace(day=1)
            end = (begin.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
                days=1
            )
            total += amount
            lines.append(
                CostLine(
                    campaign=campaign,
                    period_start=begin,
                    period_end=end,
                    amount=amount,
                    currency="USD",
                    amount_base=amount,
                    note="demo",
                    created_at=now,
                )
            )
        # Planned a little above what was spent, in round hundreds.
        campaign.budget = Decimal(round(float(total) * float(rng.uniform(1.0, 1.15)), -2))
        budgets.append(campaign)
    CostLine.objects.bulk_create(lines, batch_size=1000)
    Campaign.objects.bulk_update(budgets, ["budget"], batch_size=1000)
    return len(lines)


@dataclass(frozen=True)
class _Journeys:
    """Every deal's touches, earliest first; touch t belongs to deal ``deal[t]`` (index i is
    opportunity id i + 1)."""

    deal: np.ndarray
    count: np.ndarray  # touches per deal
    camp: np.ndarray  # index into CAMPAIGNS
    occurred: np.ndarray  # seconds since the epoch
    contact: np.ndarray  # contact id
    form_fill: np.ndarray  # the touch that created a marketing-sourced deal's lead


def _journeys(deals: dict, rng) -> _Journeys:
    """Draw each deal's touches: how many, from which campaigns, when and by whom."""
    n = int(deals["count"])
    source = np.asarray(deals["source"])
    account = np.asarray(deals["account_index"])  # account id = index + 1
    created = np.array([c.timestamp() for c in deals["created_at"]])

    marketing = source == "marketing"
    partner = source == "partner"
    sales = ~marketing & ~partner
    # Touches per deal: marketing-sourced 2–4, others 1–2.
    count = np.where(marketing, rng.integers(2, 5, size=n), rng.integers(1, 3, size=n))
    # A sales-sourced deal that met marketing has a marketing touch beside its sales call.
    met_marketing = sales & (rng.random(n) < SALES_DEALS_MET_MARKETING)
    count = np.where(met_marketing, np.maximum(count, 2), count)
    deal = np.repeat(np.arange(n), count)
    total = len(deal)
    position = np.arange(total) - np.repeat(np.cumsum(count) - count, count)  # 0-based within the deal
    last = position == count[deal] - 1

    camp = rng.choice(MARKETING, size=total, p=MARKETING_WEIGHT / MARKETING_WEIGHT.sum())
    # Sales-sourced deals start with a sales call, and their other touches are sales
    # calls too unless the buyer met marketing (then the second touch is marketing's).
    first_touch = position == 0
    sales_touch = sales[deal] & (first_touch | ~met_marketing[deal] | (position > 1))
    camp = np.where(sales_touch, SALES_CALL, camp)
    # Partner deals come through the partner programme; a second touch is a sales call.
    camp = np.where(partner[deal], np.where(first_touch, rng.choice(PARTNER, size=total), SALES_CALL), camp)

    # Days before the deal's creation, in time order: earliest touch first. An inbound
    # journey (ad, content, webinar, form) takes a few weeks.
    gaps = rng.gamma(2.0, 6.0, size=total) + 0.2
    reverse_cum = _reverse_cumsum_by_group(gaps, deal, count)
    channels = np.array([c[0] for c in CAMPAIGNS])
    return _Journeys(
        deal=deal,
        count=count,
        camp=camp,
        occurred=created[deal] - reverse_cum * 86400,
        contact=account[deal] * 3 + rng.integers(0, 3, size=total) + 1,
        # The lead of a marketing-sourced deal was created by a form fill just before the deal.
        form_fill=marketing[deal] & last & (channels[camp] != "sales"),
    )


def _insert_touchpoints(
    campaigns: list[Campaign], journeys: _Journeys, account: np.ndarray, now: datetime.datetime
) -> int:
    """Write the touches, each with its campaign's channel, UTM tags and landing page."""
    total = len(journeys.deal)
    urls = [
        f"https://arya.example/lp/{c.utm_campaign}?utm_source={c.utm_source}&utm_medium={c.utm_medium}"
        f"&utm_campaign={c.utm_campaign}"
        if c.utm_campaign
        else ""
        for c in campaigns
    ]
    camp_list = journeys.camp.tolist()

    def per_campaign(values: list) -> list:
        # Indexing a short Python list reuses its string objects: no new string per row.
        return [values[i] for i in camp_list]

    kinds = [c[6] for c in CAMPAIGNS]
    stamps = pl.from_epoch(pl.Series((journeys.occurred * 1e6).astype(np.int64)), time_unit="us").dt.strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    blank = [""] * total
    # Plain Python lists zipped together: indexing arrays element by element costs more
    # than the insert itself at a few million rows.
    columns = {
        "kind": [
            "form_fill" if f else kinds[i]
            for i, f in zip(camp_list, journeys.form_fill.tolist(), strict=True)
        ],
        "occurred_at": stamps.to_list(),
        "channel": per_campaign([c[0] for c in CAMPAIGNS]),
        "campaign_id": per_campaign([c.pk for c in campaigns]),
        "contact_id": journeys.contact.tolist(),
        "account_id": (account[journeys.deal] + 1).tolist(),
        "utm_source": per_campaign([c.utm_source for c in campaigns]),
        "utm_medium": per_campaign([c.utm_medium for c in campaigns]),
        "utm_campaign": per_campaign([c.utm_campaign for c in campaigns]),
        "utm_content": blank,
        "utm_term": blank,
        "landing_url": per_campaign(urls),
        "external_id": blank,
        "created_at": [now.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")] * total,
    }
    return insert_rows("campaigns_touchpoint", list(columns), zip(*columns.values(), strict=True))


def _touchpoints(campaigns: list[Campaign], rng, ctx, now: datetime.datetime) -> _Touches:
    """The deals' marketing and sales touches, and each touch's share of a won deal."""
    deals = ctx["opportunities"]
    if int(deals["count"]) == 0:
        return _Touches(0, np.zeros(0, int), np.zeros(0, "datetime64[M]"), np.zeros(0))
    journeys = _journeys(deals, rng)
    written = _insert_touchpoints(campaigns, journeys, np.asarray(deals["account_index"]), now)
    won = np.asarray(deals["final_stage"]) == "won"
    amount = np.asarray(deals["amount_base"], dtype=float)
    credit = np.where(won[journeys.deal], amount[journeys.deal] / journeys.count[journeys.deal], 0.0)
    month = (journeys.occurred * 1e6).astype("datetime64[us]").astype("datetime64[M]")
    return _Touches(written, journeys.camp, month, credit)


def _reverse_cumsum_by_group(values: np.ndarray, group: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Per group, the sum of this and all later values: the first touch is furthest back."""
    total = np.bincount(group, weights=values)
    running = np.cumsum(values)
    before = np.repeat(np.cumsum(count) - count, count)
    start = np.concatenate([[0.0], running])[before]
    return total[group] - (running - values - start)
