"""Demo data for campaigns: campaigns across the channels, two years of monthly spend and
touchpoints consistent with the generated deals (``ctx["opportunities"]``).

Marketing-sourced deals get three or four marketing touches before they were created
(the last one a form fill: the lead's creation); sales-sourced deals one or two, usually
starting with a sales call; partner deals a partner touch. At most four per deal, built
with vectorised NumPy and written with ``insert_rows`` so the 1,000,000-deal scale stays
fast.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import numpy as np
import polars as pl

from hamsu.campaigns.models import Campaign, CampaignStatus, CostLine
from hamsu.demo.bulk import insert_rows

# channel, type, name, utm_source, utm_medium, monthly spend (USD; 0 = none), touch kind
CAMPAIGNS = [
    ("paid_search", "advertising", "Google Ads — brand", "google", "cpc", 3_500, "ad_click"),
    ("paid_search", "advertising", "Google Ads — analytics suite", "google", "cpc", 6_000, "ad_click"),
    ("paid_search", "advertising", "Bing Ads — data platform", "bing", "cpc", 1_200, "ad_click"),
    ("paid_social", "advertising", "LinkedIn — CFO audience", "linkedin", "paid_social", 4_500, "ad_click"),
    ("paid_social", "advertising", "LinkedIn — IT leaders", "linkedin", "paid_social", 3_800, "ad_click"),
    ("social", "content", "Organic social", "linkedin", "social", 600, "page_view"),
    ("email", "email", "Monthly newsletter", "newsletter", "email", 400, "email_click"),
    ("email", "email", "Nurture — manufacturing", "hubspot", "email", 700, "email_click"),
    ("email", "email", "Nurture — retail", "hubspot", "email", 700, "email_click"),
    ("events", "event", "Tehran Industry Expo", "expo", "event", 9_000, "event"),
    ("events", "event", "GITEX Dubai booth", "gitex", "event", 12_000, "event"),
    ("events", "event", "Customer day", "customer-day", "event", 4_000, "event"),
    ("webinar", "webinar", "Webinar — forecasting that holds", "webinar", "webinar", 1_500, "webinar"),
    ("webinar", "webinar", "Webinar — pricing optimiser", "webinar", "webinar", 1_500, "webinar"),
    ("content", "content", "Benchmark report", "website", "content", 2_500, "content_download"),
    ("content", "content", "Case studies", "website", "content", 1_200, "content_download"),
    ("partner", "partner", "Reseller programme", "partner", "partner", 3_000, "form_fill"),
    ("sales", "sales_play", "Outbound sales calls", "", "", 0, "sales_call"),
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


def generate(*, spec, rng, ctx, now: datetime.datetime, result, progress) -> None:
    campaigns = _campaigns(ctx, now)
    result.rows["campaigns"] = len(campaigns)
    result.rows["cost_lines"] = _cost_lines(campaigns, rng, now)
    result.rows["touchpoints"] = _touchpoints(campaigns, rng, ctx, now)
    progress(f"campaigns: {len(campaigns)}, touchpoints: {result.rows['touchpoints']:,}")


def _campaigns(ctx, now: datetime.datetime) -> list[Campaign]:
    people = ctx.get("people", {})
    owner = people.get("downstream") or people.get("head.marketing")
    start = (now - datetime.timedelta(days=760)).date().replace(day=1)
    segments = ctx.get("segments") or [None]
    rows = []
    for index, (channel, kind, name, source, medium, _spend, _touch) in enumerate(CAMPAIGNS):
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
                budget=Decimal(_spend * 24) if _spend else None,
                currency="USD",
                created_at=now - datetime.timedelta(days=760),
            )
        )
    return Campaign.objects.bulk_create(rows)


def _cost_lines(campaigns: list[Campaign], rng, now: datetime.datetime) -> int:
    lines = []
    first = (now - datetime.timedelta(days=730)).date().replace(day=1)
    months = []
    day = first
    while day <= now.date():
        nxt = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        months.append((day, nxt - datetime.timedelta(days=1)))
        day = nxt
    for campaign, spec in zip(campaigns, CAMPAIGNS, strict=True):
        monthly = spec[5]
        if not monthly:
            continue
        for month_index, (begin, end) in enumerate(months):
            if spec[1] == "event" and month_index % 6 != (campaign.pk % 6):
                continue  # an event costs in the months it happens
            amount = Decimal(str(round(monthly * float(rng.uniform(0.8, 1.2)), 2)))
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
    CostLine.objects.bulk_create(lines, batch_size=1000)
    return len(lines)


def _touchpoints(campaigns: list[Campaign], rng, ctx, now: datetime.datetime) -> int:
    deals = ctx["opportunities"]
    n = int(deals["count"])
    if n == 0:
        return 0
    source = np.asarray(deals["source"])
    account = np.asarray(deals["account_index"])  # account id = index + 1
    created = np.array([c.timestamp() for c in deals["created_at"]])

    marketing = source == "marketing"
    partner = source == "partner"
    # Touches per deal: marketing-sourced 3–4, others 1–2.
    count = np.where(marketing, rng.integers(3, 5, size=n), rng.integers(1, 3, size=n))
    deal = np.repeat(np.arange(n), count)
    total = len(deal)
    position = np.arange(total) - np.repeat(np.cumsum(count) - count, count)  # 0-based within the deal
    last = position == count[deal] - 1

    camp = rng.choice(MARKETING, size=total, p=MARKETING_WEIGHT)
    # Sales-sourced deals mostly start with a sales call; partner deals with the partner.
    first_touch = position == 0
    sales_first = first_touch & (source[deal] == "sales") & (rng.random(total) < 0.7)
    camp = np.where(sales_first, SALES_CALL, camp)
    partner_first = first_touch & partner[deal]
    camp = np.where(partner_first, rng.choice(PARTNER, size=total), camp)

    # Days before the deal's creation, in time order: earliest touch first.
    gaps = rng.gamma(2.0, 12.0, size=total) + 0.2
    reverse_cum = _reverse_cumsum_by_group(gaps, deal, count)
    occurred = created[deal] - reverse_cum * 86400
    contact = account[deal] * 3 + rng.integers(0, 3, size=total) + 1

    channels = np.array([c[0] for c in CAMPAIGNS])
    # The lead of a marketing-sourced deal was created by a form fill just before the deal.
    form_fill = marketing[deal] & last & (channels[camp] != "sales")
    urls = [
        f"https://arya.example/lp/{c.utm_campaign}?utm_source={c.utm_source}&utm_medium={c.utm_medium}"
        f"&utm_campaign={c.utm_campaign}"
        if c.utm_campaign
        else ""
        for c in campaigns
    ]

    camp_list = camp.tolist()

    def per_campaign(values: list) -> list:
        # Indexing a short Python list reuses its string objects: no new string per row.
        return [values[i] for i in camp_list]

    kinds = [c[6] for c in CAMPAIGNS]
    kind = ["form_fill" if f else kinds[i] for i, f in zip(camp_list, form_fill.tolist(), strict=True)]
    stamps = pl.from_epoch(pl.Series((occurred * 1e6).astype(np.int64)), time_unit="us").dt.strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    recorded = now.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")

    # Plain Python lists zipped together: indexing arrays element by element costs more
    # than the insert itself at a few million rows.
    blank = [""] * total
    rows = zip(
        kind,
        stamps.to_list(),
        per_campaign(channels.tolist()),
        per_campaign([c.pk for c in campaigns]),
        contact.tolist(),
        (account[deal] + 1).tolist(),
        per_campaign([c.utm_source for c in campaigns]),
        per_campaign([c.utm_medium for c in campaigns]),
        per_campaign([c.utm_campaign for c in campaigns]),
        blank,
        blank,
        per_campaign(urls),
        blank,
        [recorded] * total,
        strict=True,
    )

    return insert_rows(
        "campaigns_touchpoint",
        [
            "kind",
            "occurred_at",
            "channel",
            "campaign_id",
            "contact_id",
            "account_id",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_content",
            "utm_term",
            "landing_url",
            "external_id",
            "created_at",
        ],
        rows,
    )


def _reverse_cumsum_by_group(values: np.ndarray, group: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Per group, the sum of this and all later values: the first touch is furthest back."""
    total = np.bincount(group, weights=values)
    running = np.cumsum(values)
    before = np.repeat(np.cumsum(count) - count, count)
    start = np.concatenate([[0.0], running])[before]
    return total[group] - (running - values - start)
