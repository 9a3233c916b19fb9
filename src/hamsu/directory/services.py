"""Writes to the directory: a person editing their own profile, and the HR/CSV import.

Both stamp ``profile_updated_at`` so the stale-profile nudge knows what is current.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hamsu.core import audit, uploads
from hamsu.core.dates import parse_date
from hamsu.core.errors import DomainError, PermissionDenied, ValidationFailed
from hamsu.core.validation import check_date_range, full_clean, raise_if
from hamsu.directory import coverage, search_index
from hamsu.directory.models import ExpertiseTag, Function, Person, RoleTitle, Team
from hamsu.directory.visibility import person_of

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
SELF_FIELDS = ["phone", "languages", "absent_until", "expertise", "segments", "products", "accounts_covered"]
# The profile's coverage fields, by the kind of record the CRM's coverage holds.
COVERAGE_FIELDS = {"segments": "segments", "products": "products", "accounts_covered": "accounts"}
PROFILE_SNAPSHOT = [
    "full_name",
    "email",
    "phone",
    "function",
    "role_title",
    "team",
    "manager",
    "languages",
    "absent_until",
    "is_active",
    "external_id",
]


def _clean_languages(values, errors: dict) -> list[str]:
    codes = []
    for value in values or []:
        code = str(value).strip().lower()
        if not code:
            continue
        if not LANGUAGE_CODE.match(code):
            errors.setdefault("languages", []).append(
                _("“%(code)s” is not a language code such as en or fa.") % {"code": value}
            )
        elif code not in codes:
            codes.append(code)
    return codes


def expertise_tags(names) -> list[ExpertiseTag]:
    """Tags by name, created on first use (expertise is free-form, like a keyword)."""
    tags = []
    for name in names:
        name = " ".join(str(name).split())[:80]
        if name:
            tag = ExpertiseTag.objects.filter(name__iexact=name).first() or ExpertiseTag.objects.create(
                name=name
            )
            tags.append(tag)
    return tags


@transaction.atomic
def person_profile_update(*, person: Person, actor, via: str = "", **data) -> Person:
    """A person keeps their own profile current; administrators may edit anyone's."""
    me = person_of(actor)
    if not (
        (me is not None and me.pk == person.pk)
        or (actor is not None and actor.has_perm("directory.change_person"))
    ):
        raise PermissionDenied(
            _("You can only edit your own profile."),
            errors={"person": [_("This is someone else's profile.")]},
        )
    unknown = set(data) - set(SELF_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={name: [_("This field cannot be set.")] for name in sorted(unknown)}
        )
    errors: dict[str, list[str]] = {}
    before = audit.snapshot(person, PROFILE_SNAPSHOT)
    if "languages" in data:
        person.languages = _clean_languages(data["languages"], errors)
    if "absent_until" in data:
        check_date_range("absent_until", data["absent_until"], errors)
        person.absent_until = data["absent_until"]
    if "phone" in data:
        person.phone = (data["phone"] or "").strip()
    raise_if(errors)
    person.profile_updated_at = timezone.now()
    full_clean(person, exclude=["user", "manager", "team"])
    person.save()
    changes = audit.diff(before, audit.snapshot(person, PROFILE_SNAPSHOT))
    if "expertise" in data:
        tags = expertise_tags([t if isinstance(t, str) else t.name for t in data["expertise"] or []])
        person.expertise.set(tags)
        changes["expertise"] = sorted(t.name for t in tags)
    covered = {kind: data[name] for name, kind in COVERAGE_FIELDS.items() if name in data}
    if covered:
        now = coverage.source().replace(person=person, **covered)
        changes.update({name: now[kind] for name, kind in COVERAGE_FIELDS.items() if kind in now})
    audit.record(actor=actor, action="update", instance=person, changes=changes, via=via)
    return person


# ---------------------------------------------------------------- import

IMPORT_COLUMNS = [
    "email",
    "full_name",
    "phone",
    "function",
    "role",
    "team",
    "manager_email",
    "expertise",
    "segments",
    "products",
    "accounts",
    "languages",
    "absent_until",
    "is_active",
    "external_id",
]
REQUIRED_COLUMNS = {"email", "full_name", "function", "role"}
MAX_IMPORT_ROWS = 100_000


@dataclass
class RowResult:
    row: int
    email: str
    status: str  # created, updated, error
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("created", "updated", "error")}


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;|]", value or "") if part.strip()]


def _choice(value: str, choices) -> str | None:
    """Accept the stored code or the English label, in any case."""
    wanted = (value or "").strip().lower()
    with translation.override("en"):
        for code, label in choices:
            if wanted in (code.lower(), str(label).lower()):
                return code
    return None


def _by_names(kind: str, names: list[str], label: str, errors: dict) -> list:
    """The CRM records of ``kind`` named in an import cell; each unknown name is an error."""
    found = []
    for name in names:
        record = coverage.source().find(kind, name)
        if record is None:
            errors.setdefault(label, []).append(
                _("Unknown %(what)s “%(name)s”.") % {"what": label, "name": name}
            )
        else:
            found.append(record)
    return found


def _truthy(value: str) -> bool | None:
    text = (value or "").strip().lower()
    if text in ("", None):
        return None
    if text in {"1", "true", "yes", "y", "active", "بله"}:
        return True
    if text in {"0", "false", "no", "n", "inactive", "خیر"}:
        return False
    raise ValueError(text)


