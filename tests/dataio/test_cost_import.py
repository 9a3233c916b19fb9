"""Importing sales and marketing costs (the monthly export from accounting) into the
scorecard, with the same upload → map → dry run → import workflow as the other kinds."""

from __future__ import annotations

import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hamsu.api import services as tokens
from hamsu.core import roles
from hamsu.core.company import company_settings
from hamsu.core.errors import PermissionDenied
from hamsu.core.models import AuditEntry, CurrencyRate
from hamsu.crm.models import Segment
from hamsu.dataio import services
from hamsu.dataio.models import ImportIssue, ImportJob, ImportStatus
from hamsu.scorecard import metrics, selectors
from hamsu.scorecard.models import CostEntry
from hamsu.scorecard.periods import parse_period

pytestmark = pytest.mark.django_db

COSTS = (
    "Month,Function,Category,Amount,Currency,Segment,Note\n"
    "2026-01,marketing,tools,12000,USD,,Analytics suite\n"
    "2026-01,Sales,Salaries and commissions,48000,,,\n"
    "2026-02-17,marketing,market_entry,5000,EUR,healthcare,Trade fair\n"
    "2026-03,بازاریابی,research,۲٬۵۰۰,USD,,Survey\n"
)


@pytest.fixture
def rates(db):
    CurrencyRate.objects.create(currency="EUR", rate_to_base=Decimal("1.10"))
    return Segment.objects.create(name="Healthcare", discovered_on=datetime.date(2025, 6, 1))


def run(path, *, actor=None, dry_run=False, mapping=None):
    job = services.import_job_create(actor=actor, kind="costs", path=path, mapping=mapping, via="cli")
    return services.import_job_execute(job_id=job.pk, dry_run=dry_run)


def issues(job, kind="error"):
    return [
        (i.row, i.column, i.message)
        for i in ImportIssue.objects.filter(job=job, kind=kind).order_by("row", "id")
    ]


def stored():
    return sorted(
        CostEntry.objects.values_list(
            "month", "function", "category", "amount", "currency", "amount_base", "segment__name", "note"
        )
    )


def test_a_file_of_costs_feeds_the_cost_metrics(write, admin, rates):
    job = run(write("costs.csv", COSTS), actor=admin.user)
    assert job.status == ImportStatus.DONE, job.message
    assert (job.total_rows, job.created_count, job.error_count) == (4, 4, 0)
    assert stored() == [
        (datetime.date(2026, 1, 1), "marketing", "tools", Decimal("12000.00"), "USD",
         Decimal("12000.00"), None, "Analytics suite"),
        (datetime.date(2026, 1, 1), "sales", "salaries", Decimal("48000.00"), "USD",
         Decimal("48000.00"), None, ""),
        # A full date means its month; EUR converted with the stored rate, as the service does.
        (datetime.date(2026, 2, 1), "marketing", "market_entry", Decimal("5000.00"), "EUR",
         Decimal("5500.00"), "Healthcare", "Trade fair"),
        # The Persian label and Persian digits with a thousands separator.
        (datetime.date(2026, 3, 1), "marketing", "research", Decimal("2500.00"), "USD",
         Decimal("2500.00"), None, "Survey"),
    ]  # fmt: skip
    assert set(CostEntry.objects.values_list("entered_by", flat=True)) == {admin.user.pk}
    q1 = parse_period("2026-Q1", "gregorian")
    assert selectors.costs(q1, function="marketing") == Decimal("20000.00")
    assert selectors.costs(q1, function="sales") == Decimal("48000.00")
    values = {v["code"]: v for v in metrics.evaluate(selectors.Filters(period=q1), ["market_entry_cost"])}
    assert values["market_entry_cost"]["status"] == "measured"
    assert values["market_entry_cost"]["value"] == Decimal("5500.0000")  # one new segment
    # One audit entry for the job, as for every kind.
    entry = AuditEntry.objects.get(object_type="dataio.importjob", object_id=str(job.pk), via="import")
    assert entry.changes["created"] == 4
    assert entry.changes["kind"] == "costs"


