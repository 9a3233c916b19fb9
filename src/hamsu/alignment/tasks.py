"""Background work: sending invitations and reminders, closing rounds that are due."""

from __future__ import annotations

import os

from django_tasks import task

from hamsu.alignment import services
from hamsu.alignment.models import Round


def default_base_url() -> str:
    # Links in e-mails need the public address; set HAMSU_BASE_URL in production.
    return os.environ.get("HAMSU_BASE_URL", "http://localhost:8000")


@task()
def send_invitations(invitation_ids: list[int], base_url: str, reminder: bool) -> int:
    return services.invitations_send(
        invitation_ids=invitation_ids, base_url=base_url or default_base_url(), reminder=reminder
    )


@task()
def remind_and_close(base_url: str = "") -> dict:
    """Close rounds past their date, then remind everyone who has not answered yet."""
    closed = services.rounds_close_due()
    reminded = 0
    for round_ in Round.objects.filter(status=Round.Status.OPEN):
        if round_.accepts_answers():
            reminded += services.invitations_send(
                invitation_ids=services.reminders_due(round=round_),
                base_url=base_url or default_base_url(),
                reminder=True,
            )
    return {"closed": closed, "reminded": reminded}
