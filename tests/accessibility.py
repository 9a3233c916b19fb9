"""axe-core (WCAG 2.0 and 2.1, levels A and AA) on every page a browser test visits.

The shared ``browser`` fixture hands out contexts through ``AuditedBrowser``, so a test
cannot open a page that escapes the audit. In each context:

- an init script defines ``axe`` in every document before the page's own scripts (nothing
  is served from node_modules and the pages need no change);
- the document a page is *leaving* is audited: its ``beforeunload`` (fired for a link, a
  form post, ``goto``, ``reload``, a script's navigation) starts axe and tells us so, and the
  main-frame navigation request is held by a route until axe has reported. The page is
  checked in the state the test left it in (after htmx swaps, form errors, charts) and no
  page escapes because the test moved on quickly. (The result comes back through a binding:
  while a navigation is held Playwright answers no ``evaluate`` on that page.)
- whatever pages are still open when the test body ends, or when the test closes a page or
  its context, are audited then.

A test that serves a navigation itself (its own ``page.route`` or a later
``context.route`` that fulfils it) takes that navigation out of the hold: axe still
starts on the page it leaves, but the page may be gone before axe reports, so serve pages
from a route registered *before* the audit watches the context (as test_axe_audit.py
does). Axe's "needs review" results are not failures.

Violations are collected per test and fail it once its body has passed (the
``pytest_runtest_call`` hook in tests/conftest.py), naming for each page the rule, its
impact and the selectors of the offending elements.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

# The WCAG 2.0 and 2.1 success criteria at levels A and AA (axe's tags for them).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Runs in every top-level document after axe itself. Only our HTML pages are audited: a
# JSON reply or the browser's blank page is not one. Runs are chained because axe refuses
# to start while another run is going on.
_AUDIT_SCRIPT = """
;(() => {
  if (window !== window.top) return;
  const tags = %s;
  let last = Promise.resolve();
  async function audit() {
    if (document.contentType !== 'text/html' || !/^https?:$/.test(location.protocol)) return null;
    const page = {url: location.href, lang: document.documentElement.lang};
    try {
      // Read colours as the user sees them, not halfway through a button's transition.
      const settling = document.getAnimations()
        .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => null));
      await Promise.race([Promise.all(settling), new Promise((done) => setTimeout(done, 1000))]);
      const result = await window.axe.run(document, {
        runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations'],
      });
      page.violations = result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({
          target: n.target.flat().join(' >>> '),
          html: n.html,
          why: [...n.any, ...n.all, ...n.none].map((check) => check.message).join(' / '),
        })),
      }));
    } catch (error) {
      page.error = String(error);
    }
    return page;
  }
  window.__hamsuAxeAudit = () => (last = last.then(audit, audit));
  window.addEventListener('beforeunload', () => {
    if (!/^https?:$/.test(location.protocol)) return;
    window.__hamsuAxeLeaving();
    window.__hamsuAxeAudit().then((page) => window.__hamsuAxeReport(page));
  });
})();
"""


def axe_init_script() -> str:
    path = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
    if not path.is_file():
        raise RuntimeError(f"axe-core is missing at {path}: run `make install` (it comes from npm).")
    return path.read_text(encoding="utf-8") + _AUDIT_SCRIPT % json.dumps(WCAG_TAGS)


@dataclasses.dataclass(frozen=True)
class Violation:
    url: str
    lang: str
    rule: str
    impact: str
    help: str
    target: str
    html: str
    why: str


class AxeAudit:
    """The contexts one test opened and what axe found on their pages."""

    def __init__(self, script: str):
        self._script = script
        self._contexts: list = []
        self._violations: dict[tuple, Violation] = {}
        self._leaving: set = set()  # pages whose leave audit has started and not reported
        self._held: dict = {}  # page -> the navigation route waiting for that report
        self.pages_audited: list[str] = []
        self.problems: list[str] = []

    # ---------------------------------------------------------------- wiring
    def watch(self, context) -> None:
        context.expose_binding("__hamsuAxeLeaving", self._on_leaving)
        context.expose_binding("__hamsuAxeReport", self._on_report)
        context.add_init_script(script=self._script)
        context.route("**/*", self._on_route)
        context.on("page", self._watch_page)
        close = context.close

        def close_after_audit(*args, **kwargs):
            for page in context.pages:
                self.audit(page)
            return close(*args, **kwargs)

        # A test that closes its own context still has its last pages audited.
        context.close = close_after_audit
        self._contexts.append(context)

    def _watch_page(self, page) -> None:
        close = page.close

        def close_after_audit(*args, **kwargs):
            self.audit(page)
            return close(*args, **kwargs)

        page.close = close_after_audit

    def _on_leaving(self, source) -> None:
        self._leaving.add(source["page"])

    def _on_report(self, source, result) -> None:
        page = source["page"]
        self._leaving.discard(page)
        self._record(result)
        route = self._held.pop(page, None)
        if route is not None:
            route.fallback()

    def _on_route(self, route) -> None:
        request = route.request
        if request.is_navigation_request() and request.frame.parent_frame is None:
            page = request.frame.page
            if page in self._leaving:  # axe is still reading the page being left
                self._held[page] = route
                return
        route.fallback()

    # ---------------------------------------------------------------- auditing
    def audit(self, page) -> None:
        """Audit the document a page shows now (its last page, or one being closed)."""
        if page.is_closed():
            return
        try:
            page.wait_for_load_state("load")
            self._record(page.evaluate("() => window.__hamsuAxeAudit ? window.__hamsuAxeAudit() : null"))
        except PlaywrightError as error:
            self.problems.append(f"{page.url}: axe could not run ({error.message.splitlines()[0]})")

    def _record(self, result) -> None:
        if result is None:
            return
        if "error" in result:
            self.problems.append(f"{result['url']}: axe failed: {result['error']}")
            return
        self.pages_audited.append(result["url"])
        for rule in result["violations"]:
            for node in rule["nodes"]:
                found = Violation(
                    url=result["url"],
                    lang=result["lang"],
                    rule=rule["id"],
                    impact=rule["impact"] or "",
                    help=rule["help"],
                    target=node["target"],
                    html=node["html"],
                    why=node["why"],
                )
                self._violations.setdefault((found.url, found.lang, found.rule, found.target), found)

    def finish(self) -> None:
        """Audit the pages still open: the last page each context showed."""
        for context in self._contexts:
            try:
                pages = list(context.pages)
            except PlaywrightError:
                continue
            for page in pages:
                self.audit(page)
        for page in self._leaving:
            if not page.is_closed():
                self.problems.append(f"{page.url}: left before axe finished reading it")

    def close(self) -> None:
        for context in self._contexts:
            with contextlib.suppress(PlaywrightError):  # already closed by the test
                context.close()
        self._contexts.clear()

    # ---------------------------------------------------------------- outcome
    @property
    def violations(self) -> list[Violation]:
        return list(self._violations.values())

    def report(self) -> str:
        by_page: dict[tuple, list[Violation]] = {}
        for violation in self.violations:
            by_page.setdefault((violation.url, violation.lang), []).append(violation)
        lines = [
            f"axe-core found {len(self.violations)} accessibility violation(s) "
            f"({', '.join(WCAG_TAGS)}) on {len(by_page)} page(s):"
        ]
        for (url, lang), found in by_page.items():
            lines.append(f"{url} (lang={lang})")
            for rule in dict.fromkeys(v.rule for v in found):
                nodes = [v for v in found if v.rule == rule]
                lines.append(f"  [{nodes[0].impact}] {rule}: {nodes[0].help}")
                for v in nodes:
                    lines.append(f"      {v.target}    {' '.join(v.html.split())[:200]}")
                    lines.append(f"        {' '.join(v.why.split())[:300]}")
        lines.extend(self.problems)
        return "\n".join(lines)


class AuditedBrowser:
    """The session's Chromium; every context it opens belongs to the running test's audit."""

    def __init__(self, browser, script: str):
        self.playwright_browser = browser
        self.script = script
        self.audit: AxeAudit | None = None

    def start_audit(self) -> AxeAudit:
        self.audit = AxeAudit(self.script)
        return self.audit

    def new_context(self, **kwargs):
        if self.audit is None:
            raise RuntimeError("A browser context opened outside a test: axe could not audit its pages.")
        return self.new_context_audited_by(self.audit, **kwargs)

    def new_context_audited_by(self, audit: AxeAudit, **kwargs):
        context = self.playwright_browser.new_context(**kwargs)
        audit.watch(context)
        return context

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()

    def __getattr__(self, name):
        return getattr(self.playwright_browser, name)