def read_csv(content: bytes | str) -> list[dict[str, str]]:
    """The HR file's rows, held to the upload bounds (hamsu.core.uploads) and to
    MAX_IMPORT_ROWS; bytes must be UTF-8."""
    text = uploads.decode_utf8(content) if isinstance(content, bytes) else content.lstrip("\ufeff")
    header, rows = uploads.csv_dicts(text, max_rows=MAX_IMPORT_ROWS)
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        raise ValidationFailed(
            _("The file is missing columns."),
            errors={"file": [_("Missing columns: %(cols)s.") % {"cols": ", ".join(sorted(missing))}]},
        )
    return rows


def _import_row(row: dict[str, str], *, known_emails: set[str], actor, via: str) -> tuple[Person, str]:
    errors: dict[str, list[str]] = {}
    email = row.get("email", "").lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    if not row.get("full_name"):
        errors["full_name"] = [_("This field is required.")]
    function = _choice(row.get("function", ""), Function.choices)
    if function is None:
        errors["function"] = [_("Unknown function “%(v)s”.") % {"v": row.get("function", "")}]
    role = _choice(row.get("role", ""), RoleTitle.choices)
    if role is None:
        errors["role"] = [_("Unknown role “%(v)s”.") % {"v": row.get("role", "")}]
    team = None
    if row.get("team"):
        team = Team.objects.filter(name__iexact=row["team"]).first()
        if team is None:
            errors["team"] = [_("Unknown team “%(v)s”.") % {"v": row["team"]}]
    manager_email = row.get("manager_email", "").lower()
    if manager_email and manager_email not in known_emails:
        errors["manager_email"] = [_("No person with e-mail %(v)s.") % {"v": manager_email}]
    segments = _by_names("segments", _split(row.get("segments", "")), "segments", errors)
    products = _by_names("products", _split(row.get("products", "")), "products", errors)
    accounts = _by_names("accounts", _split(row.get("accounts", "")), "accounts", errors)
    languages = _clean_languages(_split(row.get("languages", "")), errors)
    absent_until = None
    if row.get("absent_until"):
        try:
            absent_until = parse_date(row["absent_until"])
        except (ValueError, TypeError):
            errors["absent_until"] = [_("Enter a valid date as YYYY-MM-DD (Gregorian or Jalali).")]
        else:
            check_date_range("absent_until", absent_until, errors)
    try:
        is_active = _truthy(row.get("is_active", ""))
    except ValueError:
        errors["is_active"] = [_("Use yes or no.")]
        is_active = None
    raise_if(errors)
    # An unknown function or role is an error raised above.
    assert function is not None
    assert role is not None

    person = Person.objects.filter(email__iexact=email).first()
    status = "updated" if person else "created"
    person = person or Person(email=email)
    before = audit.snapshot(person, PROFILE_SNAPSHOT) if status == "updated" else {}
    person.full_name = row["full_name"]
    person.function = function
    person.role_title = role
    person.team = team
    if "phone" in row:
        person.phone = row["phone"]
    if "languages" in row:
        person.languages = languages
    person.absent_until = absent_until
    if is_active is not None:
        person.is_active = is_active
    if row.get("external_id"):
        person.external_id = row["external_id"]
    person.profile_updated_at = timezone.now()
    full_clean(person, exclude=["user", "manager"])
    person.save()
    if "expertise" in row:
        person.expertise.set(expertise_tags(_split(row["expertise"])))
    given = {"segments": segments, "products": products, "accounts": accounts}
    coverage.source().replace(
        person=person, **{kind: records for kind, records in given.items() if kind in row}
    )
    after = audit.snapshot(person, PROFILE_SNAPSHOT)
    audit.record(
        actor=actor,
        action="update" if status == "updated" else "create",
        instance=person,
        changes=audit.diff(before, after) if before else after,
        via=via,
    )
    return person, status


def people_import(
    *, rows: list[dict[str, str]], actor, dry_run: bool = False, via: str = "import"
) -> ImportReport:
    """Create or update people by e-mail, one row at a time: a bad row is reported, not written,
    and never stops the good ones."""
    if actor is not None and not (
        actor.has_perm("directory.add_person") and actor.has_perm("directory.change_person")
    ):
        raise PermissionDenied(
            _("Your role does not allow this."), errors={"permission": ["directory.add_person"]}
        )
    report = ImportReport(dry_run=dry_run)
    file_emails = {r.get("email", "").lower() for r in rows if r.get("email")}
    known = file_emails | {e.lower() for e in Person.objects.values_list("email", flat=True)}
    written: list[tuple[Person, str]] = []
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            try:
                with transaction.atomic():
                    person, status = _import_row(row, known_emails=known, actor=actor, via=via)
            except DomainError as error:
                report.rows.append(
                    RowResult(number, row.get("email", ""), "error", error.errors or {"row": [error.message]})
                )
                continue
            report.rows.append(RowResult(number, person.email, status))
            written.append((person, row.get("manager_email", "").lower()))
        # Managers last, so a file may list a report before their manager.
        emails = {m for _p, m in written if m}
        managers = {p.email.lower(): p for p in Person.objects.filter(email__in=emails)}
        for person, manager_email in written:
            manager = managers.get(manager_email) if manager_email else None
            if (
                manager_email
                and manager is not None
                and person.manager_id != manager.pk
                and manager.pk != person.pk
            ):
                person.manager = manager
                person.save(update_fields=["manager"])
        if dry_run:
            transaction.set_rollback(True)
        elif search_index.is_built():
            search_index.refresh_people([p.pk for p, _m in written])
    return report


def today() -> datetime.date:
    return timezone.localdate()
