"""UTM parameters: read them from a landing-page URL and map a medium to a channel."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
UTM_MAX_LENGTH = 100

# utm_medium values seen in the wild → our channel codes. Anything else keeps its medium
# as the channel so nothing is silently lumped into "other".
MEDIUM_TO_CHANNEL = {
    "cpc": "paid_search",
    "ppc": "paid_search",
    "paid_search": "paid_search",
    "paidsearch": "paid_search",
    "sem": "paid_search",
    "paid_social": "paid_social",
    "paidsocial": "paid_social",
    "social": "social",
    "social_media": "social",
    "organic": "organic_search",
    "email": "email",
    "e-mail": "email",
    "newsletter": "email",
    "display": "display",
    "banner": "display",
    "referral": "referral",
    "partner": "partner",
    "affiliate": "partner",
    "event": "events",
    "events": "events",
    "webinar": "webinar",
    "content": "content",
}


def parse_utm(url: str) -> dict[str, str]:
    """The utm_* parameters of ``url`` (lower-case keys, values trimmed to fit the columns)."""
    if not url:
        return {}
    try:
        query = urlsplit(url).query
    except ValueError:
        return {}
    found: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=False):
        key = key.strip().lower()
        if key in UTM_KEYS and key not in found:
            found[key] = value.strip()[:UTM_MAX_LENGTH]
    return found


def clean_utm(utm: dict | None) -> dict[str, str]:
    """Keep only known utm_* keys as trimmed strings; unknown keys are ignored on purpose
    (senders often forward the whole query string)."""
    if not utm:
        return {}
    cleaned = {}
    for key, value in utm.items():
        key = str(key).strip().lower()
        if not key.startswith("utm_"):
            key = f"utm_{key}"
        if key in UTM_KEYS and value is not None and str(value).strip():
            cleaned[key] = str(value).strip()[:UTM_MAX_LENGTH]
    return cleaned


def channel_for_medium(medium: str) -> str:
    medium = (medium or "").strip().lower()
    if not medium:
        return ""
    return MEDIUM_TO_CHANNEL.get(medium, medium[:32])
