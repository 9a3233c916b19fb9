from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hamsu.core import clock, glossary, selectors, services
from hamsu.core.company import company_settings
from hamsu.core.errors import DomainError
from hamsu.core.form_versions import conflict_context, redrawn
from hamsu.core.forms import apply_domain_errors
from hamsu.core.forms_settings import CompanySettingsForm
from hamsu.core.models import AuditEntry
from hamsu.core.versioning import StaleVersion

OUTBOX_PAGE = 200


@login_required
@permission_required("core.change_companysettings", raise_exception=True)
def company_settings_view(request):
    current = company_settings()
    form = CompanySettingsForm(request.POST or None, instance=current, initial={"version": current.version})
    conflict = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.company_settings_update(
                actor=request.user, expected_version=form.cleaned_data["version"], **form.changes()
            )
        except StaleVersion as stale:
            # Nothing saved: the settings as they are now, the user's edits on top, yours/theirs.
            form = redrawn(form, stale, initial={}, instance=company_settings())
            conflict = conflict_context(stale)
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("core:settings")
    return render(
        request,
        "core/settings.html",
        {"form": form, "scheduled_jobs": clock.job_states(), **conflict},
        status=409 if conflict else 200,
    )


@login_required
@permission_required("core.view_auditentry", raise_exception=True)
def audit_log(request):
    """The latest changes, or one record's trail (``?record=crm.opportunity:42``): its
    changes and its refused, conflicting edits."""
    entries = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    record = request.GET.get("record", "")[:120]
    object_type, _sep, object_id = record.partition(":")
    if object_type and object_id:
        entries = entries.filter(object_type=object_type, object_id=object_id)
    return render(request, "core/audit_log.html", {"entries": entries[:200], "record": record})


@login_required
@permission_required("core.view_outboxmessage", raise_exception=True)
def outbox(request):
    """The e-mail Hamsu sent while no mail server is configured (hamsu.core.mail)."""
    return render(
        request,
        "core/outbox.html",
        {
            "messages_sent": selectors.outbox_messages(limit=OUTBOX_PAGE),
            "total": selectors.outbox_count(),
            "shown": OUTBOX_PAGE,
            "directory": settings.EMAIL_FILE_PATH,
            "in_use": settings.EMAIL_BACKEND == "hamsu.core.mail.OutboxBackend",
        },
    )


@login_required
@permission_required("core.change_companysettings", raise_exception=True)
def lockouts(request):
    """Accounts and addresses the login throttle has locked out; an administrator lifts them."""
    from hamsu.core import login_throttle

    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        address = request.POST.get("ip_address", "").strip()
        if username or address:
            login_throttle.lockout_lift(actor=request.user, username=username, ip_address=address)
            messages.success(request, _("The lockout of %(who)s was lifted.") % {"who": username or address})
        return redirect("core:lockouts")
    return render(
        request,
        "core/lockouts.html",
        {
            "lockouts": login_throttle.current_lockouts(),
            "account_limit": login_throttle.account_limit(),
            "address_limit": login_throttle.address_limit(),
            "minutes": login_throttle.lockout_minutes(),
        },
    )


@login_required
def glossary_page(request):
    """Every figure's definition, in the active language (the "How is this computed?" target)."""
    return render(request, "core/glossary.html", {"sections": glossary.sections()})
