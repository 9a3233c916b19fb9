"""The pages: overview, opening a round, inviting, results with charts, the printable
report in both languages, advisor, moves and action items; permissions enforced."""

import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hamsu.alignment.models import ActionItem, Invitation, Round
from hamsu.directory.models import Function, RoleTitle

pytestmark = pytest.mark.django_db


def test_the_overview_lists_rounds(leader_client, make_round):
    make_round("Spring check")
    page = leader_client.get(reverse("alignment:index"))
    assert page.status_code == 200
    assert b"Spring check" in page.content


def test_a_leader_opens_a_round_with_a_jalali_date(leader_client):
    closes = timezone.localdate() + datetime.timedelta(days=10)
    import jdatetime

    jalali = jdatetime.date.fromgregorian(date=closes)
    page = leader_client.post(
        reverse("alignment:round_create"),
        {
            "name": "Round one",
            "closes_on": f"{jalali.year}/{jalali.month}/{jalali.day}",
            "anonymous": "on",
            "min_group_size": 3,
        },
    )
    round_ = Round.objects.get()
    assert page.status_code == 302
    assert round_.anonymous
    assert round_.closes_at.date() == closes + datetime.timedelta(days=1)


def test_opening_a_round_in_the_past_shows_a_field_error(leader_client):
    page = leader_client.post(
        reverse("alignment:round_create"), {"name": "Late", "closes_on": "2020-01-01", "min_group_size": 3}
    )
    assert page.status_code == 200
    assert b"invalid-feedback" in page.content
    assert not Round.objects.exists()


def test_a_seller_cannot_open_a_round(client, rep):
    client.force_login(rep.user)
    assert client.get(reverse("alignment:round_create")).status_code == 403


def test_inviting_by_email_sends_a_link_and_personal_links_are_shown_once(
    leader_client, make_round, make_person, django_capture_on_commit_callbacks
):
    round_ = make_round()
    make_person("Sales Sue", title=RoleTitle.SALES_REP)
    make_person("Head Hal", title=RoleTitle.HEAD_OF_MARKETING, function=Function.DOWNSTREAM_MARKETING)
    with django_capture_on_commit_callbacks(execute=True):
        page = leader_client.post(
            reverse("alignment:round_invite", args=[round_.pk]),
            {
                "directory_functions": ["sales", "downstream_marketing"],
                "emails": "ext@example.com, marketing, head",
                "links": 2,
                "links_function": "service",
                "links_level": "staff",
            },
        )
    assert page.status_code == 200
    assert b"issued-links" in page.content
    assert page.content.count(b"/alignment/r/") == 2
    invitations = Invitation.objects.filter(round=round_)
    assert invitations.filter(email="ext@example.com", function="marketing", level="head").exists()
    assert invitations.filter(function="service").count() == 2
    assert invitations.filter(level="head", function="marketing").count() == 2  # Hal is a head too
    # Every e-mailed invitation got a message with a working link, in both languages.
    assert len(mail.outbox) == invitations.exclude(email="").count()
    assert "/alignment/r/" in mail.outbox[0].body
    assert "----------" in mail.outbox[0].body


def test_a_bad_invitation_line_is_a_field_error_and_nothing_is_created(leader_client, make_round):
    round_ = make_round()
    page = leader_client.post(
        reverse("alignment:round_invite", args=[round_.pk]),
        {"emails": "not-an-email, sales\nok@example.com, finance", "links": 0},
    )
    assert b'data-field-error="emails"' in page.content
    assert not Invitation.objects.exists()