def test_reimporting_changes_nothing_and_a_new_figure_updates_the_entry(write, rates):
    path = write("costs.csv", COSTS)
    run(path)
    before = stored()
    again = run(path)
    assert (again.created_count, again.updated_count, again.unchanged_count, again.duplicate_count) == (
        0,
        0,
        4,
        4,
    )
    assert stored() == before
    assert issues(again, "duplicate")[0] == (
        2,
        "",
        f"Matches cost entry #{CostEntry.objects.order_by('pk').first().pk} by month, function, "
        "category and segment; nothing to change.",
    )
    # Accounting corrected January's tools: the same key updates, nothing is added.
    fixed = run(write("fixed.csv", "month,function,category,amount\n2026-01,marketing,tools,13000\n"))
    assert (fixed.created_count, fixed.updated_count) == (0, 1)
    assert "will update: amount, amount_base" in issues(fixed, "duplicate")[0][2]
    entry = CostEntry.objects.get(month=datetime.date(2026, 1, 1), function="marketing")
    assert (entry.amount_base, entry.note) == (Decimal("13000.00"), "Analytics suite")  # empty note kept
    assert CostEntry.objects.count() == 4


def test_a_repeated_row_is_imported_once(write):
    text = "month,function,amount\n2026-01,sales,100\n2026-01-20,sales,200\n"
    job = run(write("twice.csv", text))
    assert (job.created_count, job.duplicate_count) == (1, 1)
    assert issues(job, "duplicate") == [
        (3, "month", "Same month, function, category and segment as row 2: imported once, from row 2.")
    ]
    assert CostEntry.objects.get().amount == Decimal("100.00")


def test_bad_rows_are_named_by_column_and_write_nothing(write, rates):
    text = (
        "Month,Function,Category,Amount,Currency,Segment\n"
        "2026-01,finance,advertising,100,USD,\n"
        "2026-01,sales,salaries,-5,USD,\n"
        "2026-01,sales,salaries,100,XYZ,\n"
        "2026-01,sales,salaries,100,GBP,\n"
        "January,sales,salaries,100,USD,\n"
        "2026-13,sales,salaries,100,USD,\n"
        "2026-01,marketing,market_entry,100,USD,\n"
        "2026-01,sales,events,100,USD,Atlantis\n"
        "2026-01,marketing,parties,abc,USD,\n"
        "2026-01,marketing,advertising,100,USD,\n"
    )
    job = run(write("bad.csv", text), mapping=None)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.error_count) == (0, 10)
    assert issues(job) == [
        (2, "Function", "Unknown function “finance” (known: sales, marketing); add it to the mapping's values."),
        (3, "Amount", "The amount cannot be negative."),
        (4, "Currency", "Unknown currency XYZ."),
        (5, "Currency", "No exchange rate from GBP to USD is set; add one in Settings."),
        (6, "Month", "“January” is not a month (use YYYY-MM, or any date in the month)."),
        (7, "Month", "A month is between 01 and 12."),
        (8, "Segment", "A new-segment entry cost needs the segment it was spent on."),
        (9, "Segment", "No segment named “Atlantis”."),
        (10, "Category", "Unknown category “parties” (known: salaries, advertising, events, tools, travel, "
         "content, research, market_entry, other); add it to the mapping's values."),
        (10, "Amount", "“abc” is not a number."),
        # Campaign spend is recorded on the campaign, or it would count twice.
        (11, "Category", "Marketing's advertising, events and content are campaign spend: record them on "
         "their campaign (its spend lines), where marketing spend and ROI count them once."),
    ]  # fmt: skip
    assert CostEntry.objects.count() == 0
    assert not Segment.objects.filter(name="Atlantis").exists()


def test_a_missing_required_cell_is_an_error_of_its_column(write):
    job = run(write("gaps.csv", "month,function,amount\n,sales,1\n2026-01,,1\n2026-01,sales,\n"))
    assert issues(job) == [
        (2, "month", "This field is required."),
        (3, "function", "This field is required."),
        (4, "amount", "This field is required."),
    ]
    assert CostEntry.objects.count() == 0


def test_the_dry_run_writes_nothing(write, rates):
    path = write("costs.csv", COSTS)
    dry = run(path, dry_run=True)
    assert dry.status == ImportStatus.CHECKED
    assert (dry.created_count, dry.error_count) == (4, 0)
    assert CostEntry.objects.count() == 0
    assert run(path).created_count == dry.created_count


