"""Plain reads of the raw rows and of the API, shared by the scorecard's reconciliation tests.

Nothing here goes through the scorecard's selectors or aggregate tables: rows are read
with ``.values()`` and walked in Python, the way the glossary describes each figure.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from hypothesis import strategies as st

from hamsu.crm.models import Opportunity, StageEvent

# The lead lifecycle as the glossary states it (scorecard.lead_reached), written out here:
# a lead has reached a stage when it got that far down this path (skipped steps included);
# a lead in "lost" had reached opportunity (only a lead whose deal was lost gets there).
LEAD_PATH = ["inquiry", "mql", "sal", "sql", "opportunity", "won"]
LEAD_IMPLIED = {"lost": "opportunity"}
# The sales path as the glossary states it (scorecard.stage_reached), written out here.
SALES_PATH = [
    "prospecting",
    "qualifying",
    "needs_definition",
    "solution_development",
    "decision",
    "negotiation",
    "won",
]
SALES_OPEN = SALES_PATH[:-1]
# Every filter the scorecard pages offer beyond the period (the API's names).
DIMS = ("team", "segment", "product", "owner")
filters = st.fixed_dictionaries(
    {
        **{name: st.sampled_from([None, 0, 1]) for name in DIMS},
        "source": st.sampled_from([None, "sales", "marketing"]),
    }
)


def local_day(at: datetime.datetime) -> datetime.date:
    return timezone.localtime(at).date()


def ratio(a, b):
    return None if not b else Decimal(a) / Decimal(b)


def close(got, want, places: str = "0.0001") -> bool:
    """Equal as the API rounds a metric (to four decimal places); None only to None."""
    if want is None or got is None:
        return got is want
    return abs(Decimal(got) - Decimal(want)) <= Decimal(places)


def ids(built, chosen: dict) -> dict:
    """The API's query for filters drawn as indexes (team 0, seller 1 …)."""
    pools = {
        "team": built.teams,
        "segment": built.segments,
        "product": built.products,
        "owner": built.sellers,
    }
    out = {
        name: pools[name][index].pk for name, index in chosen.items() if name in pools and index is not None
    }
    if chosen.get("source"):
        out["source"] = chosen["source"]
    return out


def narrowed(query: dict) -> bool:
    return any(query.get(name) not in (None, "") for name in (*DIMS, "source"))


def leads() -> list[dict]:
    """Each lead's history from its stage events: when it entered the funnel, when it first
    reached each stage of the path, and every stay in a state that ended (and when)."""
    events = defaultdict(list)
    for e in (
        StageEvent.objects.filter(object_type="lead").order_by("id").values("object_id", "to_stage", "at")
    ):
        events[e["object_id"]].append(e)
    out = []
    for history in events.values():
        depth, reached_at, stays = -1, {}, []
        for i, e in enumerate(history):
            if i:
                before = history[i - 1]
                stays.append(
                    (before["to_stage"], e["at"], max(0.0, (e["at"] - before["at"]).total_seconds()))
                )
            state = LEAD_IMPLIED.get(e["to_stage"], e["to_stage"])
            if state in LEAD_PATH:
                target = LEAD_PATH.index(state)
                for k in range(depth + 1, target + 1):
                    reached_at[LEAD_PATH[k]] = e["at"]
                depth = max(depth, target)
        out.append({"first_at": history[0]["at"], "reached_at": reached_at, "stays": stays})
    return out


def deals() -> list[dict]:
    """Each deal with its dimensions and its history, read from the raw rows."""
    events = defaultdict(list)
    for e in (
        StageEvent.objects.filter(object_type="opportunity")
        .order_by("id")
        .values("object_id", "to_stage", "at")
    ):
        events[e["object_id"]].append(e)
    out = []
    for d in Opportunity.objects.values(
        "id",
        "account_id",
        "team_id",
        "segment_id",
        "product_id",
        "owner_id",
        "source",
        "amount_base",
        "gross_profit",
    ):
        history = events[d["id"]]
        depth, reached_at, won_at, lost_at, stays = -1, {}, None, [], []
        for i, e in enumerate(history):
            if i and history[i - 1]["to_stage"] in SALES_OPEN:
                stays.append(
                    (history[i - 1]["to_stage"], e["at"], (e["at"] - history[i - 1]["at"]).total_seconds())
                )
            if e["to_stage"] in SALES_PATH:
                target = SALES_PATH.index(e["to_stage"])
                for k in range(depth + 1, target + 1):
                    reached_at[SALES_PATH[k]] = e["at"]  # a skipped stage is passed on the way
                depth = max(depth, target)
            if e["to_stage"] == "won" and won_at is None:
                won_at = e["at"]
            if e["to_stage"] == "lost":
                lost_at.append(e["at"])
        out.append(
            {
                **d,
                "first_at": history[0]["at"],
                "depth": depth,
                "reached_at": reached_at,
                "won_at": won_at,
                "lost_at": lost_at,
                "stays": stays,
                "stage": history[-1]["to_stage"],
            }
        )
    return out
