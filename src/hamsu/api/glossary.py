"""The glossary of figures through the API: the same entries as the glossary page."""

from __future__ import annotations

from ninja import Router, Schema

from hamsu.core import glossary
from hamsu.core.api_kit import ERRORS

router = Router(tags=["glossary"])


class GlossaryTermOut(Schema):
    key: str
    section: str
    section_title: str
    name: str
    definition: str
    formula: str
    counts: str
    filters: list[str]
    bounded: bool


@router.get("", response={200: list[GlossaryTermOut], **ERRORS}, summary="Every figure's definition")
def glossary_list(request):
    """Each figure Hamsu shows, in the language of the request (`Accept-Language: fa` for Persian)."""
    return [
        GlossaryTermOut(
            key=term.key,
            section=section.key,
            section_title=str(section.title),
            name=str(term.name),
            definition=str(term.definition),
            formula=str(term.formula),
            counts=str(term.counts),
            filters=list(term.filters),
            bounded=term.bounded,
        )
        for section, terms in glossary.sections()
        for term in terms
    ]
