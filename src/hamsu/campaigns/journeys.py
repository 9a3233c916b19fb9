"""Build the long-form journey frame the attribution library reads, from the database.

A journey is an opportunity (the account's buying group: every touch of the account and
its contacts counts) or, at contact level, one contact's touches towards one deal. Only
touches up to the deal's reference time count — its close for revenue and conversions,
its creation for pipeline — and, with a lookback, only that many days before it.

The library puts the conversion on the converting touch, so the last counted touch of a
won (revenue) or created (pipeline) deal carries ``converted`` and ``conversion_value``.
Deals without any counted touch cannot be attributed; they are counted and reported, not
silently dropped.

Rows come straight from a database cursor (no model instances), so a million deals and
a few million touches load in seconds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import polars as pl
from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from hamsu.campaigns.models import LEAD_FORMS, Campaign, Touchpoint
from hamsu.crm.models import Opportunity
from hamsu.crm.stages import Stage

MEASURES = ("conversions", "revenue", "pipeline")
LEVELS = ("channel", "campaign")
JOURNEYS = ("opportunity", "contact")


@dataclass(frozen=True)
class JourneyFrame:
    frame: pl.DataFrame  # journey_id, ts, channel (the key), converted, conversion_value, …
    measure: str
    level: str
    journey: str
    deals: int  # deals in scope
    deals_touched: int  # deals with at least one counted touch
    conversions: float  # won (or created) deals in scope
    value: float  # their total value in base currency
    value_touched: float  # the part of it that has touches to attribute to

    @property
    def deals_untouched(self) -> int:
        return self.deals - self.deals_touched


def _frame(
    queryset: QuerySet, columns: dict[str, str], schema: dict, *, datetimes: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Fetch ``columns`` (frame name → model field) straight into a Polars frame.

    No model instances and no per-row field converters: on SQLite, datetime columns come
    back as text, which ``_as_utc`` parses in one vectorised pass. Rows arrive in chunks
    so a few million touches never sit in memory as Python tuples all at once.
    """
    fields = list(columns.values())
    if connection.vendor == "sqlite" and datetimes:
        queryset = queryset.annotate(**{f"{name}_text": Cast(name, TextField()) for name in datetimes})
        fields = [f"{name}_text" if name in datetimes else name for name in fields]
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(_FETCH_CHUNK):
            chunks.append(pl.DataFrame(rows, schema=schema, orient="row", strict=False))
    return pl.concat(chunks) if chunks else pl.DataFrame(schema=schema)


_FETCH_CHUNK = 100_000


def _fetched_time_dtype():
    """SQLite hands back datetimes as text (see ``_rows``), PostgreSQL as aware datetimes."""
    return pl.String if connection.vendor == "sqlite" else pl.Datetime("us", "UTC")


def _as_utc(column: pl.Expr) -> pl.Expr:
    """Naive UTC microsecond datetimes from either database's representation."""
    if connection.vendor != "sqlite":
        return column.dt.convert_time_zone("UTC").dt.replace_time_zone(None).dt.cast_time_unit("us")
    # Django writes "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; raw inserts may add "+00:00"
    # or use a "T". Seconds by a fixed format (fast), then the fraction added on.
    seconds = column.str.slice(0, 19).str.replace("T", " ", literal=True)
    whole = seconds.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us")
    fraction = column.str.extract(r"^.{19}\.(\d{1,6})").str.pad_end(6, "0").cast(pl.Int64).fill_null(0)
    return whole + pl.duration(microseconds=fraction)


def _naive_utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(tzinfo=None)


