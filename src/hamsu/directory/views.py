from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, render

from hamsu.directory import selectors
from hamsu.directory.models import Function, Person


@login_required
@permission_required("directory.view_person", raise_exception=True)
def people(request):
    q = request.GET.get("q", "")[:100]
    function = request.GET.get("function", "") if request.GET.get("function") in Function.values else ""
    page = selectors.person_list(q=q, function=function, cursor=request.GET.get("cursor"))
    return render(
        request,
        "directory/people.html",
        {"page": page, "q": q, "function": function, "functions": Function.choices},
    )


@login_required
@permission_required("directory.view_person", raise_exception=True)
def person_detail(request, pk: int):
    person = get_object_or_404(
        Person.objects.select_related("team", "manager").prefetch_related(
            "expertise", "segments", "products"
        ),
        pk=pk,
    )
    return render(request, "directory/person.html", {"person": person})
