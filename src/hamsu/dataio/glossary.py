"""Glossary entries for an import's counts (registered from DataioConfig.ready()).

Each row of the file ends in exactly one of: created, updated, unchanged, or with errors;
the reconciliation test (``tests/reconcile/test_dataio_imports.py``) recomputes each
count from the file's rows and the records already stored, and holds the parts to the
whole.
"""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, Term

SECTIONS = (Section("imports", _("Imports"), order=80),)

_ROWS = _("The data rows of the uploaded file (the header row not counted).")

TERMS = (
    Term(
        key="imports.rows",
        section="imports",
        name=_("Rows"),
        definition=_(
            "How many data rows the file holds. Each row ends in exactly one way: it creates a "
            "record, it matches a record (a duplicate), or it has errors; so created, duplicates "
            "and rows with errors add up to it."
        ),
        formula=_("count of the file's data rows = created + duplicates + rows with errors"),
        counts=_ROWS,
        order=10,
    ),
    Term(
        key="imports.created",
        section="imports",
        name=_("Created"),
        definition=_(
            "Rows that match no stored record and no earlier row of the file, so each becomes a "
            "new record (on a dry run: would become)."
        ),
        formula=_("count of rows without a match and without errors"),
        counts=_ROWS,
        order=20,
    ),
    Term(
        key="imports.updated",
        section="imports",
        name=_("Updated"),
        definition=_(
            "Rows that match a stored record (by external id, e-mail, domain or name), the first "
            "row of the file to name it, and change at least one of its values."
        ),
        formula=_("count of matched rows whose non-empty values differ from the stored ones"),
        counts=_ROWS,
        order=30,
    ),
    Term(
        key="imports.unchanged",
        section="imports",
        name=_("Unchanged"),
        definition=_(
            "Rows that match a stored record, the first row of the file to name it, and would "
            "change none of its values."
        ),
        formula=_("count of matched rows whose non-empty values equal the stored ones"),
        counts=_ROWS,
        order=40,
    ),
    Term(
        key="imports.duplicates",
        section="imports",
        name=_("Duplicates"),
        definition=_(
            "Rows that match a record already stored (the updated and the unchanged rows) or name "
            "the same record as an earlier row of the file (imported once, from the earlier row)."
        ),
        formula=_("updated + unchanged + rows repeating an earlier row"),
        counts=_ROWS,
        order=50,
    ),
    Term(
        key="imports.errors",
        section="imports",
        name=_("Rows with errors"),
        definition=_(
            "Rows that cannot be imported as they are (a required value missing, a value that is "
            "not valid); each is listed in the report with its reasons and is skipped."
        ),
        formula=_("count of rows with at least one error"),
        counts=_ROWS,
        order=60,
    ),
)
