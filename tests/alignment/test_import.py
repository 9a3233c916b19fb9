"""Importing answers collected elsewhere: all or nothing, with a row-level report, from
the page, the API and the command line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from hamsu.alignment import services
from hamsu.alignment.models import Response

pytestmark = pytest.mark.django_db

HEADER = "respondent,function," + ",".join(f"s{i}" for i in range(1, 21))


def row(respondent, function, value=3, **overrides):
    ratings = [str(value)] * 20
    for key, v in overrides.items():
        ratings[int(key[1:]) - 1] = str(v)
    return ",".join([respondent, function, *ratings])


def good_csv():
    return "\n".join([HEADER, row("a", "sales", 4), row("b", "Marketing", 2), row("c", "service", 3)]) + "\n"


def test_it_imports_a_clean_file(make_round):
    round_ = make_round()
    report = services.responses_import(round=round_, actor=None, text=good_csv())
    assert report.ok
    assert report.created == 3
    assert sorted(Response.objects.values_list("function", flat=True)) == ["marketing", "sales", "service"]
    # Anonymous round: respondent ids are not stored.
    assert set(Response.objects.values_list("respondent_label", flat=True)) == {""}


def test_a_named_round_keeps_the_respondent_ids(make_round):
    round_ = make_round(anonymous=False)
    services.responses_import(round=round_, actor=None, text=good_csv())
    assert set(Response.objects.values_list("respondent_label", flat=True)) == {"a", "b", "c"}


def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_written(make_round):
    round_ = make_round()
    text = "\n".join(
        [HEADER, row("a", "sales", s3=7), row("b", "finance"), row("c", "sales", s5=""), row("a", "sales")]
    )
    report = services.responses_import(round=round_, actor=None, text=text)
    assert not report.ok
    where = {(e["line"], e["field"]) for e in report.errors}
    assert (2, "s3") in where
    assert (5, "respondent") in where
    assert Response.objects.count() == 0


def test_unknown_function_and_blank_rating_are_reported(make_round):
    round_ = make_round()
    text = "\n".join([HEADER, row("b", "finance"), row("c", "sales", s5="")])
    report = services.responses_import(round=round_, actor=None, text=text)
    assert {(e["line"], e["field"]) for e in report.errors} == {(2, "function"), (3, "s5")}
    assert Response.objects.count() == 0


def test_a_closed_round_refuses_imports(make_round, leader):
    round_ = make_round()
    services.round_close(round=round_, actor=leader.user)
    report = services.responses_import(round=round_, actor=None, text=good_csv())
    assert not report.ok
    assert Response.objects.count() == 0


def test_upload_from_the_page_shows_the_row_errors(leader_client, make_round):
    round_ = make_round()
    url = reverse("alignment:round_import", args=[round_.pk])
    bad = SimpleUploadedFile("r.csv", ("\n".join([HEADER, row("a", "sales", s2=9)])).encode())
    page = leader_client.post(url, {"file": bad})
    assert page.status_code == 200
    assert b"import-errors" in page.content
    assert b"s2" in page.content
    good = SimpleUploadedFile("r.csv", good_csv().encode("utf-8-sig"))
    page = leader_client.post(url, {"file": good})
    assert page.status_code == 302
    assert Response.objects.count() == 3


def test_upload_is_refused_to_a_seller(client, rep, make_round):
    round_ = make_round()
    client.force_login(rep.user)
    page = client.post(
        reverse("alignment:round_import", args=[round_.pk]),
        {"file": SimpleUploadedFile("r.csv", good_csv().encode())},
    )
    assert page.status_code == 403
    assert Response.objects.count() == 0


def test_the_command_imports_and_reports(make_round, tmp_path, capsys):
    round_ = make_round()
    path = tmp_path / "answers.csv"
    path.write_text(good_csv())
    call_command("diagnostic_import", str(round_.pk), str(path))
    assert Response.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([HEADER, row("z", "sales", s1=0)]))
    with pytest.raises(CommandError):
        call_command("diagnostic_import", str(round_.pk), str(bad))
    assert "line 2, s1" in capsys.readouterr().err
    assert Response.objects.count() == 3


def test_an_anonymous_round_collects_by_links_or_by_import_never_both(make_round, invite):
    from hamsu.core.errors import Conflict

    by_links = make_round()
    invite(by_links)
    report = services.responses_import(round=by_links, actor=None, text=good_csv())
    assert not report.ok
    assert report.errors[0]["field"] == "round"
    assert Response.objects.count() == 0
    by_import = make_round()
    services.responses_import(round=by_import, actor=None, text=good_csv())
    with pytest.raises(Conflict):
        invite(by_import)
    named = make_round(anonymous=False)
    invite(named)
    assert services.responses_import(round=named, actor=None, text=good_csv()).ok
