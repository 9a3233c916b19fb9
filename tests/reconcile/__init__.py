"""Reconciliation tests: every figure a page or the API shows, recomputed independently.

Each test here computes a figure plainly from the raw rows (Python or Polars over
``.values()`` of the models, never the production selector or query) and asserts that
the page or API shows the same value, under every filter the page offers, on small
companies generated with hypothesis, on SQLite and PostgreSQL. The figure's glossary entry
(``hamsu.core.glossary``) is the definition both sides follow.

Files are per domain (``test_funnel_*.py``, ``test_scorecard_*.py`` …) with their data
builders beside them (``<domain>_company.py``), so the domains can grow independently.
"""
