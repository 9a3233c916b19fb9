"""The 404, 403 and 500 pages are Hamsu pages: the layout, the visitor's language."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import translation

from hamsu.web.views import server_error


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("en", "Page not found"), ("fa", "صفحه پیدا نشد")])
def test_a_missing_page_is_drawn_in_the_layout_in_the_visitors_language(client, rep, language, heading):
    client.force_login(rep.user)
    client.cookies["django_language"] = language
    response = client.get("/crm/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="navbar' in html  # the layout
    assert heading in html
    assert f'<html lang="{language}"' in html


@pytest.mark.django_db
def test_a_missing_page_in_persian_is_right_to_left_with_persian_digits(client, rep):
    client.force_login(rep.user)
    client.cookies["django_language"] = "fa"
    html = client.get("/crm/no-such-page/").content.decode()
    assert 'dir="rtl"' in html
    assert "۴۰۴" in html


@pytest.mark.django_db
def test_a_page_refused_to_a_role_is_drawn_in_the_layout(client, rep):
    client.force_login(rep.user)
    response = client.get("/settings/")
    assert response.status_code == 403
    assert 'data-testid="error-page"' in response.content.decode()


# No database mark: any query while drawing the 500 page fails the test.
@pytest.mark.parametrize(("language", "heading"), [("en", "Something went wrong"), ("fa", "مشکلی پیش آمد")])
def test_the_server_error_page_needs_neither_the_database_nor_the_request(language, heading):
    request = RequestFactory().get("/crm/")  # no user, no session: what failed may be either
    with translation.override(language):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert 'class="navbar' in html
    assert heading in html
    assert f'<html lang="{language}"' in html


def test_the_server_error_page_offers_no_form_that_needs_a_csrf_token():
    with translation.override("en"):
        html = server_error(RequestFactory().get("/")).content.decode()
    assert "<form" not in html
