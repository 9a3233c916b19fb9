from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.core import uploads
from hamsu.core.errors import DomainError
from hamsu.core.forms import LocalDateField, apply_domain_errors
from hamsu.core.http import int_or_none
from hamsu.directory import coverage, selectors, services
from hamsu.directory.models import Function, Person
from hamsu.directory.visibility import person_of


def _search_filters(request) -> selectors.SearchFilters:
    get = request.GET
    return selectors.SearchFilters(
        function=get.get("function", "") if get.get("function") in Function.values else "",
        language=get.get("language", "").strip().lower()[:3],
        available_only=get.get("available") == "1",
        segment=int_or_none(get.get("segment")),
        product=int_or_none(get.get("product")),
        account=int_or_none(get.get("account")),
    )


@login_required
@permission_required("directory.view_person", raise_exception=True)
def people(request):
    """One search box: who do I talk to about an account, segment, product or topic."""
    q = request.GET.get("q", "")[:100]
    filters = _search_filters(request)
    searching = bool(q.strip() or filters.segment or filters.product or filters.account)
    page = matches = None
    if searching:
        matches = selectors.who_to_contact(q=q, filters=filters, limit=30)
    else:
        page = selectors.person_list(q="", function=filters.function, cursor=request.GET.get("cursor"))
    return render(
        request,
        "directory/people.html",
        {
            "page": page,
            "matches": matches,
            "q": q,
            "filters": filters,
            "function": filters.function,
            "functions": Function.choices,
            "segments": coverage.source().choices("segments"),
            "products": coverage.source().choices("products", active_only=True),
        },
    )


@login_required
@permission_required("directory.view_person", raise_exception=True)
def person_detail(request, pk: int):
    person = get_object_or_404(
        Person.objects.select_related("team", "manager").prefetch_related("expertise"), pk=pk
    )
    stale = selectors.stale_profiles().filter(pk=person.pk).exists()
    return render(
        request,
        "directory/person.html",
        {
            "person": person,
            "coverage": coverage.source().of(person),
            "stale": stale,
            "is_me": person_of(request.user) == person,
        },
    )


class ProfileForm(forms.Form):
    # The coverage fields list the CRM's records, set per form in __init__.
    phone = forms.CharField(label=gettext_lazy("phone"), max_length=40, required=False)
    languages = forms.CharField(
        label=gettext_lazy("languages"),
        required=False,
        help_text=gettext_lazy("Language codes separated by commas, e.g. en, fa"),
    )
    absent_until = LocalDateField(label=gettext_lazy("absent until"), required=False)
    expertise = forms.CharField(
        label=gettext_lazy("expertise"),
        required=False,
        help_text=gettext_lazy("Topics people can ask you about, separated by commas"),
    )
    segments = forms.ModelMultipleChoiceField(label=gettext_lazy("segments"), queryset=None, required=False)
    products = forms.ModelMultipleChoiceField(label=gettext_lazy("products"), queryset=None, required=False)
    accounts_covered = forms.ModelMultipleChoiceField(
        label=gettext_lazy("accounts covered"), queryset=None, required=False
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        crm = coverage.source()
        self.fields["segments"].queryset = crm.choices("segments")
        self.fields["products"].queryset = crm.choices("products")
        self.fields["accounts_covered"].queryset = crm.account_choices(person)

    def clean_languages(self):
        return [c.strip() for c in self.cleaned_data["languages"].replace("،", ",").split(",") if c.strip()]

    def clean_expertise(self):
        return [c.strip() for c in self.cleaned_data["expertise"].replace("،", ",").split(",") if c.strip()]


@login_required
def my_profile(request):
    person = person_of(request.user)
    if person is None:
        raise Http404
    initial = {
        "phone": person.phone,
        "languages": ", ".join(person.languages or []),
        "absent_until": person.absent_until,
        "expertise": ", ".join(person.expertise.values_list("name", flat=True)),
    }
    covered = coverage.source().of(person)
    initial |= {
        "segments": covered.segments,
        "products": covered.products,
        "accounts_covered": covered.accounts,
    }
    form = ProfileForm(request.POST or None, initial=initial, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_profile_update(person=person, actor=request.user, via="ui", **form.cleaned_data)
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Your profile is up to date."))
            return redirect("directory:person", pk=person.pk)
    return render(request, "directory/my_profile.html", {"form": form, "person": person})


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))
    dry_run = forms.BooleanField(label=gettext_lazy("Check only, do not save"), required=False)


@login_required
@permission_required(["directory.add_person", "directory.change_person"], raise_exception=True)
def people_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = services.read_csv(uploads.read_upload(form.cleaned_data["file"]))
            report = services.people_import(
                rows=rows, actor=request.user, dry_run=form.cleaned_data["dry_run"], via="import"
            )
        except DomainError as error:
            apply_domain_errors(form, error)
    return render(
        request,
        "directory/import.html",
        {"form": form, "report": report, "columns": services.IMPORT_COLUMNS},
    )