def test_results_page_shows_score_gaps_heat_map_and_evidence(leader_client, make_round, add_responses):
    round_ = make_round()
    add_responses(round_, {"sales": [4, 4, 5, 4], "marketing": [2, 1, 2, 2], "service": [3]})
    page = leader_client.get(reverse("alignment:round", args=[round_.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="company-score"' in html
    assert 'id="heat-chart"' in html
    assert "echarts.min.js" in html
    assert 'data-flagged="1"' in html
    assert 'data-testid="indicator-s17"' in html
    assert 'data-testid="pooled"' in html  # the lone service respondent is pooled


def test_results_page_says_when_too_few_have_answered(leader_client, make_round, add_responses):
    round_ = make_round()
    add_responses(round_, {"sales": [4]})
    page = leader_client.get(reverse("alignment:round", args=[round_.pk]))
    assert b"too-few" in page.content
    assert b"company-score" not in page.content


def test_the_report_prints_in_english_and_persian(leader_client, make_round, add_responses):
    round_ = make_round()
    add_responses(round_, {"sales": [4, 4, 4], "marketing": [3, 3, 3]})
    url = reverse("alignment:report", args=[round_.pk])
    english = leader_client.get(url + "?lang=en").content.decode()
    assert 'dir="ltr"' in english
    assert "alignment/report.css" in english
    assert "Download PDF" in english
    assert "report.pdf?lang=en" in english
    persian = leader_client.get(url + "?lang=fa").content.decode()
    assert 'dir="rtl"' in persian
    assert "bootstrap.rtl" in persian
    assert "Kotler" not in persian.split("report")[0]


def test_the_reports_stylesheet_lays_it_out_for_print():
    # A static file: the Content-Security-Policy applies no inline <style>.
    import hamsu

    css = (Path(hamsu.__file__).parent / "alignment/static/alignment/report.css").read_text()
    assert "@media print" in css


def test_advisor_page_recommends(leader_client):
    page = leader_client.post(
        reverse("alignment:advisor"),
        {
            "company_size": "small",
            "informal_relations_good": "on",
            "marketing_role": "support",
            "cycle_length": "short",
            "complexity": "simple",
            "market": "commoditising",
            "pace": "stable",
        },
        follow=True,
    )
    assert b'data-testid="recommended"' in page.content


def test_moves_page_and_adopting_a_move(leader_client, marketer):
    page = leader_client.get(reverse("alignment:moves") + "?target=Aligned")
    assert page.status_code == 200
    assert b"status-meetings" in page.content
    page = leader_client.post(
        reverse("alignment:adopt", args=["meetings"]),
        {"title": "Monthly sales-marketing meeting", "owner": marketer.pk, "due_on": "2027-02-01"},
    )
    assert page.status_code == 302
    item = ActionItem.objects.get()
    assert item.owner == marketer
    assert item.due_on == datetime.date(2027, 2, 1)
    page = leader_client.post(reverse("alignment:action_status", args=[item.pk]), {"status": "done"})
    item.refresh_from_db()
    assert item.status == "done"
    assert leader_client.get(reverse("alignment:actions")).status_code == 200


def test_adopting_without_an_owner_creates_nothing(leader_client):
    leader_client.post(reverse("alignment:adopt", args=["meetings"]), {"title": "x"})
    assert not ActionItem.objects.exists()


def test_pages_render_in_persian(leader_client, make_round, add_responses):
    round_ = make_round()
    add_responses(round_, {"sales": [4, 4, 4], "marketing": [3, 3, 3]})
    leader_client.cookies["django_language"] = "fa"
    for url in [
        reverse("alignment:index"),
        reverse("alignment:round", args=[round_.pk]),
        reverse("alignment:advisor"),
        reverse("alignment:moves") + "?target=Integrated",
        reverse("alignment:actions"),
    ]:
        page = leader_client.get(url)
        assert page.status_code == 200, url
        assert 'dir="rtl"' in page.content.decode()


def test_individual_answers_of_a_named_round_are_shown_only_to_those_who_run_rounds(
    leader_client, client, rep, make_round, add_responses
):
    round_ = make_round(anonymous=False)
    add_responses(round_, {"sales": [4, 4, 4]})
    url = reverse("alignment:round", args=[round_.pk])
    assert b"Individual answers" in leader_client.get(url).content
    client.force_login(rep.user)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Individual answers" not in page.content


def test_an_anonymous_round_never_lists_individual_answers(leader_client, make_round, add_responses):
    round_ = make_round()
    add_responses(round_, {"sales": [4, 4, 4]})
    assert (
        b"Individual answers" not in leader_client.get(reverse("alignment:round", args=[round_.pk])).content
    )


def test_at_the_target_the_moves_page_lists_practices_to_keep(leader_client, make_round, add_responses):
    round_ = make_round()
    add_responses(round_, {"sales": [4, 4, 4], "marketing": [4, 4, 4]})  # 80: Integrated
    page = leader_client.get(reverse("alignment:moves") + "?target=Aligned")
    assert b"at-target" in page.content
    assert b"status-rules" in page.content


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_overview_and_results_queries_do_not_grow_with_rounds_or_answers(
    leader_client, make_round, add_responses
):
    for n in range(2):
        add_responses(make_round(f"R{n}"), {"sales": [3] * 4, "marketing": [2] * 4})
    last = make_round("Last")
    add_responses(last, {"sales": [3] * 4, "marketing": [2] * 4})
    overview = _queries(leader_client, reverse("alignment:index"))
    detail = _queries(leader_client, reverse("alignment:round", args=[last.pk]))
    for n in range(3):
        add_responses(make_round(f"More {n}"), {"sales": [4] * 10, "marketing": [3] * 10})
    add_responses(last, {"sales": [3] * 30, "marketing": [2] * 30})
    assert _queries(leader_client, reverse("alignment:index")) == overview
    assert _queries(leader_client, reverse("alignment:round", args=[last.pk])) == detail


def test_a_lost_personal_link_can_be_replaced(leader_client, client, make_round, invite):
    round_ = make_round()
    invitation, old = invite(round_)
    page = leader_client.post(reverse("alignment:invitation_link", args=[invitation.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="issued-links"' in html
    new = html.split("/alignment/r/")[1].split("/")[0]
    assert client.get(reverse("alignment:survey", args=[old])).status_code == 404
    assert client.get(reverse("alignment:survey", args=[new])).status_code == 200


def test_the_round_page_shows_who_has_answered_by_function(leader_client, make_round, invite):
    from hamsu.alignment import services

    round_ = make_round()
    _inv, token = invite(round_, function="marketing")
    invite(round_, function="sales")
    services.survey_submit(token=token, answers={f"s{i}": 3 for i in range(1, 21)})
    page = leader_client.get(reverse("alignment:round", args=[round_.pk]))
    html = page.content.decode()
    assert 'data-testid="progress"' in html
    assert 'data-testid="company-score"' not in html


def test_a_seller_sees_the_advisor_but_cannot_answer_it_or_adopt_moves(client, rep, marketer):
    from hamsu.alignment.models import Assessment

    client.force_login(rep.user)
    assert client.get(reverse("alignment:advisor")).status_code == 200
    body = {
        "company_size": "small",
        "marketing_role": "support",
        "cycle_length": "short",
        "complexity": "simple",
        "market": "commoditising",
        "pace": "stable",
    }
    assert client.post(reverse("alignment:advisor"), body).status_code == 403
    assert (
        client.post(
            reverse("alignment:adopt", args=["meetings"]), {"title": "x", "owner": marketer.pk}
        ).status_code
        == 403
    )
    assert not Assessment.objects.exists()
    assert not ActionItem.objects.exists()
