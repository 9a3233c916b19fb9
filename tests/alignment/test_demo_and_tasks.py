"""The demo rounds, reminders (fresh links, old ones dead), and closing rounds on time."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from hamsu.alignment import selectors, services, tasks
from hamsu.alignment.models import Invitation, Round
from hamsu.analytics.diagnostic import Relationship
from hamsu.core.errors import NotFound
from hamsu.demo import generator

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_closed_rounds_that_disagree_and_one_open(monkeypatch):
    monkeypatch.setattr(generator, "EXTENSION_APPS", ["alignment"])
    lines = []
    generator.generate(scale="tiny", seed=7, progress=lines.append)
    closed = list(Round.objects.filter(status="closed").order_by("opens_at"))
    assert len(closed) == 2
    assert Round.objects.filter(status="open").count() == 1
    for round_ in closed:
        results = selectors.round_results(round_)
        assert results.n_responses >= 24
        assert results.flagged()  # sales and marketing see some statements very differently
    points, deltas = selectors.round_trend()
    assert deltas[0].total_delta > 0  # things got better
    assert points[0].result.relationship in (Relationship.UNDEFINED, Relationship.DEFINED)
    assert any("/alignment/r/" in line for line in lines)


def _email_invitation(round_, email="x@example.com"):
    [issued] = services.invitations_create(
        round=round_, actor=None, entries=[services.InviteEntry(function="sales", email=email)]
    )
    return issued.invitation


def test_reminders_send_a_fresh_link_and_the_old_one_stops_working(make_round, invite):
    round_ = make_round()
    invitation = _email_invitation(round_)
    old = services.invitation_issue_link(invitation=invitation)
    _other, used_token = invite(round_)
    services.survey_submit(token=used_token, answers=dict.fromkeys([f"s{i}" for i in range(1, 21)], 3))
    mail.outbox.clear()
    outcome = tasks.remind_and_close.call("https://hamsu.example")
    assert outcome == {"closed": 0, "reminded": 1}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["x@example.com"]
    assert "Reminder" in mail.outbox[0].subject
    assert "https://hamsu.example/alignment/r/" in mail.outbox[0].body
    with pytest.raises(NotFound):
        services.invitation_for_token(old)
    new = mail.outbox[0].body.split("https://hamsu.example/alignment/r/")[1].split("/")[0]
    assert services.invitation_for_token(new).pk == invitation.pk
    assert Invitation.objects.get(pk=invitation.pk).reminders_sent == 1


def test_the_reminder_command_closes_due_rounds(make_round, capsys):
    round_ = make_round()
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("alignment_remind", "--base-url", "https://hamsu.example")
    round_.refresh_from_db()
    assert round_.status == "closed"
    assert "Closed 1 round" in capsys.readouterr().out


def test_no_reminders_for_a_closed_round(make_round, leader):
    round_ = make_round()
    _email_invitation(round_)
    services.round_close(round=round_, actor=leader.user)
    mail.outbox.clear()
    assert tasks.remind_and_close.call("") == {"closed": 0, "reminded": 0}
    assert mail.outbox == []


def _round_with_one_unanswered_email(make_round, invite):
    round_ = make_round()
    _email_invitation(round_, "waiting@example.com")
    _answered, token = invite(round_)
    services.survey_submit(token=token, answers=dict.fromkeys([f"s{i}" for i in range(1, 21)], 3))
    mail.outbox.clear()
    return round_


def test_the_round_page_reminds_whoever_has_not_answered(make_round, invite, leader_client):
    round_ = _round_with_one_unanswered_email(make_round, invite)
    leader_client.post(f"/alignment/rounds/{round_.pk}/remind/")
    assert [message.to for message in mail.outbox] == [["waiting@example.com"]]


def test_the_api_reminds_the_same_people_as_the_round_page(make_round, invite, leader_client):
    round_ = _round_with_one_unanswered_email(make_round, invite)
    response = leader_client.post(f"/api/v1/alignment/rounds/{round_.pk}/reminders")
    assert response.json() == {"queued": 1}
    assert [message.to for message in mail.outbox] == [["waiting@example.com"]]


def test_neither_the_page_nor_the_api_reminds_anyone_once_the_round_is_closed(
    make_round, invite, leader, leader_client
):
    round_ = _round_with_one_unanswered_email(make_round, invite)
    services.round_close(round=round_, actor=leader.user)
    page = leader_client.post(f"/alignment/rounds/{round_.pk}/remind/", follow=True)
    api = leader_client.post(f"/api/v1/alignment/rounds/{round_.pk}/reminders")
    assert [str(m) for m in page.context["messages"]] == ["Nobody to remind."]
    assert api.json() == {"queued": 0}
    assert mail.outbox == []
