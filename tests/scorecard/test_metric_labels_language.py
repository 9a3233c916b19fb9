"""The metric catalogue is built once per process, so its labels must be translated when
shown, not when built: a page asked for in one language and then in the other shows
each in its own language (issue 16: the Persian scorecard showed "Days in Prospecting"
after an English request had built the catalogue). Both orders are tested, so whichever
language the process first served, the other still reads in its own."""

from __future__ import annotations

import pytest

from hamsu.scorecard import aggregates

PAGE = "/scorecard/metrics/?period=2026-Q1"


def _page(client, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_persian_after_english_shows_the_persian_labels(client, history, head_of_sales):
    aggregates.fill()
    client.force_login(head_of_sales.user)
    _page(client, "en")
    page = _page(client, "fa")
    assert "روز در شناسایی مشتری" in page  # Days in Prospecting
    assert "Days in Prospecting" not in page
    assert "Conversion:" not in page
    assert "نرخ برد" in page  # Win rate


@pytest.mark.django_db
def test_english_after_persian_shows_the_english_labels(client, history, head_of_sales):
    aggregates.fill()
    client.force_login(head_of_sales.user)
    _page(client, "fa")
    page = _page(client, "en")
    assert "Days in Prospecting" in page
    assert "روز در شناسایی مشتری" not in page
    assert "Win rate" in page
