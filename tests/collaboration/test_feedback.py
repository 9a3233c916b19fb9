"""Sales feedback with minimum disruption: the one-minute form, digests with themes, answers."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.collaboration import services
from hamsu.collaboration.clustering import cluster_texts, normalise
from hamsu.collaboration.models import FeedbackNote, FeedbackTheme, ThemeStatus
from hamsu.core.errors import NotFound, ValidationFailed
from hamsu.core.models import Notification
from hamsu.crm import services as crm
from hamsu.crm.models import ActivityKind

PRICE = [
    "The price is too high compared to the competitor",
    "Customer said our price is too high for their budget",
    "Price too high, competitor offered a discount",
    "قیمت ما خیلی بالاست و رقیب تخفیف داد",
    "قيمت بالاتر از رقيب است",  # Arabic yeh and kaf variants
    "مشتری گفت قیمت برای بودجه‌شان بالاست",
]
PERSIAN_REPORTS = [
    "گزارش‌ها تاریخ شمسی ندارند",
    "گزارش ها تاریخ شمسی ندارند و مشتری ناراضی است",
    "نیاز به گزارش با تاریخ شمسی دارند",
    "Reports need the Jalali (Persian) calendar dates",
    "They need Jalali dates in the reports",
    "No Jalali calendar in reports, blocker for ministry",
]
LEADS = [
    "Webinar leads were students, not buyers",
    "Leads from the webinar had no budget at all",
    "The webinar leads were not qualified, no budget",
    "سرنخ‌های وبینار بودجه نداشتند",
    "سرنخ های وبینار دانشجو بودند نه خریدار",
    "Another webinar lead with no budget or authority",
]


def test_normalise_folds_arabic_letters_digits_and_zwnj():
    typed = normalise("قيمت كالا ۱۲۳ سرنخ\u200cها")
    assert typed == normalise("قیمت کالا 123 سرنخ ها") == "قیمت کالا 123 سرنخ ها"


def test_clustering_finds_the_real_themes_in_both_languages():
    # Character n-grams share nothing across scripts, so each theme appears once per language:
    # three topics × two languages (the empty text joins no theme).
    texts = PRICE + PERSIAN_REPORTS + LEADS + [""]
    themes = cluster_texts(texts, n_themes=6, seed=0)
    groups = sorted(sorted(t.members) for t in themes)
    assert groups == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11], [12, 13, 14, 17], [15, 16]]
    for theme in themes:
        assert theme.top_terms
        assert theme.label
        assert set(theme.examples) <= set(theme.members)
    labels = " ".join(t.label for t in themes)
    assert "webinar" in labels or "وبینار" in labels


@pytest.mark.django_db
def test_the_one_minute_form_saves_a_note_and_refuses_an_empty_one(client, rep, make_opportunity):
    deal = make_opportunity(rep)
    client.force_login(rep.user)
    empty = client.post("/together/feedback/new/", {"outcome": "open"})
    assert empty.status_code == 200
    assert 'data-field-error="customer_need"' in empty.content.decode()
    response = client.post(
        "/together/feedback/new/",
        {
            "opportunity": f"{deal.name} [#{deal.pk}]",
            "customer_need": "Jalali reports",
            "competitor": "Acme",
            "outcome": "lost",
            "outcome_reason": "price",
            "log_call_report": "on",
        },
    )
    assert response.status_code == 302
    note = FeedbackNote.objects.get()
    assert note.account == deal.account
    assert note.author == rep
    assert note.team == rep.team
    assert note.activity.kind == ActivityKind.CALL_REPORT
    assert note.activity.opportunity == deal


@pytest.mark.django_db
def test_feedback_on_someone_elses_deal_is_refused(rep, other_rep, make_opportunity, settings):
    from hamsu.core.models import CompanySettings, Visibility

    CompanySettings.objects.update_or_create(pk=1, defaults={"visibility": Visibility.OWN})
    deal = make_opportunity(other_rep)
    with pytest.raises(NotFound):
        services.feedback_create(actor=rep.user, opportunity=deal, customer_need="x")
    assert not FeedbackNote.objects.exists()


@pytest.mark.django_db
def test_a_digest_groups_notes_and_call_reports_and_answers_reach_the_sellers(
    rep, other_rep, marketer, make_account
):
    account = make_account(rep)
    for text in PRICE:
        services.feedback_create(actor=rep.user, customer_need=text)
    for text in PERSIAN_REPORTS:
        services.feedback_create(actor=other_rep.user, product_gap=text)
    for text in LEADS[:5]:
        services.feedback_create(actor=rep.user, customer_need=text, lead_quality_complaint=True)
    # A call report logged in the CRM is read too.
    crm.activity_create(
        actor=rep.user,
        owner=rep,
        kind=ActivityKind.CALL_REPORT,
        subject="Call",
        body=LEADS[5],
        account=account,
    )
    today = timezone.localdate()
    digest = services.feedback_digest_build(
        actor=marketer.user, period_start=today - datetime.timedelta(days=30), period_end=today, n_themes=6
    )
    assert digest.note_count == 18
    themes = list(digest.themes.order_by("id"))
    assert sorted(t.size for t in themes) == [2, 3, 3, 3, 3, 4]
    assert Notification.objects.filter(recipient=marketer, kind="digest").exists()

    reports = next(t for t in themes if t.notes.filter(author=other_rep).count() == 3)
    services.feedback_theme_act(
        theme=reports, actor=marketer.user, status=ThemeStatus.ACTED, action_taken="Jalali dates ship in v2.3"
    )
    told = Notification.objects.filter(kind="feedback_outcome")
    assert list(told.values_list("recipient_id", flat=True)) == [other_rep.pk]
    with pytest.raises(ValidationFailed) as error:
        services.feedback_theme_act(
            theme=reports, actor=marketer.user, status=ThemeStatus.NEW, action_taken=""
        )
    assert set(error.value.errors) == {"status", "action_taken"}


@pytest.mark.django_db
def test_the_seller_sees_what_became_of_their_feedback(client, rep, marketer):
    note = services.feedback_create(actor=rep.user, customer_need="Needs an offline mobile app")
    digest = services.feedback_digest_build(
        actor=marketer.user, period_start=timezone.localdate(), period_end=timezone.localdate()
    )
    theme = digest.themes.get()
    assert list(theme.notes.all()) == [note]
    services.feedback_theme_act(
        theme=theme, actor=marketer.user, status="declined", action_taken="Not this year"
    )
    client.force_login(marketer.user)
    services.feedback_create(actor=rep.user, competitor="Acme", outcome_reason="price")
    assert "Acme (1)" in client.get(f"/together/feedback/digests/{digest.pk}/").content.decode()
    client.force_login(rep.user)
    page = client.get("/together/feedback/mine/").content.decode()
    assert "Not this year" in page
    api = client.get("/api/v1/together/feedback/mine").json()
    answered = next(n for n in api if n["id"] == note.pk)
    assert answered["themes"][0]["action_taken"] == "Not this year"


@pytest.mark.django_db
def test_the_api_twins_for_feedback_and_digests(client, rep, marketer):
    client.force_login(rep.user)
    created = client.post(
        "/api/v1/together/feedback",
        {"customer_need": "Needs SSO", "competitor": "Acme"},
        content_type="application/json",
    )
    assert created.status_code == 201
    empty = client.post("/api/v1/together/feedback", {}, content_type="application/json")
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "customer_need"
    assert (
        client.post(
            "/api/v1/together/digests",
            {"period_start": "2026-01-01", "period_end": "2026-12-31"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert [n["customer_need"] for n in client.get("/api/v1/together/feedback").json()] == ["Needs SSO"]
    client.force_login(marketer.user)
    today = timezone.localdate().isoformat()
    digest = client.post(
        "/api/v1/together/digests",
        {"period_start": today, "period_end": today},
        content_type="application/json",
    )
    assert digest.status_code == 201
    assert digest.json()["note_count"] == 1
    theme_id = digest.json()["themes"][0]["id"]
    acted = client.post(
        f"/api/v1/together/themes/{theme_id}/act",
        {"status": "acted", "action_taken": "SSO on roadmap"},
        content_type="application/json",
    )
    assert acted.json()["status"] == "acted"
    backwards = client.post(
        "/api/v1/together/digests",
        {"period_start": today, "period_end": "2000-01-01"},
        content_type="application/json",
    )
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "period_end"
    assert FeedbackTheme.objects.count() == 1


@pytest.mark.django_db
def test_the_digest_command_builds_last_month(rep, capsys):
    from django.core.management import call_command

    from hamsu.collaboration.management.commands.feedback_digest import last_full_period

    assert last_full_period(datetime.date(2026, 3, 15), "month") == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 2, 28),
    )
    assert last_full_period(datetime.date(2026, 5, 2), "quarter") == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    assert last_full_period(datetime.date(2026, 1, 2), "quarter") == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 12, 31),
    )
    note = services.feedback_create(actor=rep.user, customer_need="Price")
    FeedbackNote.objects.filter(pk=note.pk).update(
        created_at=datetime.datetime(2026, 2, 10, tzinfo=datetime.UTC)
    )
    call_command("feedback_digest", "--start", "2026-02-01", "--end", "2026-02-28")
    assert "1 notes, 1 themes" in capsys.readouterr().out
