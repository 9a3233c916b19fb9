"""The glossary of figures: one definition per figure, linked from the pages, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

import hamsu
from hamsu.core import glossary

ROOT = Path(hamsu.__file__).parent
EXPLAIN = re.compile(r"""\{%\s*explain\s+["']([^"']+)["']\s*%\}""")


def _explained_keys() -> set[str]:
    keys = set()
    for template in ROOT.rglob("templates/**/*.html"):
        keys |= set(EXPLAIN.findall(template.read_text(encoding="utf-8")))
    return keys


def test_every_figure_a_page_explains_has_a_glossary_entry():
    registered = {term.key for term in glossary.all_terms()}
    assert sorted(_explained_keys() - registered) == []


def test_docs_metrics_md_is_the_glossary_as_generated():
    """docs/metrics.md is `hamsu glossary --markdown`; regenerate it when an entry changes."""
    with translation.override("en"):
        expected = glossary.as_markdown()
    assert (ROOT.parents[1] / "docs" / "metrics.md").read_text(encoding="utf-8") == expected


def test_a_term_with_an_unknown_filter_is_refused():
    with pytest.raises(ValueError, match="unknown filters"):
        glossary.Term("x.y", "pipeline", "n", "d", "f", "c", filters=("colour",))


def test_the_explain_link_points_at_the_terms_anchor(db):
    html = Template('{% load hamsu %}{% explain "pipeline.open_amount" %}').render(Context())
    assert 'href="/glossary/#pipeline-open_amount"' in html


def test_the_explain_link_names_the_figure_for_screen_readers(db):
    html = Template('{% load hamsu %}{% explain "pipeline.open_amount" %}').render(Context())
    assert "How is this computed? Open pipeline" in html


def test_an_unknown_key_renders_no_link_instead_of_breaking_the_page(db):
    html = Template('{% load hamsu %}{% explain "nothing.here" %}').render(Context())
    assert html.strip() == ""


def test_the_glossary_page_lists_every_term(client, rep):
    client.force_login(rep.user)
    response = client.get("/glossary/")
    found = set(re.findall(r'data-glossary="([^"]+)"', response.content.decode()))
    assert found == {term.key for term in glossary.all_terms()}


def test_the_glossary_page_speaks_persian(client, rep):
    client.force_login(rep.user)
    response = client.get("/glossary/", HTTP_ACCEPT_LANGUAGE="fa")
    text = response.content.decode()
    assert 'dir="rtl"' in text
    assert "قیف باز" in text


def test_the_api_lists_the_same_terms(client, rep):
    client.force_login(rep.user)
    body = client.get("/api/v1/glossary").json()
    assert [item["key"] for item in body] == [term.key for term in glossary.all_terms()]


def test_the_api_answers_in_persian_when_asked(client, rep):
    client.force_login(rep.user)
    body = client.get("/api/v1/glossary", HTTP_ACCEPT_LANGUAGE="fa").json()
    names = {item["key"]: item["name"] for item in body}
    assert names["pipeline.open_amount"] == "قیف باز"


def test_the_home_page_links_its_figures_to_the_glossary(client, rep):
    client.force_login(rep.user)
    text = client.get("/").content.decode()
    assert 'data-glossary="pipeline.open_amount"' in text


def test_the_persian_glossary_page_shows_no_code_and_no_english(client, rep):
    """Every entry's name, definition, formula and what it counts reads in Persian: a
    formula is written for a reader, never as the code that computes it."""
    from tests.persian_text import latin_words

    client.force_login(rep.user)
    html = client.get("/glossary/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert latin_words(html) == []


def test_the_persian_glossary_api_shows_no_code_and_no_english(client, rep):
    from tests.persian_text import WORD, allowed

    client.force_login(rep.user)
    body = client.get("/api/v1/glossary", HTTP_ACCEPT_LANGUAGE="fa").json()
    words = {
        (item["key"], field): [w for w in WORD.findall(item[field]) if not allowed(w)]
        for item in body
        for field in ("name", "definition", "formula", "counts")
    }
    assert {where: found for where, found in words.items() if found} == {}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_no_two_figures_share_a_name(language):
    """A reader who meets the same name on two pages takes it for the same figure: two
    different figures need names that say how they differ, and one figure needs one entry."""
    names: dict[str, list[str]] = {}
    with translation.override(language):
        for term in glossary.all_terms():
            names.setdefault(str(term.name).strip().casefold(), []).append(term.key)
    shared = {name: keys for name, keys in names.items() if len(keys) > 1}
    assert shared == {}
