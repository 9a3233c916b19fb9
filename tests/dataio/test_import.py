"""Importing accounts, contacts, people, opportunities and activities from files."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import openpyxl
import pytest

from hamsu.core.errors import ValidationFailed
from hamsu.core.models import AuditEntry
from hamsu.crm.models import Account, Activity, Contact, Opportunity, StageEvent
from hamsu.dataio import services
from hamsu.dataio.models import ImportIssue, ImportStatus
from hamsu.directory.models import Person

pytestmark = pytest.mark.django_db


def run(path, kind, mapping=None, *, dry_run=False, actor=None, strict=False, encoding=""):
    job = services.import_job_create(
        actor=actor, kind=kind, path=path, mapping=mapping, encoding=encoding, via="cli"
    )
    return services.import_job_execute(job_id=job.pk, dry_run=dry_run, strict=strict)


def issues(job, kind="error"):
    return [
        (i.row, i.column, i.message)
        for i in ImportIssue.objects.filter(job=job, kind=kind).order_by("row", "id")
    ]


HUBSPOT = (
    "Record ID,First Name,Last Name,Email,Company Name,Job Title\n"
    "101,Sara,Ahmadi,Sara@Example.com,Acme,CTO\n"
    "102,Omid,Karimi,omid@example.com,Acme,\n"
    "103,Bad,Mail,not-an-email,Acme,\n"
    "104,No,,nolast@example.com,Beta,\n"
    "105,Sara,Again,sara@example.com,Acme,\n"
)


def test_hubspot_export_maps_itself_and_reports_errors_and_duplicates(write, admin):
    job = run(write("hubspot.csv", HUBSPOT), "contacts", actor=admin.user)
    assert job.mapping["preset"] == "hubspot-contacts"
    assert job.status == ImportStatus.DONE
    assert (job.total_rows, job.created_count, job.error_count, job.duplicate_count) == (5, 2, 2, 1)
    assert issues(job) == [
        (4, "Email", "Enter a valid email address."),
        (5, "Last Name", "This field cannot be blank."),
    ]
    assert issues(job, "duplicate") == [(6, "Email", "Same e-mail as row 2: imported once, from row 2.")]
    sara = Contact.objects.get(external_id="101")
    assert sara.email == "sara@example.com"
    assert sara.account.name == "Acme"
    assert sara.title == "CTO"
    assert Account.objects.filter(name="Acme").count() == 1  # created once, shared
    assert "Beta" not in set(Account.objects.values_list("name", flat=True))  # the bad row created nothing
    # One audit entry for the whole import, not one per row.
    entry = AuditEntry.objects.get(object_type="dataio.importjob", object_id=str(job.pk), via="import")
    assert entry.changes["created"] == 2
    assert entry.actor == admin.user


def test_salesforce_headers_map_themselves(write):
    text = "Id,FirstName,LastName,Email,Account Name\n003A,Lina,Moradi,lina@example.com,Globex\n"
    job = run(write("sf.csv", text), "contacts")
    assert job.mapping["preset"] == "salesforce-contacts"
    assert job.created_count == 1
    assert Contact.objects.get(external_id="003A").account.name == "Globex"


def test_dry_run_writes_nothing_and_predicts_the_commit(write):
    path = write("hubspot.csv", HUBSPOT)
    dry = run(path, "contacts", dry_run=True)
    assert dry.status == ImportStatus.CHECKED
    assert dry.created_count == 2
    assert dry.summary["also_created"] == {"accounts": 1}
    assert Contact.objects.count() == 0
    assert Account.objects.count() == 0
    real = run(path, "contacts")
    assert (real.created_count, real.error_count) == (dry.created_count, dry.error_count)


def test_reimporting_the_same_file_is_idempotent_and_merges_changes(write):
    path = write("hubspot.csv", HUBSPOT)
    run(path, "contacts")
    again = run(path, "contacts")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert Contact.objects.count() == 2
    changed = write(
        "changed.csv", "Record ID,First Name,Last Name,Email,Job Title\n102,Omid,Karimi,,Head of IT\n"
    )
    merged = run(changed, "contacts")
    assert merged.updated_count == 1
    assert issues(merged, "duplicate") == [
        (
            2,
            "",
            f"Matches contact #{Contact.objects.get(external_id='102').pk} by external id; will update: title.",
        )
    ]
    omid = Contact.objects.get(external_id="102")
    assert (
        omid.title == "Head of IT" and omid.email == "omid@example.com"
    )  # an empty cell never blanks a value


def test_contacts_match_existing_records_by_email(write, rep, make_account):
    account = make_account(rep)
    existing = Contact.objects.create(last_name="Old", email="known@example.com", account=account)
    job = run(write("c.csv", "email,last_name,phone\nKNOWN@example.com,Old,+98 21 1234\n"), "contacts")
    assert job.created_count == 0
    assert job.updated_count == 1
    existing.refresh_from_db()
    assert existing.phone == "+98 21 1234"


def test_a_file_error_halfway_leaves_nothing_written(write):
    rows = "".join(f"n{i},x{i}@example.com\n" for i in range(50))
    path = write(
        "broken.csv", "last_name,email\n" + rows + '"unterminated,z@example.com\nlast,y@example.com\n'
    )
    job = run(path, "contacts")
    assert job.status == ImportStatus.FAILED
    assert "is not valid CSV" in job.message
    assert Contact.objects.count() == 0
    assert issues(job)[0][0] == 52


def test_strict_mode_imports_nothing_when_a_row_is_bad(write):
    job = run(write("hubspot.csv", HUBSPOT), "contacts", strict=True)
    assert job.status == ImportStatus.FAILED
    assert "nothing was imported" in job.message
    assert Contact.objects.count() == 0
    assert Account.objects.count() == 0


def test_mapping_errors_name_the_field(write):
    path = write("c.csv", "email\na@example.com\n")
    with pytest.raises(ValidationFailed) as error:
        services.import_job_create(
            actor=None, kind="contacts", path=path, mapping={"columns": {"last_name": "Surname"}}
        )
    assert "last_name" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        services.import_job_create(
            actor=None, kind="contacts", path=path, mapping={"columns": {"shoe_size": "email"}}
        )
    assert "shoe_size" in error.value.errors


def test_persian_digits_and_jalali_dates(write):
    text = "نام,کارمندان,درآمد,تاریخ\nشرکت آلفا,۱۲۵,۳٫۵,۱۴۰۲/۰۱/۱۵\nشرکت بتا,١٬٢٠٠,٠,2023-04-04\n"
    mapping = {
        "columns": {"name": "نام", "employees": "کارمندان", "annual_revenue": "درآمد", "created_at": "تاریخ"}
    }
    job = run(write("fa.csv", text), "accounts", mapping)
    assert job.created_count == 2, issues(job)
    alpha = Account.objects.get(name="شرکت آلفا")
    assert alpha.employees == 125
    assert alpha.annual_revenue == Decimal("3.50")
    assert alpha.size_band == "medium"
    assert alpha.created_at.date() == datetime.date(2023, 4, 4)  # 1402/01/15 in the Jalali calendar
    assert Account.objects.get(name="شرکت بتا").employees == 1200


def test_windows_1256_file_imports_with_persian_letters(write):
    # Excel on Windows writes Arabic yeh/kaf (ي ك); the import stores the Persian ones.
    text = "نام,کشور\nشرکت کیان,IR\n".replace("ی", "ي").replace("ک", "ك")
    job = run(
        write("fa.csv", text.encode("cp1256")), "accounts", {"columns": {"name": "نام", "country": "کشور"}}
    )
    assert job.encoding == "cp1256"
    assert job.created_count == 1
    assert Account.objects.get().name == "شرکت کیان"


def test_bad_numbers_and_dates_are_reported_per_cell(write):
    text = "name,employees,created\nA,many,2023-01-01\nB,12,31/31/2023\nC,-4,\n"
    job = run(
        write("a.csv", text),
        "accounts",
        {"columns": {"name": "name", "employees": "employees", "created_at": "created"}},
    )
    assert job.created_count == 0
    messages = issues(job)
    assert messages[0] == (2, "employees", "“many” is not a whole number.")
    assert messages[1][:2] == (3, "created")
    assert "is not a date" in messages[1][2]
    assert messages[2][:2] == (4, "employees")
    assert "greater than or equal to 0" in messages[2][2]


def test_xlsx_accounts_and_parent_links(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Website", "Parent"])
    sheet.append(["Holding", "https://www.Holding.example/about", None])
    sheet.append(["Daughter", "daughter.example", "Holding"])
    path = tmp_path / "accounts.xlsx"
    book.save(path)
    job = run(path, "accounts", {"columns": {"name": "Name", "domain": "Website", "parent": "Parent"}})
    assert job.created_count == 2
    holding = Account.objects.get(name="Holding")
    assert holding.domain == "holding.example"
    assert Account.objects.get(name="Daughter").parent == holding
    # Accounts are matched by domain as well as by name.
    again = run(path, "accounts", {"columns": {"name": "Name", "domain": "Website", "parent": "Parent"}})
    assert again.created_count == 0
    assert again.unchanged_count == 2


def test_people_with_teams_and_managers(write):
    text = "name,email,team,manager\nRana Rep,rana@example.com,Tehran,Mehdi Manager\nSina Rep,sina@example.com,Tehran,Mehdi Manager\n"
    mapping = {
        "columns": {"full_name": "name", "email": "email", "team": "team", "manager": "manager"},
        "options": {"create_missing_managers": True},
    }
    job = run(write("p.csv", text), "people", mapping)
    assert job.created_count == 2
    assert job.summary["also_created"] == {"teams": 1, "people": 1}
    rana = Person.objects.get(email="rana@example.com")
    assert rana.team.name == "Tehran"
    assert rana.manager.full_name == "Mehdi Manager"


def test_opportunities_with_stage_history_write_historical_stage_events(write, rep, catalogue, make_account):
    account = make_account(rep, name="Acme")
    text = (
        "id,deal,account,owner,stage,amount,engaged,closed\n"
        f"D1,Big deal,Acme,{rep.email},Won,1200,2024-01-10,2024-03-01\n"
        f"D2,Open deal,Acme,{rep.email},Engaging,,2024-02-01,\n"
        f"D3,Orphan,,{rep.email},Prospecting,50,,\n"
        f"D4,Lost one,Acme,{rep.email},Lost,0,2024-01-05,2024-02-02\n"
        f"D5,Nobody,Acme,ghost@example.com,Won,1,,\n"
    )
    mapping = {
        "columns": {
            "external_id": "id",
            "name": "deal",
            "account": "account",
            "owner": "owner",
            "stage": "stage",
            "amount": "amount",
            "closed_at": "closed",
        },
        "values": {"stage": {"Engaging": "qualifying"}},
        "stage_history": {"qualifying": "engaged", "won": "closed", "lost": "closed"},
        "defaults": {"amount": "0"},
    }
    job = run(write("o.csv", text), "opportunities", mapping)
    assert job.created_count == 4
    assert issues(job) == [(6, "owner", "No person “ghost@example.com” in the directory.")]
    won = Opportunity.objects.get(external_id="D1")
    utc = datetime.UTC
    assert won.account == account
    assert won.stage == "won"
    assert won.amount == Decimal("1200.00")
    assert won.created_at == datetime.datetime(2024, 1, 10, tzinfo=utc)
    assert won.closed_at == datetime.datetime(2024, 3, 1, tzinfo=utc)
    assert list(won.stage_events.order_by("at").values_list("from_stage", "to_stage", "at")) == [
        ("", "qualifying", datetime.datetime(2024, 1, 10, tzinfo=utc)),
        ("qualifying", "won", datetime.datetime(2024, 3, 1, tzinfo=utc)),
    ]
    assert won.participants.get().person == rep
    assert won.team == rep.team
    assert Opportunity.objects.get(external_id="D4").lost_reason  # a lost deal always says why
    orphan = Opportunity.objects.get(external_id="D3")
    assert orphan.account.name == "Unknown account"  # never dropped
    assert tuple(orphan.stage_events.values_list("from_stage", "to_stage").get()) == ("", "prospecting")
    assert StageEvent.objects.filter(opportunity__external_id__in=["D1", "D2", "D3", "D4"]).count() == 6


def test_activities_link_to_contacts_and_deals_and_reimport_once(write, rep, make_opportunity):
    deal = make_opportunity(rep, external_id="OPP-1")
    Contact.objects.create(last_name="Client", email="client@example.com", account=deal.account)
    text = (
        "ref,type,subject,when,contact,deal,owner\n"
        f"A1,call,Discovery call,2024-05-01 10:00,client@example.com,,{rep.email}\n"
        f"A2,meeting,Demo,2024-05-03 09:30,,OPP-1,{rep.email}\n"
        f"A3,call,Lost in space,2024-05-03 09:30,,,{rep.email}\n"
    )
    mapping = {
        "columns": {
            "external_id": "ref",
            "kind": "type",
            "subject": "subject",
            "occurred_at": "when",
            "contact": "contact",
            "opportunity": "deal",
            "owner": "owner",
        }
    }
    job = run(write("a.csv", text), "activities", mapping)
    assert job.created_count == 2
    assert issues(job) == [(4, "account", "Link the activity to an account, a contact or an opportunity.")]
    demo = Activity.objects.get(subject="Demo")
    assert demo.opportunity == deal
    assert demo.account == deal.account
    assert list(demo.participations.values_list("person", flat=True)) == [rep.pk]
    assert run(write("a.csv", text), "activities", mapping).created_count == 0
    assert Activity.objects.count() == 2


def test_mapping_file_json_can_be_saved_as_preset(admin):
    preset = services.preset_save(
        actor=admin.user, name="Our CRM", kind="contacts", mapping={"columns": {"email": "Mail"}}
    )
    assert preset.mapping == {"columns": {"email": "Mail"}, "kind": "contacts"}
    with pytest.raises(ValidationFailed) as error:
        services.preset_save(actor=admin.user, name="", kind="contacts", mapping={})
    assert "name" in error.value.errors
    json.dumps(preset.mapping)
