"""Answering by invitation link: unguessable, single use, resumable, closed rounds refuse,
and anonymous rounds keep no link between a person and their answers."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from hamsu.alignment import services
from hamsu.alignment.models import Invitation, Response
from hamsu.alignment.tokens import token_hash
from hamsu.core.errors import Conflict, NotFound, ValidationFailed
from hamsu.core.models import AuditEntry

from .conftest import all_answers

pytestmark = pytest.mark.django_db


class _Chosen(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ratings: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "radio" and "checked" in attributes:
            self.ratings[attributes["name"]] = attributes["value"]


def chosen(page) -> dict[str, str]:
    """The ratings a survey page shows as chosen, by statement (however the tag is laid out)."""
    parser = _Chosen()
    parser.feed(page.content.decode())
    return parser.ratings


def test_it_stores_only_a_hash_of_an_unguessable_token(make_round, invite):
    invitation, token = invite(make_round())
    assert len(token) >= 40
    assert invitation.token_hash == token_hash(token)
    assert not Invitation.objects.filter(token_hash=token).exists()
    _other, token2 = invite(invitation.round)
    assert token2 != token


def test_it_accepts_one_complete_response_per_invitation(make_round, invite):
    round_ = make_round()
    _inv, token = invite(round_, function="marketing")
    response = services.survey_submit(token=token, answers=all_answers(4))
    assert response.function == "marketing"
    assert response.ratings == [4] * 20
    with pytest.raises(Conflict):
        services.survey_submit(token=token, answers=all_answers(2))
    with pytest.raises(Conflict):
        services.survey_save(token=token, answers={"s1": 1})
    assert Response.objects.filter(round=round_).count() == 1


def test_an_unknown_link_is_refused(make_round):
    make_round()
    with pytest.raises(NotFound):
        services.survey_submit(token="made-up-token", answers=all_answers())


def test_partial_answers_are_saved_and_resumed(make_round, invite):
    _inv, token = invite(make_round())
    services.survey_save(token=token, answers={"s1": 5, "s2": "4"})
    services.survey_save(token=token, answers={"s3": "۳"})  # Persian digit
    assert services.invitation_for_token(token).draft == {"s1": 5, "s2": 4, "s3": 3}
    with pytest.raises(ValidationFailed) as error:
        services.survey_submit(token=token)
    assert set(error.value.errors) == {f"s{i}" for i in range(4, 21)}
    assert Response.objects.count() == 0
    rest = {f"s{i}": 2 for i in range(4, 21)}
    response = services.survey_submit(token=token, answers=rest)
    assert response.ratings[:3] == [5, 4, 3]


def test_bad_ratings_get_field_errors_and_nothing_is_saved(make_round, invite):
    _inv, token = invite(make_round())
    with pytest.raises(ValidationFailed) as error:
        services.survey_save(token=token, answers={"s1": 6, "s2": "x", "s99": 3, "s3": 3})
    assert set(error.value.errors) == {"s1", "s2", "s99"}
    assert services.invitation_for_token(token).draft == {}


def test_a_closed_round_rejects_answers(make_round, invite, leader):
    round_ = make_round()
    _inv, token = invite(round_)
    services.survey_save(token=token, answers={"s1": 3})
    services.round_close(round=round_, actor=leader.user)
    with pytest.raises(Conflict):
        services.survey_submit(token=token, answers=all_answers())
    with pytest.raises(Conflict):
        services.survey_save(token=token, answers={"s2": 3})
    # Unsubmitted drafts are dropped with the round.
    assert Invitation.objects.get(pk=_inv.pk).draft == {}


def test_a_round_past_its_closing_date_rejects_answers_and_is_closed_by_the_job(make_round, invite):
    round_ = make_round()
    _inv, token = invite(round_)
    later = timezone.now() + datetime.timedelta(days=15)
    assert not round_.accepts_answers(later)
    assert services.rounds_close_due(now=later) == 1
    round_.refresh_from_db()
    assert round_.status == "closed"
    with pytest.raises(Conflict):
        services.survey_submit(token=token, answers=all_answers())


def test_an_anonymous_response_cannot_be_traced_to_its_invitation(make_round, invite, make_person):
    round_ = make_round(anonymous=True)
    person = make_person("Sara Seller")
    [issued] = services.invitations_create(
        round=round_, actor=None, entries=[services.InviteEntry(function="sales", person=person)]
    )
    token = services.invitation_issue_link(invitation=issued.invitation)
    response = services.survey_submit(token=token, answers=all_answers(2))
    response.refresh_from_db()
    assert response.invitation_id is None
    assert response.respondent_label == ""
    assert response.submitted_at is None
    assert (
        isinstance(response.pk, type(response.pk)) and len(str(response.pk)) == 36
    )  # random, not sequential
    invitation = Invitation.objects.get(pk=issued.invitation.pk)
    assert invitation.used
    assert invitation.draft == {}
    # No audit row names the response, so the audit trail cannot join the two either.
    assert not AuditEntry.objects.filter(object_type="alignment.response").exists()
    # Nothing on the invitation side points at a response.
    assert not hasattr(invitation, "response") or Response.objects.filter(invitation=invitation).count() == 0


def test_a_named_round_keeps_who_answered(make_round, make_person):
    round_ = make_round(anonymous=False)
    person = make_person("Nima Named")
    [issued] = services.invitations_create(
        round=round_, actor=None, entries=[services.InviteEntry(function="sales", person=person)]
    )
    token = services.invitation_issue_link(invitation=issued.invitation)
    response = services.survey_submit(token=token, answers=all_answers(3))
    assert response.invitation_id == issued.invitation.pk
    assert response.respondent_label == "Nima Named"
    assert response.submitted_at is not None


def test_a_reissued_link_replaces_the_old_one(make_round, invite):
    invitation, old = invite(make_round())
    new = services.invitation_issue_link(invitation=invitation)
    with pytest.raises(NotFound):
        services.invitation_for_token(old)
    assert services.invitation_for_token(new).pk == invitation.pk


# ---------------------------------------------------------------- the page


def test_the_page_works_without_an_account_and_on_a_phone(client, make_round, invite):
    _inv, token = invite(make_round())
    page = client.get(reverse("alignment:survey", args=[token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="viewport"' in html
    assert 'name="s20"' in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]


def test_the_page_saves_then_submits(client, make_round, invite):
    round_ = make_round()
    _inv, token = invite(round_)
    url = reverse("alignment:survey", args=[token])
    page = client.post(url, {"s1": "4", "action": "save"}, follow=True)
    assert page.status_code == 200
    assert chosen(page) == {"s1": "4"}
    page = client.post(url, {"s2": "4", "action": "submit"})
    assert page.status_code == 422
    assert 'data-field-error="s3"' in page.content.decode()
    assert services.invitation_for_token(token).draft == {"s1": 4, "s2": 4}
    page = client.post(url, {**{f"s{i}": "3" for i in range(3, 21)}, "action": "submit"})
    assert page.status_code == 200
    assert b"survey-done" in page.content
    assert Response.objects.filter(round=round_).count() == 1
    again = client.get(url)
    assert again.status_code == 409


def test_the_page_works_in_persian_right_to_left(client, make_round, invite):
    _inv, token = invite(make_round())
    client.cookies["django_language"] = "fa"
    page = client.get(reverse("alignment:survey", args=[token]), HTTP_ACCEPT_LANGUAGE="fa")
    html = page.content.decode()
    assert 'dir="rtl"' in html
    assert "bootstrap.rtl" in html


def test_the_page_of_a_closed_round_says_so(client, make_round, invite, leader):
    round_ = make_round()
    _inv, token = invite(round_)
    services.round_close(round=round_, actor=leader.user)
    page = client.get(reverse("alignment:survey", args=[token]))
    assert page.status_code == 409
    assert b"survey-closed" in page.content


def test_an_incomplete_page_keeps_the_answers_already_chosen(client, make_round, invite):
    """Issue 16, item 9: sent with a rating missing, the page comes back with the ones
    given still chosen (the posted "5" was compared with the number 5 and lost)."""
    _inv, token = invite(make_round())
    url = reverse("alignment:survey", args=[token])
    page = client.post(url, {"s1": "4", "s2": "5", "action": "submit"})
    assert chosen(page) == {"s1": "4", "s2": "5"}