def deals_in_scope(
    opportunities: QuerySet,
    *,
    measure: str,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> QuerySet:
    """Revenue and conversions look at closed deals (won converts, lost does not);
    pipeline at every deal created, each one a conversion worth its amount."""
    if measure == "pipeline":
        ref = "created_at"
    else:
        ref = "closed_at"
        opportunities = opportunities.filter(stage__in=[Stage.WON, Stage.LOST], closed_at__isnull=False)
    if since:
        opportunities = opportunities.filter(**{f"{ref}__gte": since})
    if until:
        opportunities = opportunities.filter(**{f"{ref}__lt": until})
    return opportunities


def journey_frame(
    *,
    opportunities: QuerySet | None = None,
    measure: str = "revenue",
    level: str = "channel",
    journey: str = "opportunity",
    lookback_days: int | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> JourneyFrame:
    if measure not in MEASURES or level not in LEVELS or journey not in JOURNEYS:
        raise ValueError(f"bad measure/level/journey {measure}/{level}/{journey}")
    base = opportunities if opportunities is not None else Opportunity.objects.all()
    scope = deals_in_scope(base.order_by(), measure=measure, since=since, until=until)
    ref_field = "created_at" if measure == "pipeline" else "closed_at"
    time_type = _fetched_time_dtype()
    deals = _frame(
        scope,
        {
            "opp": "id",
            "account": "account_id",
            "stage": "stage",
            "amount": "amount_base",
            "ref": ref_field,
            "created": "created_at",
        },
        {
            "opp": pl.Int64,
            "account": pl.Int64,
            "stage": pl.String,
            "amount": pl.Float64,
            "ref": time_type,
            "created": time_type,
        },
        datetimes=tuple({ref_field, "created_at"}),
    ).with_columns(ref=_as_utc(pl.col("ref")), created=_as_utc(pl.col("created")))
    won = pl.lit(True) if measure == "pipeline" else pl.col("stage") == Stage.WON
    deals = deals.with_columns(won=won).with_columns(
        value=pl.when(pl.col("won")).then(pl.col("amount")).otherwise(0.0)
    )

    touches_wanted = Touchpoint.objects.filter(account_id__isnull=False).order_by()
    if opportunities is not None or since is not None or until is not None:
        # A subset of deals: only their accounts' touches. For all deals the IN costs more
        # than it saves.
        touches_wanted = touches_wanted.filter(account_id__in=scope.values("account_id"))
    touches = (
        _frame(
            touches_wanted,
            {
                "account": "account_id",
                "contact": "contact_id",
                "ts": "occurred_at",
                "channel": "channel",
                "campaign_channel": "campaign__channel",
                "campaign_id": "campaign_id",
                "touch": "id",
                "kind": "kind",
            },
            {
                "account": pl.Int64,
                "contact": pl.Int64,
                "ts": time_type,
                "channel": pl.String,
                "campaign_channel": pl.String,
                "campaign_id": pl.Int64,
                "touch": pl.Int64,
                "kind": pl.String,
            },
            datetimes=("occurred_at",),
        )
        .with_columns(
            ts=_as_utc(pl.col("ts")),
            # A touch that names no channel is its campaign's (as in campaigns.influence).
            channel=pl.when(pl.col("channel") == "")
            .then(pl.col("campaign_channel").fill_null(""))
            .otherwise(pl.col("channel")),
        )
        .drop("campaign_channel")
    )

    # Every touch of an account meets every deal of that account that it precedes; an
    # inequality join keeps only those pairs instead of materialising all of them.
    candidates = deals.select("opp", "account", "ref", "created", "won", "value").rename(
        {"account": "deal_account"}
    )
    predicates = [pl.col("account") == pl.col("deal_account"), pl.col("ts") <= pl.col("ref")]
    if lookback_days is not None:
        candidates = candidates.with_columns(window_start=pl.col("ref") - pl.duration(days=lookback_days))
        predicates.append(pl.col("ts") >= pl.col("window_start"))
    joined = touches.join_where(candidates, *predicates).drop(
        "deal_account", *(["window_start"] if lookback_days is not None else [])
    )

    if level == "campaign":
        names = _campaign_labels({int(i) for i in joined["campaign_id"].drop_nulls().unique().to_list()})
        labels = pl.Series("label", list(names.values()), dtype=pl.String)
        ids = pl.Series("campaign_id", list(names.keys()), dtype=pl.Int64)
        joined = joined.join(pl.DataFrame([ids, labels]), on="campaign_id", how="left").with_columns(
            key=pl.coalesce(pl.col("label"), pl.format("({})", pl.col("channel")))
        )
    else:
        joined = joined.with_columns(key=pl.col("channel"))

    if journey == "contact":
        # One integer per (deal, contact): integer keys sort and compare far faster than text.
        journey_id = pl.col("opp") * (1 << 32) + pl.col("contact").fill_null(0)
        joined = joined.with_columns(journey_id=journey_id)
        # Split the deal's value over its contacts' journeys so totals still add up.
        per_deal = joined.group_by("opp").agg(n_journeys=pl.col("journey_id").n_unique())
        # The deal is one conversion, shared over its contacts' journeys like its value.
        joined = joined.join(per_deal, on="opp").with_columns(
            value=pl.col("value") / pl.col("n_journeys"), share=1.0 / pl.col("n_journeys")
        )
    else:
        joined = joined.with_columns(journey_id=pl.col("opp"), share=pl.lit(1.0))

    # Same order as the library (time, then key) so "last touch" means the same thing.
    joined = joined.sort(["journey_id", "ts", "key", "touch"])
    is_last = pl.col("journey_id") != pl.col("journey_id").shift(-1).fill_null(-1)
    # W-shaped milestones: the lead was created by the first form the contact filled in,
    # the opportunity by the last touch at or before the deal's creation.
    before_creation = pl.col("ts") <= pl.col("created")
    next_is_after = (
        (pl.col("ts").shift(-1) > pl.col("created").shift(-1))
        | is_last
        | (pl.col("journey_id") != pl.col("journey_id").shift(-1))
    )
    frame = joined.with_columns(
        converted=is_last & pl.col("won"),
        conversion_value=pl.when(is_last & pl.col("won")).then(pl.col("value")).otherwise(0.0),
        conversion_share=pl.when(is_last & pl.col("won")).then(pl.col("share")).otherwise(0.0),
        lead_created=pl.col("kind").is_in(list(LEAD_FORMS)),
        opportunity_created=before_creation & next_is_after,
    ).select(
        "journey_id",
        "ts",
        pl.col("key").alias("channel"),
        "converted",
        "conversion_value",
        "conversion_share",
        "lead_created",
        "opportunity_created",
        "opp",
        "kind",
        "contact",
        "campaign_id",
        "touch",
        pl.col("channel").alias("raw_channel"),
    )
    touched = set(frame["opp"].unique().to_list())
    touched_deals = deals.filter(pl.col("opp").is_in(list(touched)))
    return JourneyFrame(
        frame=frame,
        measure=measure,
        level=level,
        journey=journey,
        deals=deals.height,
        deals_touched=len(touched),
        conversions=float(deals["won"].sum()) if deals.height else 0.0,
        value=float(deals["value"].sum()) if deals.height else 0.0,
        value_touched=float(touched_deals["value"].sum()) if touched_deals.height else 0.0,
    )


def _campaign_labels(ids: set[int]) -> dict[int, str]:
    """Campaign names as attribution keys; a name used twice gets its id to stay distinct."""
    rows = list(Campaign.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else []
    seen: dict[str, int] = {}
    for _pk, name in rows:
        seen[name] = seen.get(name, 0) + 1
    return {pk: (name if seen[name] == 1 else f"{name} #{pk}") for pk, name in rows}


def key_label(level: str, key: str) -> str:
    """An attribution key as a person reads it: a channel's name in the active language,
    a campaign's name, or for touches that had no campaign, "No campaign — <channel>"."""
    from django.utils.translation import gettext as _

    from hamsu.campaigns.models import channel_label

    if level == "channel":
        return channel_label(key)
    if key.startswith("(") and key.endswith(")"):
        return _("No campaign — %(channel)s") % {"channel": channel_label(key[1:-1])}
    return key
