"""Every message an API error carries is translatable (issue 15): the problem's title and
detail and each field error come from gettext, so a Persian client reads Persian. One test
reads the source for any English literal given to an error, so a new one cannot slip in;
the others ask the API in Persian for the answers that were English."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

from hamsu.core import roles

SOURCE = pathlib.Path(__file__).resolve().parents[2] / "src" / "hamsu"
# The exceptions and helpers whose text reaches an API client.
DOMAIN_ERRORS = {"NotFound", "ValidationFailed", "PermissionDenied", "Conflict", "DomainError"}
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "ngettext_lazy"}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
CODE = re.compile(r"[a-z_]+\.[a-z_]+")  # a permission such as directory.add_person, not prose


def _literals(node: ast.AST) -> list[tuple[int, str]]:
    """Text literals under ``node`` that no gettext call wraps (dict keys are field names)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT:
        return []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and not _literals(node.left):
        return []  # a translated message and its parameters (data, not text)
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and LATIN_WORD.search(node.value)
        and not CODE.fullmatch(node.value)
    ):
        return [(node.lineno, node.value)]
    if isinstance(node, ast.JoinedStr):
        return [(node.lineno, ast.unparse(node))]
    if isinstance(node, ast.Dict):
        return [found for value in node.values for found in _literals(value)]
    return [found for child in ast.iter_child_nodes(node) for found in _literals(child)]


def _messages(call: ast.Call) -> list[ast.AST]:
    """The arguments of ``call`` that hold text for the client, if it is an API error."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    keywords = {k.arg: k.value for k in call.keywords}
    if name in DOMAIN_ERRORS or name.endswith("not_found"):
        return [*call.args[:1], *(keywords[k] for k in ("message", "errors") if k in keywords)]
    if name == "problem":  # hamsu.api.errors.problem and the capture endpoint's own
        texts = [a for a in call.args if not isinstance(a, ast.Name)]
        return [*texts, *(keywords[k] for k in ("title", "detail", "errors") if k in keywords)]
    if name == "PydanticCustomError":
        return call.args[1:2]
    return []


def test_no_api_error_carries_an_untranslated_literal():
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts or "analytics" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):  # a problem body written out ({"title": …, "detail": …})
                keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
                if "title" in keys and "detail" in keys:
                    for key, value in zip(keys, node.values, strict=True):
                        if key in ("title", "detail"):
                            found += [
                                f"{path.relative_to(SOURCE)}:{line}: {text}"
                                for line, text in _literals(value)
                            ]
            if isinstance(node, ast.Call):
                for argument in _messages(node):
                    found += [
                        f"{path.relative_to(SOURCE)}:{line}: {text}" for line, text in _literals(argument)
                    ]
    assert found == []


# ---------------------------------------------------------------- in Persian


def texts_of(response) -> list[str]:
    body = response.json()
    return [body["title"], body["detail"], *(error["message"] for error in body["errors"])]


QUOTED_CODE = re.compile(r"'[^']*'")
# Names of formats and standards, written in Latin letters in Persian too.
TECHNICAL = {"JSON", "UTF", "CSRF", "UUID", "ISO"}


def english_words(texts: list[str]) -> list[str]:
    # Ids are digits; a field name is not in these texts; the choices a field accepts are
    # codes, quoted ('prospecting'), not prose.
    return [
        word
        for text in texts
        for word in LATIN_WORD.findall(QUOTED_CODE.sub("", text))
        if word not in TECHNICAL
    ]


@pytest.fixture
def superuser_without_person(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "x")


@pytest.mark.django_db
def test_the_deprecated_funnel_read_says_no_person_in_persian(client, superuser_without_person):
    client.force_login(superuser_without_person)
    response = client.post(
        "/api/v1/funnel/notifications/read",
        {"ids": []},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 404
    assert english_words(texts_of(response)) == []


@pytest.mark.django_db
def test_the_tasks_api_says_no_person_in_persian(client, superuser_without_person, rep):
    from hamsu.funnel.models import FollowUpTask

    task = FollowUpTask.objects.create(assignee=rep, subject="Call back", object_type="lead", object_id=1)
    client.force_login(superuser_without_person)
    response = client.post(f"/api/v1/funnel/tasks/{task.pk}/done", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 404
    assert english_words(texts_of(response)) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/accounts/999999",
        "/api/v1/contacts/999999",
        "/api/v1/opportunities/999999",
        "/api/v1/funnel/leads/999999",
        "/api/v1/people/999999",
    ],
)
def test_a_missing_record_is_a_persian_404(client, make_person, teams, path):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])
    client.force_login(admin.user)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 404
    assert english_words(texts_of(response)) == []


@pytest.mark.django_db
def test_a_crafted_cursor_is_refused_in_persian(client, make_person, teams):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])
    client.force_login(admin.user)
    response = client.get("/api/v1/opportunities?cursor=WyJ4IiwxXQ", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 422
    assert english_words(texts_of(response)) == []


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_persian_404(client, make_person, teams):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])
    client.force_login(admin.user)
    path = "/api/v1/no-such-thing"
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 404
    assert english_words([text.replace(path, "") for text in texts_of(response)]) == []


@pytest.mark.django_db
def test_an_oversized_body_is_refused_in_persian(client, make_person, teams, settings):
    # The payload limit answers before LocaleMiddleware has chosen the language.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])
    client.force_login(admin.user)
    response = client.post(
        "/api/v1/opportunities",
        {"name": "x" * 5000},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 413
    assert english_words(texts_of(response)) == []


# Each field of this body breaks a different rule of the schema (pydantic's error types:
# missing, string_too_long, decimal_parsing, string_pattern_mismatch, date_from_datetime_parsing,
# greater_than_equal, enum, extra_forbidden).
BROKEN_OPPORTUNITY = {
    "name": "x" * 201,
    "amount": "a lot",
    "currency": "dollars",
    "expected_close": "next spring",
    "quantity": 0,
    "stage": "maybe",
    "colour": "blue",
}


@pytest.mark.django_db
def test_field_errors_of_the_schema_are_in_persian(client, make_person, teams):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])
    client.force_login(admin.user)
    response = client.post(
        "/api/v1/opportunities",
        BROKEN_OPPORTUNITY,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 422
    assert english_words(texts_of(response)) == []


@pytest.mark.django_db
def test_every_broken_field_keeps_its_own_error(client, make_person, teams):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])
    client.force_login(admin.user)
    response = client.post(
        "/api/v1/opportunities",
        BROKEN_OPPORTUNITY,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields >= {*BROKEN_OPPORTUNITY, "account_id", "owner_id"}


@pytest.mark.django_db
def test_a_limit_in_a_field_error_is_named_in_persian(client, make_person, teams):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])
    client.force_login(admin.user)
    response = client.post(
        "/api/v1/opportunities",
        BROKEN_OPPORTUNITY,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    messages = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert messages["name"] == "حداکثر ۲۰۰ نویسه."


@pytest.mark.django_db
def test_an_unreadable_body_is_refused_in_persian(client, make_person, teams):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])
    client.force_login(admin.user)
    response = client.post(
        "/api/v1/opportunities", "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="fa"
    )
    assert response.status_code == 400
    assert english_words(texts_of(response)) == []
