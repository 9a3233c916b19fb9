"""In a real browser: answering on a phone in Persian (save, come back, finish), and the
results page drawing its charts."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hamsu.alignment.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


def test_answer_on_a_phone_in_persian_save_and_come_back(
    browser, live_server, static_files, make_round, invite
):
    round_ = make_round()
    _invitation, token = invite(round_, function="marketing")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "django_language", "value": "fa", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(60_000)
    url = f"{live_server.url}/alignment/r/{token}/"
    page.goto(url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    for i in range(1, 11):
        page.locator(f"label[for=s{i}-4]").tap()
    with page.expect_navigation():
        page.get_by_test_id("save").tap()
    page.goto(url)  # later, same link
    assert page.locator("#s5-4").is_checked()
    for i in range(11, 21):
        page.locator(f"label[for=s{i}-2]").tap()
    page.get_by_test_id("submit").tap()
    page.get_by_test_id("survey-done").wait_for()
    response = Response.objects.get(round=round_)
    assert response.function == "marketing"
    assert response.ratings == [4] * 10 + [2] * 10
    page.goto(url)
    assert page.get_by_test_id("survey-closed").is_visible()


def test_results_page_draws_the_heat_map(
    browser, live_server, static_files, leader, make_round, add_responses
):
    round_ = make_round()
    add_responses(round_, {"sales": [4, 4, 5], "marketing": [2, 2, 1]})
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", leader.user.username)
    page.fill("#id_password", "pw")
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/alignment/rounds/{round_.pk}/")
    page.locator("#heat-chart svg").wait_for()
    page.locator("#gap-chart svg").wait_for()
    assert page.get_by_test_id("relationship").inner_text() == "Aligned"
