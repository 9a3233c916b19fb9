"""Group short feedback texts into themes, in English and Persian, fully offline.

Character n-grams inside word boundaries (``char_wb``) need no tokeniser or stemmer, so
they treat "integrations"/"integration" and "یکپارچه‌سازی"/"یکپارچه سازی" alike and work
for both scripts at once. MiniBatchKMeans groups the TF-IDF vectors; each theme is then
labelled by the words that are most over-represented in it, and shown with the notes
closest to its centre as examples. This module imports no Django.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer

# Arabic letter forms Persian keyboards and copied text mix in, mapped to the Persian ones.
_LETTERS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "\u0640": "",  # tatweel (kashida), a purely visual stretch
        # Zero-width non-joiner: "سرنخ‌ها" reads as the word "سرنخ" plus a suffix, which
        # the stop-word list drops; labels then show whole, correctly spelled words.
        "\u200c": " ",
        "\u200d": "",
        "۰": "0",
        "۱": "1",
        "۲": "2",
        "۳": "3",
        "۴": "4",
        "۵": "5",
        "۶": "6",
        "۷": "7",
        "۸": "8",
        "۹": "9",
        "٠": "0",
        "١": "1",
        "٢": "2",
        "٣": "3",
        "٤": "4",
        "٥": "5",
        "٦": "6",
        "٧": "7",
        "٨": "8",
        "٩": "9",
    }
)
_DIACRITICS = re.compile(r"[\u064B-\u065F\u0670\u06D6-\u06ED]")
_SPACES = re.compile(r"\s+")

_STOP_TEXT = """
    a an the and or but if of to in on at for from by with about as into than then so too very can could
    would should will shall may might must do does did done be is are was were been being have has had
    it its this that these those there here they them their we our us you your he she his her i me my
    not no nor all any some more most much many such only own same other also just over again still
    customer customers client clients need needs needed want wants
    asked said wanted like would want really
    و در به از که این آن را با است برای یک تا می ها های هم ما شد شده بود کرد کردن نه اما یا بر
    هر همه دیگر خود ایشان او آنها ما شما من اند ای نیز باید بسیار خیلی چون اگر پس هیچ روی بود بودند
    کنند کند کنیم کرده کردند دارد دارند داشت داشتند مشتری مشتریان گفت گفتند خواست خواستند می‌خواهند
    میخواهند میخواهد خواهد شود شوند
    """


def normalise(text: str) -> str:
    """One spelling for Persian/Arabic letter variants and digits; lower case; tidy spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _DIACRITICS.sub("", text.translate(_LETTERS))
    return _SPACES.sub(" ", text.lower()).strip()


STOP_WORDS = frozenset(normalise(word) for word in _STOP_TEXT.split())


SMALL_CORPUS = 5000


@dataclass
class Theme:
    label: str
    top_terms: list[str]
    members: list[int]  # indexes into the input texts
    examples: list[int]  # the members closest to the theme's centre


def default_theme_count(n: int) -> int:
    return max(2, min(15, round(math.sqrt(n / 4))))


def _label_terms(docs: list[str], labels: np.ndarray, k: int, per_theme: int = 4) -> list[list[str]]:
    words = TfidfVectorizer(
        analyzer="word",
        token_pattern=r"(?u)\b[^\W\d_]{3,}\b",
        stop_words=list(STOP_WORDS),
        ngram_range=(1, 2),
        min_df=2 if len(docs) >= 10 else 1,
        max_features=30_000,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        matrix = words.fit_transform(docs)
    except ValueError:  # nothing but stop words
        return [[] for _ in range(k)]
    vocabulary = np.array(words.get_feature_names_out())
    overall = np.asarray(matrix.mean(axis=0)).ravel()
    result = []
    for cluster in range(k):
        rows = matrix[labels == cluster]
        if rows.shape[0] == 0:
            result.append([])
            continue
        # Over-representation: what this theme says much more than feedback in general.
        score = np.asarray(rows.mean(axis=0)).ravel() - overall
        chosen: list[str] = []
        for index in np.argsort(-score)[: per_theme * 6]:
            term = str(vocabulary[index])
            if score[index] <= 0:
                break
            # Skip a word already inside a chosen phrase, and a phrase made of chosen words.
            if any(term in c or c in term for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == per_theme:
                break
        result.append(chosen)
    return result


def cluster_texts(
    texts: list[str], *, n_themes: int | None = None, seed: int = 0, examples: int = 3
) -> list[Theme]:
    """Themes over ``texts`` (biggest first). Empty texts are left out of every theme."""
    docs = [normalise(t) for t in texts]
    keep = np.array([i for i, d in enumerate(docs) if d], dtype=np.int64)
    if keep.size == 0:
        return []
    kept_docs = [docs[i] for i in keep]
    n = len(kept_docs)
    k = min(n_themes or default_theme_count(n), n)
    vectoriser = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        min_df=2 if n >= 10 else 1,
        max_df=0.5 if n >= 10 else 1.0,
        max_features=60_000,
        sublinear_tf=True,
        dtype=np.float32,
    )
    matrix = vectoriser.fit_transform(kept_docs)
    if k <= 1:
        labels = np.zeros(n, dtype=np.int64)
        centres = np.asarray(matrix.mean(axis=0))
    else:
        # Full k-means is steadier on a month's few hundred notes; mini-batches keep tens of
        # thousands of notes well inside the digest's time budget.
        if n <= SMALL_CORPUS:
            model = KMeans(n_clusters=k, random_state=seed, n_init=10)
        else:
            model = MiniBatchKMeans(
                n_clusters=k, random_state=seed, n_init=3, batch_size=4096, max_no_improvement=20
            )
        labels = model.fit_predict(matrix)
        centres = model.cluster_centers_
    terms = _label_terms(kept_docs, labels, k)
    themes = []
    for cluster in range(k):
        members = np.flatnonzero(labels == cluster)
        if members.size == 0:
            continue
        closeness = np.asarray(matrix[members] @ centres[cluster].T).ravel()
        best = members[np.argsort(-closeness)[:examples]]
        top = terms[cluster]
        themes.append(
            Theme(
                label=" · ".join(top[:3]) if top else kept_docs[int(best[0])][:60],
                top_terms=top,
                members=keep[members].tolist(),
                examples=keep[best].tolist(),
            )
        )
    themes.sort(key=lambda t: -len(t.members))
    return themes
