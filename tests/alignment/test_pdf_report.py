"""The report as a real PDF made on the server: English and Persian, with the round's
figures, charts and tables; from the report page and from the API; same permissions."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from hamsu.alignment import pdf, selectors
from hamsu.alignment.models import Assessment, Round
from hamsu.alignment.statements import RELATIONSHIP_LABELS
from hamsu.analytics.diagnostic import Relationship
from hamsu.core.dates import to_persian_digits

pytestmark = pytest.mark.django_db
API = "/api/v1/alignment"


@pytest.fixture
def answered(make_round, add_responses):
    """Two rounds with answers (so there is a trend), the later one the report's."""
    earlier = make_round("Autumn check")
    add_responses(earlier, {"sales": [2, 2, 3], "marketing": [2, 3, 2]})
    Round.objects.filter(pk=earlier.pk).update(opens_at=timezone.now() - datetime.timedelta(days=90))
    round_ = make_round("Spring check")
    add_responses(round_, {"sales": [5, 4, 5, 4], "marketing": [2, 2, 3, 2]})
    return round_


def read(content: bytes) -> tuple[PdfReader, str]:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def has_persian_number(text: str, value: float) -> bool:
    """The value in Persian digits; pypdf reads numbers inside right-to-left lines in either
    order, so both are accepted (the glyphs on the page are right; the reader's order is not)."""
    # Persian digits with the Persian decimal separator (٫), as every Persian page writes it.
    shown = to_persian_digits(f"{value:.1f}").replace(".", "\u066b")
    return shown in text or shown[::-1] in text


def font_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_english_pdf_has_the_score_band_charts_and_tables(leader_client, answered):
    total = selectors.round_results(answered).result.total
    response = leader_client.get(reverse("alignment:report_pdf", args=[answered.pk]) + "?lang=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader, text = read(response.content)
    relationship = selectors.round_results(answered).result.relationship
    assert relationship == Relationship.ALIGNED  # 4s and 5s against 2s and 3s
    assert f"{total:.1f}" in text
    assert "Aligned" in text
    for title in (
        "Company score against the four bands",
        "Score by function",
        "Heat map: statements × functions",
        "Perception gap per statement",
        "Trend across rounds",
        "perception beside evidence",
        "The four relationships",
    ):
        assert title in text, title
    assert "Autumn check" in text  # the earlier round is a point of the trend
    assert "Forecast accuracy" in text  # a statement's label on the gap chart


def test_the_persian_pdf_is_shaped_right_to_left_with_persian_digits(leader_client, answered):
    total = selectors.round_results(answered).result.total
    response = leader_client.get(reverse("alignment:report_pdf", args=[answered.pk]) + "?lang=fa")
    reader, text = read(response.content)
    assert response.status_code == 200
    assert reader.metadata.get("/Title")
    # Persian digits of the score, as the HTML report prints them.
    assert has_persian_number(text, total)
    assert f"{total:.1f}" not in text
    assert any(name.endswith("+Vazirmatn") for name in font_names(reader))
    # Shaped Persian text is extracted as presentation forms or base letters depending on
    # the reader; either way Arabic-script letters are there and the English title is not.
    assert any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufefc" for ch in text)
    with translation.override("fa"):
        band = str(RELATIONSHIP_LABELS[Relationship.ALIGNED])
        title = gettext("Company score against the four bands")
    assert band in text and title in text  # the band's and the chart's Persian names
    assert "Score by function" not in text
    assert "Company score against" not in text


def test_the_report_page_offers_the_pdf_in_its_language(leader_client, answered):
    page = leader_client.get(reverse("alignment:report", args=[answered.pk]) + "?lang=fa")
    url = reverse("alignment:report_pdf", args=[answered.pk])
    assert f'href="{url}?lang=fa"' in page.content.decode()


def test_a_round_without_enough_answers_still_prints_saying_so(leader_client, make_round, add_responses):
    round_ = make_round("Early days")
    add_responses(round_, {"sales": [4]})
    response = leader_client.get(reverse("alignment:report_pdf", args=[round_.pk]) + "?lang=en")
    _reader, text = read(response.content)
    assert "Results appear once at least 3 people have answered" in text
    assert "Responses so far: 1." in text
    assert "Score by function" not in text


def test_the_next_moves_are_in_the_pdf(leader_client, answered, leader):
    Assessment.objects.create(
        created_by=leader.user,
        company_size="small",
        informal_relations_good=True,
        marketing_role="support",
        cycle_length="short",
        complexity="simple",
        market="commoditising",
        pace="stable",
        recommended="Integrated",
        reasons=[],
    )
    response = leader_client.get(reverse("alignment:report_pdf", args=[answered.pk]) + "?lang=en")
    _reader, text = read(response.content)
    assert "Where to go next" in text
    assert "Recommended relationship: Integrated." in text


def test_the_api_twin_returns_the_same_pdf(leader_client, answered):
    total = selectors.round_results(answered).result.total
    response = leader_client.get(f"{API}/rounds/{answered.pk}/report.pdf?lang=fa")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    _reader, text = read(response.content)
    assert has_persian_number(text, total)
    assert leader_client.get(f"{API}/rounds/{answered.pk}/report.pdf?lang=de").status_code == 422
    assert leader_client.get(f"{API}/rounds/999999/report.pdf").status_code == 404


def test_who_cannot_see_the_report_cannot_download_it(client, answered):
    url = reverse("alignment:report_pdf", args=[answered.pk])
    assert client.get(url).status_code == 302  # to the login page
    assert client.get(f"{API}/rounds/{answered.pk}/report.pdf").status_code == 401
    nobody = get_user_model().objects.create_user(username="no-role", password="pw")
    client.force_login(nobody)
    assert client.get(url).status_code == 403
    response = client.get(f"{API}/rounds/{answered.pk}/report.pdf")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_missing_font_says_how_to_install_it(settings, tmp_path, answered):
    settings.NODE_MODULES = tmp_path
    with pytest.raises(pdf.ReportFontMissing, match="make install"):
        pdf.download(answered, "en")


def test_the_heat_map_uses_the_pages_colour_scale():
    from hamsu.alignment.pdf_charts import heat_colour

    assert heat_colour(1) == (215, 48, 39)
    assert heat_colour(5) == (26, 152, 80)
    assert heat_colour(3) == (254, 224, 139)  # the middle stop, as on the page
    assert heat_colour(0.2) == heat_colour(1)
    assert heat_colour(9) == heat_colour(5)
    low, high = heat_colour(2), heat_colour(4)
    assert low[0] > high[0] and low[1] < high[1]  # redder below the middle, greener above
