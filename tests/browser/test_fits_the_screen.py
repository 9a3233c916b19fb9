"""The pages people open most fit a laptop (1366 × 768) and a phone (390 × 844), in English
and in Persian (issue 16, item 10): the document never scrolls sideways (a wide table or
the pipeline board scrolls inside its own box), and nothing one can click or type into is
cut off, whether by the window, by a box that clips, or inside itself (a stage menu too
narrow for the stage it shows). Screenshots of every page at both sizes are saved for a
reviewer to look at (under the system's temporary folder, never in the repository).

Kept short: one login per role, one browser context per role for both languages, and each
page loaded once per language; the window is resized in place to measure the other size.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from hamsu.crm.models import Opportunity
from hamsu.demo import generator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"laptop": (1366, 768), "phone": (390, 844)}
SCREENSHOTS = Path(os.environ.get("HAMSU_SCREENSHOTS", Path(tempfile.gettempdir()) / "hamsu-screenshots"))

# What a page shows that one can act on, and what its visible text is cut to fit.
PROBLEMS = """() => {
  const viewport = document.documentElement.clientWidth;
  const found = [];
  const name = (el) => {
    const id = el.id ? '#' + el.id : '';
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${id} "${text}"`;
  };
  // The box an element shows in, after every ancestor that clips sideways; a box that
  // scrolls (overflow auto or scroll) shows all of it, by scrolling, but is itself shown
  // only as far as its own ancestors let it.
  const clipped = (el) => {
    let rect = el.getBoundingClientRect();
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX;
      if (overflow === 'visible') continue;
      if (overflow === 'auto' || overflow === 'scroll') { rect = box.getBoundingClientRect(); continue; }
      const edge = box.getBoundingClientRect();
      if (rect.left < edge.left - 1 || rect.right > edge.right + 1) return true;
    }
    return rect.left < -1 || rect.right > viewport + 1;
  };
  const measure = document.createElement('canvas').getContext('2d');
  const truncated = (el) => {
    const style = getComputedStyle(el);
    if (el.tagName === 'SELECT') {
      const option = el.options[el.selectedIndex];
      if (!option) return false;
      measure.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return measure.measureText(option.text).width > room + 1;
    }
    // A box that scrolls (a wide table's, the board) shows the rest by scrolling: not cut.
    return (style.overflowX === 'hidden' || style.overflowX === 'clip') && el.scrollWidth > el.clientWidth + 1;
  };
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])';
  for (const el of document.querySelectorAll(selector)) {
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1 || el.closest('.visually-hidden, [hidden]')) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    if (clipped(el)) found.push('cut off: ' + name(el));
    else if (truncated(el)) found.push('text cut: ' + name(el));
  }
  return found;
}"""

OVERFLOWS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"
# For the report: the outermost elements that stick out past the window's edge.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right <= width + 1 && r.left >= -1) continue;
    let parent = el.parentElement, inside = false;
    for (; parent && parent !== document.body; parent = parent.parentElement) {
      const p = parent.getBoundingClientRect();
      if (p.right > width + 1 || p.left < -1 || getComputedStyle(parent).overflowX !== 'visible') { inside = true; break; }
    }
    if (!inside) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return out.slice(0, 5);
}"""


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def demo_company(monkeypatch):
    # Long stage names, many deals per stage, leads waiting, campaigns and figures on every
    # page, at a scale small enough for a browser test.
    monkeypatch.setitem(generator.SCALES, "browser", generator.Scale("browser", 12, 60, 1, 1.0))
    generator.generate(scale="browser", seed=7, progress=lambda message: None)


def pages_for(login: str) -> dict[str, str]:
    deal = Opportunity.objects.filter(owner__user__username=login).order_by("pk").first()
    deal = deal or Opportunity.objects.order_by("pk").first()
    pages = {
        "home": reverse("home"),
        "pipeline": reverse("crm:pipeline"),
        "deal": reverse("crm:opportunity", args=[deal.pk]),
        "leads": reverse("funnel:leads"),
        "tasks": reverse("crm:tasks"),
        "sla": reverse("funnel:sla"),
        "funnel": reverse("funnel:overview"),
    }
    if login == "cro":
        pages |= {
            "scorecard": reverse("scorecard:dashboard"),
            "attribution": reverse("campaigns:attribution"),
        }
    return pages


def visit_all(browser, live_server, login: str, overflowing: list, cut: list) -> int:
    context = browser.new_context(viewport=dict(zip(("width", "height"), SIZES["laptop"], strict=True)))
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(120_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", generator.DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/")
    shots = 0
    for language in ("en", "fa"):
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for name, path in pages_for(login).items():
            assert page.goto(f"{live_server.url}{path}").status == 200, path
            for size, (width, height) in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                # hamsu.js re-reads which tables overflow 150 ms after a resize.
                page.wait_for_timeout(250)
                where = f"{login} {language} {size} {name}"
                if page.evaluate(OVERFLOWS):
                    overflowing.append(f"{where}: {page.evaluate(STICKING_OUT)}")
                cut.extend(f"{where}: {problem}" for problem in page.evaluate(PROBLEMS))
                page.screenshot(path=SCREENSHOTS / f"{login}-{language}-{size}-{name}.png")
                shots += 1
            page.set_viewport_size(dict(zip(("width", "height"), SIZES["laptop"], strict=True)))
    return shots


def test_the_main_pages_fit_a_laptop_and_a_phone(browser, live_server, static_files, demo_company):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    overflowing: list[str] = []
    cut: list[str] = []
    shots = sum(visit_all(browser, live_server, login, overflowing, cut) for login in ("cro", "rep"))
    (SCREENSHOTS / "problems.txt").write_text("\n".join(overflowing + cut), encoding="utf-8")
    assert overflowing == []  # no page scrolls sideways as a whole
    assert cut == []  # nothing one can act on is cut off
    assert shots == 2 * 2 * (9 + 7)  # every page, at both sizes, in both languages, was photographed
