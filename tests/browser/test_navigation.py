"""The navigation's menus work from the keyboard alone, in English and in Persian (where
they open from the right), on a laptop and collapsed on a phone (issue 16, item 3); axe
reads the page with a menu open."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


def log_in(page, live_server, user, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/")


def focused(page, script: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_rep_opens_the_sell_menu_and_follows_a_link_by_keyboard(
    page, live_server, static_files, rep, _axe_audit, language
):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, rep.user, language)
    button = page.locator('[aria-controls="nav-menu-sell"]')
    menu = page.locator("#nav-menu-sell")
    page.locator(".navbar-brand").focus()
    page.keyboard.press("Tab")
    assert focused(page, "el.getAttribute('aria-controls')") == "nav-menu-sell"  # Sell comes first
    assert menu.is_hidden()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert menu.is_visible()
    _axe_audit.audit(page)  # the page with the menu open
    page.keyboard.press("Tab")
    assert focused(page, "el.closest('#nav-menu-sell') !== null")
    page.keyboard.press("ArrowDown")
    assert focused(page, "el.getAttribute('href')") == "/crm/opportunities/"
    page.keyboard.press("Escape")
    assert menu.is_hidden()
    assert focused(page, "el.getAttribute('aria-controls')") == "nav-menu-sell"  # focus back on its button
    assert button.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/crm/pipeline/")
    assert page.locator('#nav-menu-sell a[aria-current="page"]').get_attribute("href") == "/crm/pipeline/"


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_menu_opens_under_its_button_on_the_reading_side(page, live_server, static_files, rep, language):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, rep.user, language)
    button = page.locator('[aria-controls="nav-menu-numbers"]')
    button.focus()
    page.keyboard.press("Enter")
    under, menu = button.bounding_box(), page.locator("#nav-menu-numbers").bounding_box()
    assert menu["y"] >= under["y"] + under["height"] - 1  # below its button
    if language == "fa":
        assert abs((menu["x"] + menu["width"]) - (under["x"] + under["width"])) <= 1  # right edges meet
    else:
        assert abs(menu["x"] - under["x"]) <= 1  # left edges meet


def test_another_menu_or_a_click_elsewhere_closes_an_open_one(page, live_server, static_files, rep):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, rep.user, "en")
    page.locator('[aria-controls="nav-menu-sell"]').click()
    page.locator('[aria-controls="nav-menu-together"]').click()
    assert page.locator("#nav-menu-sell").is_hidden()
    page.locator("main").click(position={"x": 5, "y": 5})
    assert page.locator("#nav-menu-together").is_hidden()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_on_a_phone_the_bar_collapses_and_menus_open_in_place(page, live_server, static_files, rep, language):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, rep.user, language)
    assert page.locator('[aria-controls="nav-menu-sell"]').is_hidden()  # collapsed behind the toggler
    page.locator(".navbar-toggler").focus()
    page.keyboard.press("Enter")
    sell = page.locator('[aria-controls="nav-menu-sell"]')
    sell.wait_for(state="visible")
    sell.focus()
    page.keyboard.press("Enter")
    box = page.locator("#nav-menu-sell").bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
