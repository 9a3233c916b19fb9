"""Turn the funnel's logs into webhook events without touching the services that write them.

The stage-event log is append-only with increasing ids, so a bookmark (the last id read)
is enough to see every change exactly once; SLA breaches are read from the handoffs the
SLA check stamped, bookmarked by that stamp. Events imported from files (via="import")
are history, not news, and are not sent. A fresh install starts at the end of the log
rather than replaying the past.
"""

from __future__ import annotations

from django.db import transaction

from hamsu.crm.models import StageEvent
from hamsu.dataio.models import EventBookmark, WebhookEvent
from hamsu.dataio.webhooks import emit
from hamsu.funnel.models import Handoff

# Bookmark names are stored keys: this one keeps the log's old label (it moved from the
# funnel to the CRM), so an existing install reads on from where it stopped.
STAGE_BOOKMARK = "funnel.stageevent"
SLA_BOOKMARK = "funnel.handoff.escalated_at"
BATCH = 1000
RETURN_STATES = {"nurture", "disqualified"}


def events_for(event: StageEvent) -> list[str]:
    if event.object_type == StageEvent.ObjectType.OPPORTUNITY:
        if not event.from_stage:
            return []
        kinds = [WebhookEvent.STAGE_CHANGED]
        if event.to_stage == "won":
            kinds.append(WebhookEvent.DEAL_WON)
        elif event.to_stage == "lost":
            kinds.append(WebhookEvent.DEAL_LOST)
        return kinds
    if event.to_stage == "mql":
        return [WebhookEvent.LEAD_MQL]
    if event.to_stage == "sal":
        return [WebhookEvent.HANDOFF_ACCEPTED]
    if event.from_stage in ("mql", "sal") and event.to_stage in RETURN_STATES:
        return [WebhookEvent.HANDOFF_RETURNED]
    return []


def payload_of(event: StageEvent) -> dict:
    data = {
        "object_type": event.object_type,
        "object_id": event.object_id,
        "from_stage": event.from_stage,
        "to_stage": event.to_stage,
        "at": event.at.isoformat(),
        "reason": event.reason,
        "stage_event_id": event.pk,
    }
    if event.opportunity_id:
        opp = event.opportunity
        data["opportunity"] = {
            "id": opp.pk,
            "name": opp.name,
            "amount": str(opp.amount),
            "currency": opp.currency,
            "account_id": opp.account_id,
            "owner_id": opp.owner_id,
            "external_id": opp.external_id,
        }
    return data


def _bookmark(name: str, start) -> EventBookmark:
    bookmark = EventBookmark.objects.select_for_update().filter(name=name).first()
    if bookmark is None:
        bookmark = EventBookmark.objects.create(name=name, last_id=start())
    return bookmark


@transaction.atomic
def scan_stage_events(*, limit: int = 10_000) -> int:
    """Emit events for stage events after the bookmark; the bookmark moves in the same
    transaction as the deliveries it creates, so a crash neither loses nor repeats."""
    from django.db.models import Max

    bookmark = _bookmark(STAGE_BOOKMARK, lambda: StageEvent.objects.aggregate(m=Max("id"))["m"] or 0)
    emitted = 0
    rows = list(
        StageEvent.objects.filter(id__gt=bookmark.last_id)
        .select_related("opportunity")
        .order_by("id")[:limit]
    )
    for event in rows:
        if event.via != "import":
            for kind in events_for(event):
                emitted += len(emit(kind, payload_of(event)))
    if rows:
        bookmark.last_id = rows[-1].pk
        bookmark.save(update_fields=["last_id", "updated_at"])
    return emitted


@transaction.atomic
def scan_sla_breaches() -> int:
    import time

    def start() -> int:
        return int(time.time() * 1_000_000)

    bookmark = _bookmark(SLA_BOOKMARK, start)
    import datetime

    since = datetime.datetime.fromtimestamp(bookmark.last_id / 1_000_000, tz=datetime.UTC)
    emitted = 0
    latest = since
    for handoff in Handoff.objects.filter(escalated_at__gt=since).order_by("escalated_at", "id"):
        emitted += len(
            emit(
                WebhookEvent.SLA_BREACHED,
                {
                    "handoff_id": handoff.pk,
                    "lead_id": handoff.lead_id,
                    "owner_id": handoff.owner_id,
                    "team_id": handoff.team_id,
                    "due_at": handoff.due_at.isoformat(),
                    "escalated_at": handoff.escalated_at.isoformat(),
                },
            )
        )
        latest = max(latest, handoff.escalated_at)
    if latest > since:
        bookmark.last_id = int(latest.timestamp() * 1_000_000)
        bookmark.save(update_fields=["last_id", "updated_at"])
    return emitted


def scan() -> int:
    return scan_stage_events() + scan_sla_breaches()