def test_jalali_months_in_a_jalali_company(write):
    settings_row = company_settings()
    settings_row.fiscal_calendar = "jalali"
    settings_row.save()
    text = "ماه,واحد,مبلغ\n۱۴۰۵-۰۱,فروش,۱۰۰\n۱۴۰۵/۰۲/۱۵,Sales,50\n2026-04-01,sales,7\n"
    mapping = {"columns": {"month": "ماه", "function": "واحد", "amount": "مبلغ"}}
    job = run(write("jalali.csv", text), mapping=mapping)
    assert job.error_count == 0, issues(job)
    # 1 Farvardin 1405 = 2026-03-21; 15 Ordibehesht is in month 2 (from 2026-04-21);
    # 1 April 2026 is 12 Farvardin, so it joins the first row's month (same key: a repeat).
    assert sorted(CostEntry.objects.values_list("month", "amount")) == [
        (datetime.date(2026, 3, 21), Decimal("100.00")),
        (datetime.date(2026, 4, 21), Decimal("50.00")),
    ]
    assert job.duplicate_count == 1


def test_an_excel_file_with_date_cells(tmp_path, rates):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["month", "function", "category", "amount", "currency"])
    sheet.append([datetime.datetime(2026, 5, 31), "sales", "Advertising and media", 1200.5, "EUR"])
    book.save(tmp_path / "costs.xlsx")
    job = run(tmp_path / "costs.xlsx")
    assert job.error_count == 0, issues(job)
    entry = CostEntry.objects.get()
    assert (entry.month, entry.category, entry.amount_base) == (
        datetime.date(2026, 5, 1),
        "advertising",
        Decimal("1320.55"),
    )


# ---------------------------------------------------------------- permission and pages


@pytest.fixture
def sales_manager(make_person, teams):
    # May import CRM records, may not enter costs.
    return make_person("Mo Manager", role=roles.SALES_MANAGER, team=teams["smb"])


def test_importing_costs_needs_the_right_to_enter_costs(write, client, sales_manager, admin):
    user = sales_manager.user
    assert user.has_perm("dataio.add_importjob")
    assert not user.has_perm("scorecard.add_costentry")
    path = write("costs.csv", "month,function,amount\n2026-01,sales,100\n")
    with pytest.raises(PermissionDenied):
        services.import_job_create(actor=user, kind="costs", path=path)
    # A job started by someone else who may (or a right lost since) cannot be run either.
    job = services.import_job_create(actor=admin.user, kind="costs", path=path)
    with pytest.raises(PermissionDenied):
        services.import_job_start(job=job, actor=user, dry_run=False)
    # The page does not offer the kind, and a forged upload is refused.
    client.force_login(user)
    page = client.get("/data/imports/").content.decode()
    assert 'value="contacts"' in page
    assert 'value="costs"' not in page
    response = client.post(
        "/data/imports/",
        {"kind": "costs", "file": SimpleUploadedFile("c.csv", b"month,function,amount\n2026-01,sales,1\n")},
        follow=True,
    )
    assert "Your role does not allow importing this kind of record." in response.content.decode()
    # The API says 403.
    _token, raw = tokens.token_create(user=user, name="t")
    api = client.post(
        "/api/v1/data/imports",
        {"kind": "costs", "file": SimpleUploadedFile("c.csv", b"month,function,amount\n2026-01,sales,1\n")},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert api.status_code == 403
    assert ImportJob.objects.filter(created_by=user).count() == 0
    assert CostEntry.objects.count() == 0


def test_upload_map_dry_run_and_import_costs_in_the_browser(
    client, admin, rates, django_capture_on_commit_callbacks
):
    client.force_login(admin.user)
    page = client.get("/data/imports/").content.decode()
    assert '<option value="costs">Sales and marketing costs</option>' in page
    body = COSTS.encode("utf-8")
    client.post("/data/imports/", {"kind": "costs", "file": SimpleUploadedFile("costs.csv", body)})
    job = ImportJob.objects.get()
    detail = client.get(f"/data/imports/{job.pk}/").content.decode()
    # Headers that name the fields map themselves.
    assert 'name="col_function"' in detail
    assert '<option value="Function" selected>' in detail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/data/imports/{job.pk}/start/", {"mode": "dry_run"})
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert job.created_count == 4
    assert CostEntry.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/data/imports/{job.pk}/start/", {"mode": "commit"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert CostEntry.objects.count() == 4


def test_the_kind_is_offered_in_persian(client, admin):
    client.force_login(admin.user)
    client.cookies["django_language"] = "fa"
    page = client.get("/data/imports/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "هزینه‌های فروش و بازاریابی" in page
