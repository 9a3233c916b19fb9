"""The million-row path: contacts in chunks, the fast CSV reader, column-wise checks.

Chunks are shrunk to a few rows here so every rule is exercised across chunk boundaries:
what a user sees (counts, report lines, stored records) must not depend on where a chunk
happens to end.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamsu.crm.models import Account, Contact
from hamsu.dataio import engine, services
from hamsu.dataio.checks import FieldCheck
from hamsu.dataio.keyed import RowMemo
from hamsu.dataio.models import ImportIssue, ImportStatus
from hamsu.dataio.readers import ImportFileError, open_table

pytestmark = pytest.mark.django_db


def run(path, mapping=None, *, dry_run=False, strict=False):
    job = services.import_job_create(actor=None, kind="contacts", path=path, mapping=mapping, via="cli")
    return services.import_job_execute(job_id=job.pk, dry_run=dry_run, strict=strict)


def issues(job, kind):
    return [
        (i.row, i.column, i.message)
        for i in ImportIssue.objects.filter(job=job, kind=kind).order_by("row", "id")
    ]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 3)


def contacts_csv(rows: list[tuple]) -> str:
    return "external_id,first_name,last_name,email,phone\n" + "".join(",".join(r) + "\n" for r in rows)


ROWS = [
    ("X1", "Sara", "Ahmadi", "sara@example.com", ""),
    ("X2", "Omid", "Karimi", "omid@example.com", ""),
    ("X3", "Lina", "Moradi", "bad-address", ""),  # error
    ("X4", "Reza", "Rezaei", "reza@example.com", ""),
    ("X5", "Sara", "Again", "SARA@example.com", ""),  # same e-mail as row 2 (next chunk)
    ("X2", "Omid", "Twice", "other@example.com", ""),  # same external id as row 3
    ("X7", "Mina", "", "mina@example.com", ""),  # error
    ("X8", "Kian", "Novak", "kian@example.com", "+98 21 1"),
]


def test_duplicates_errors_and_counts_do_not_depend_on_chunk_size(write, monkeypatch):
    results = []
    for size in (2, 3, 5000):
        monkeypatch.setattr(engine, "CHUNK", size)
        Contact.objects.all().delete()
        job = run(write("c.csv", contacts_csv(ROWS)))
        results.append(
            (
                (job.total_rows, job.created_count, job.duplicate_count, job.error_count),
                issues(job, "error"),
                issues(job, "duplicate"),
                sorted(Contact.objects.values_list("external_id", "last_name", "email")),
            )
        )
    assert results[0] == results[1] == results[2]
    counts, errors, duplicates, stored = results[0]
    assert counts == (8, 4, 2, 2)
    assert errors == [
        (4, "email", "Enter a valid email address."),
        (8, "last_name", "This field cannot be blank."),
    ]
    assert duplicates == [
        (6, "email", "Same e-mail as row 2: imported once, from row 2."),
        (7, "external_id", "Same external id as row 3: imported once, from row 3."),
    ]
    assert stored == [
        ("X1", "Ahmadi", "sara@example.com"),
        ("X2", "Karimi", "omid@example.com"),
        ("X4", "Rezaei", "reza@example.com"),
        ("X8", "Novak", "kian@example.com"),
    ]


def test_reimport_in_chunks_is_idempotent_and_merges(write, small_chunks):
    path = write("c.csv", contacts_csv(ROWS))
    run(path)
    again = run(path)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 4)
    # Each record is matched once; the rows repeating it stay repeats.
    assert again.duplicate_count == 6
    assert Contact.objects.count() == 4
    changed = write("d.csv", contacts_csv([("X8", "", "Novak", "", "+98 21 2"), ("X1", "", "", "", "")]))
    merged = run(changed)
    assert (merged.updated_count, merged.unchanged_count, merged.error_count) == (1, 0, 1)
    kian = Contact.objects.get(external_id="X8")
    assert kian.phone == "+98 21 2" and kian.email == "kian@example.com"  # empty cells never blank
    assert issues(merged, "duplicate") == [
        (2, "", f"Matches contact #{kian.pk} by external id; will update: phone.")
    ]


def test_a_merge_that_gives_a_record_its_external_id_is_found_by_it_later(write, small_chunks):
    existing = Contact.objects.create(last_name="Old", email="old@example.com")
    text = contacts_csv(
        [
            ("N1", "", "Old", "old@example.com", ""),  # matched by e-mail, gets external id N1
            ("N1", "", "Old", "new@example.com", ""),  # same chunk: same record, by N1
            ("Z", "", "Filler", "z@example.com", ""),
            ("N1", "", "Old", "newer@example.com", ""),  # a later chunk: same record again
        ]
    )
    job = run(write("c.csv", text))
    assert (job.created_count, job.updated_count, job.duplicate_count) == (1, 1, 3)
    assert [row for row, _c, _m in issues(job, "duplicate")] == [2, 3, 5]
    existing.refresh_from_db()
    assert existing.external_id == "N1"
    assert Contact.objects.filter(external_id="N1").count() == 1


def test_a_failure_in_a_later_chunk_leaves_nothing_written(write, small_chunks):
    good = "".join(f"G{i},,Name{i},g{i}@example.com,\n" for i in range(10))
    text = "external_id,first_name,last_name,email,phone\n" + good + 'B1,,"unterminated,b@example.com,\n'
    job = run(write("c.csv", text))
    assert job.status == ImportStatus.FAILED
    assert "is not valid CSV" in job.message
    assert Contact.objects.count() == 0
    assert issues(job, "error")[0][0] == 12  # the line the broken value starts on


def test_strict_mode_rolls_back_every_chunk(write, small_chunks):
    job = run(write("c.csv", contacts_csv(ROWS)), strict=True)
    assert job.status == ImportStatus.FAILED
    assert Contact.objects.count() == 0


def test_dry_run_in_chunks_predicts_the_commit(write, small_chunks):
    path = write("c.csv", contacts_csv(ROWS))
    dry = run(path, dry_run=True)
    assert Contact.objects.count() == 0
    real = run(path)
    assert (dry.created_count, dry.duplicate_count, dry.error_count) == (
        real.created_count,
        real.duplicate_count,
        real.error_count,
    )


def test_key_lookups_are_per_chunk_not_per_row(write, monkeypatch):
    """De-duplication asks the database once per key and chunk (through the indexes),
    never once per row, and never loads every contact into memory."""
    monkeypatch.setattr(engine, "CHUNK", 50)
    rows = [(f"Q{i}", "", f"N{i}", f"q{i}@example.com", "") for i in range(200)]
    path = write("c.csv", contacts_csv(rows))
    run(path)
    with CaptureQueriesContext(connection) as queries:
        job = run(path)
    assert job.unchanged_count == 200
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "crm_contact"' in q["sql"]]
    lookups = [sql for sql in reads if 'WHERE "external_id"' in sql or 'WHERE "email"' in sql]
    assert len(lookups) <= 2 * 4  # external ids and e-mails, for each of the 4 chunks
    assert [sql for sql in reads if sql not in lookups and "max(" not in sql.lower()] == []  # id allocation


def test_value_aliases_and_defaults_apply_to_contacts(write):
    text = "last_name,country,title\nAhmadi,Iran,\nKarimi,,CFO\n"
    mapping = {
        "columns": {"last_name": "last_name", "country": "country", "title": "title"},
        "values": {"country": {"iran": "ir"}},
        "defaults": {"country": "de", "title": "Buyer"},
    }
    job = run(write("c.csv", text), mapping)
    assert job.created_count == 2, issues(job, "error")
    assert sorted(Contact.objects.values_list("last_name", "country", "title")) == [
        ("Ahmadi", "IR", "Buyer"),
        ("Karimi", "DE", "CFO"),
    ]


def test_short_rows_and_xlsx_cells_read_as_text(write, tmp_path):
    job = run(write("c.csv", "external_id,first_name,last_name,email,phone\nS1,Ana,Short\n"))
    assert job.created_count == 1
    assert Contact.objects.get().email == ""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["external_id", "last_name", "phone"])
    book.active.append([42, "Numeric", 982155501234])
    path = tmp_path / "c.xlsx"
    book.save(path)
    job = run(path)
    assert job.created_count == 1, issues(job, "error")
    assert Contact.objects.filter(external_id="42", phone="982155501234").exists()


# ---------------------------------------------------------------- the fast reader


def read_all(table, size=None):
    """Rows as (number, values), or the error the reader raised."""
    try:
        if size is None:
            return list(table.rows())[1:]
        return [
            (n, row) for numbers, rows in table.chunks(size) for n, row in zip(numbers, rows, strict=True)
        ]
    except ImportFileError as error:
        return (error.message, error.line)


@pytest.mark.parametrize(
    "content,encoding",
    [
        ('a,b\n1,2\n\n3,4\r\n, \n5,"x\ny"\n', "utf-8"),
        ("\n\na,b\n1,2\n", "utf-8"),
        ("only\nx\n\ny\n", "utf-8"),
        ('a,b\n1,"2\r3"\n', "utf-8"),  # a lone CR inside a quoted value stays in it
        ("a,b\n1,2\r3\n4,5\n", "utf-8"),  # …and outside quotes it is an error on both paths
        ('a,b\n1,2\n"3,4\n', "utf-8"),  # an unterminated quote
        ("نام,ايميل\nعلي,a@example.com\n", "cp1256"),
        ("a;b\n1;2\n", "utf-16"),
    ],
)
def test_chunks_give_the_same_rows_and_numbers_as_the_careful_reader(write, content, encoding):
    table = open_table(write("t.csv", content.encode(encoding)), encoding=encoding)
    careful = read_all(table)
    assert careful  # every case yields rows or an error
    for size in (1, 2, 1000):
        assert read_all(table, size) == careful


def test_chunks_report_a_broken_file_like_the_careful_reader(write):
    content = ("name,email\n" + "a,a@example.com\n" * 7 + "علي,b@example.com\n").encode("cp1256")
    table = open_table(write("fa.csv", content), encoding="utf-8")
    with pytest.raises(ImportFileError) as error:
        for _chunk in table.chunks(3):
            pass
    assert "not valid utf-8: line 9" in error.value.message
    assert error.value.line == 9


# ---------------------------------------------------------------- checks


@pytest.mark.parametrize("name", ["email", "last_name", "country", "phone", "first_name"])
def test_column_checks_agree_with_value_checks(name):
    field = Contact._meta.get_field(name)
    check = FieldCheck(field)
    values = [
        "",
        "a@example.com",
        "A@Example.com",
        "not-an-email",
        "x" * 101,
        "IR",
        "IRN",
        "nul\x00char",
        "user@bücher.example",
        "+98 21 1234",
        "x" * 300 + "@example.com",
    ]
    expected = {i: check(v)[1] for i, v in enumerate(values) if check(v)[1]}
    assert check.column(values) == expected
    assert check.column([v for i, v in enumerate(values) if i not in expected]) == {}


def test_row_memo_keeps_ids_beyond_its_array():
    memo = RowMemo()
    memo[3] = 7
    memo[RowMemo.LIMIT + 5] = 9
    memo.update({10: 2, 11: 3, RowMemo.LIMIT + 6: 4})
    assert [memo.get(k) for k in (3, 4, 10, 11, RowMemo.LIMIT + 5, RowMemo.LIMIT + 6)] == [
        7,
        None,
        2,
        3,
        9,
        4,
    ]


def test_accounts_named_by_contacts_are_created_once_across_chunks(write, small_chunks, rep):
    text = (
        "external_id,last_name,email,account,owner\n"
        f"A1,One,a1@example.com,Acme,{rep.email}\n"
        "A2,Two,a2@example.com,Acme,\n"
        "A3,Three,a3@example.com,Globex,\n"
        "A4,Four,a4@example.com,acme,\n"  # next chunk, other case: the same account
        "A1,Again,a1@example.com,Initech,\n"  # a repeat: its new company is not created
        "A6,Six,a6@example.com,,\n"
    )
    job = run(write("c.csv", text))
    assert (job.created_count, job.duplicate_count, job.error_count) == (5, 1, 0)
    assert job.summary["also_created"] == {"accounts": 2}
    assert sorted(Account.objects.values_list("name", flat=True)) == ["Acme", "Globex"]
    acme = Account.objects.get(name="Acme")
    assert acme.owner == rep and acme.team == rep.team  # from the first row that named it
    assert Contact.objects.filter(account=acme).count() == 3
    assert Contact.objects.get(external_id="A6").account is None


def test_contacts_naming_unknown_accounts_are_refused_when_creation_is_off(write, small_chunks):
    text = "last_name,account\nOne,Nowhere\nTwo,\n"
    job = run(
        write("c.csv", text),
        {
            "columns": {"last_name": "last_name", "account": "account"},
            "options": {"create_missing_accounts": False},
        },
    )
    assert (job.created_count, job.error_count) == (1, 1)
    assert issues(job, "error") == [(2, "account", "No account “Nowhere”.")]
    assert Account.objects.count() == 0


def test_new_account_rows_cover_every_account_column():
    from hamsu.dataio.importers_contacts import ACCOUNT_COLUMNS

    # All but the version, which a new row takes from the column's database default (1).
    assert sorted(ACCOUNT_COLUMNS) == sorted(
        f.column for f in Account._meta.concrete_fields if f.name != "version"
    )


def test_key_lookup_finds_rows_and_leaves_the_planner_settings_as_they_were():
    from django.db import transaction

    from hamsu.dataio.bulk import rows_with_keys

    with transaction.atomic():
        a = Contact.objects.create(last_name="A", email="a@example.com", external_id="K1")
        b = Contact.objects.create(last_name="B", email="a@example.com", external_id="K2")
        found = rows_with_keys("crm_contact", ["id", "email"], "email", ["a@example.com", "none@example.com"])
        assert found == [(a.pk, "a@example.com"), (b.pk, "a@example.com")]  # oldest first
        assert rows_with_keys("crm_contact", ["id"], "external_id", []) == []
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('enable_seqscan')")
                assert cursor.fetchone()[0] == "on"
