"""Group short feedback texts into themes, in English and Persian, fully offline.

Character n-grams inside word boundaries (``char_wb``) need no tokeniser or stemmer, so
they treat "integrations"/"integration" and "یکپارچه‌سازی"/"یکپارچه سازی" alike and work
for both scripts at once. MiniBatchKMeans groups the TF-IDF vectors; each theme is then
labelled by the words that are most over-represented in it, and shown with the notes
closest to its centre as examples. This module imports no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from hamsu.core.text import normalise

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


STOP_WORDS = frozenset(part for word in _STOP_TEXT.split() for part in normalise(word).split())


SMALL_CORPUS = 5000
LATENT_DIMENSIONS = 64
# Theme labels are read off at most this many distinct notes (a sample is plenty to find the
# over-represented words, and the word vectoriser is the slowest step on big digests).
LABEL_SAMPLE = 10_000


@dataclass
class Theme:
    label: str
    top_terms: list[str]
    members: list[int]  # indexes into the input texts
    examples: list[int]  # the members closest to the theme's centre


def default_theme_count(n: int) -> int:
    return max(2, min(15, round(math.sqrt(n / 4))))


def _label_terms(
    docs: list[str], labels: np.ndarray, weights: np.ndarray, k: int, per_theme: int = 4
) -> list[list[str]]:
    words = TfidfVectorizer(
        analyzer="word",
        token_pattern=r"(?u)\b[^\W\d_]{3,}\b",
        stop_words=sorted(STOP_WORDS),
        ngram_range=(1, 2),
        min_df=1,
        max_features=30_000,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        matrix = words.fit_transform(docs)
    except ValueError:  # nothing but stop words
        return [[] for _ in range(k)]
    vocabulary = np.array(words.get_feature_names_out())
    # Means weighted by how many notes share each distinct text.
    overall = np.asarray(matrix.T @ weights).ravel() / weights.sum()
    result = []
    for cluster in range(k):
        mask = labels == cluster
        if not mask.any():
            result.append([])
            continue
        # Over-representation: what this theme says much more than feedback in general.
        score = np.asarray(matrix[mask].T @ weights[mask]).ravel() / weights[mask].sum() - overall
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


def _vectors(docs: list[str]):
    """TF-IDF over character n-grams; above SMALL_CORPUS distinct texts, reduced to
    LATENT_DIMENSIONS with truncated SVD (latent semantic analysis) so k-means runs on a
    small dense matrix instead of thousands of sparse columns."""
    n = len(docs)
    vectoriser = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        min_df=2 if n >= 10 else 1,
        max_df=0.5 if n >= 10 else 1.0,
        max_features=30_000,
        sublinear_tf=True,
        dtype=np.float32,
    )
    matrix = vectoriser.fit_transform(docs)
    if n <= SMALL_CORPUS or matrix.shape[1] <= LATENT_DIMENSIONS:
        return matrix
    reduced = TruncatedSVD(n_components=LATENT_DIMENSIONS, n_iter=2, random_state=0).fit_transform(matrix)
    return normalize(reduced).astype(np.float32)


def cluster_texts(
    texts: list[str], *, n_themes: int | None = None, seed: int = 0, examples: int = 3
) -> list[Theme]:
    """Themes over ``texts`` (biggest first). Empty texts are left out of every theme."""
    docs = [normalise(t) for t in texts]
    keep = np.array([i for i, d in enumerate(docs) if d], dtype=np.int64)
    if keep.size == 0:
        return []
    # Identical texts always share a theme: cluster each distinct text once, weighted by
    # how often it occurs (call-report boilerplate and repeated phrases are common).
    distinct, inverse, counts = np.unique(
        np.array([docs[i] for i in keep], dtype=object), return_inverse=True, return_counts=True
    )
    distinct_docs = [str(d) for d in distinct]
    weights = counts.astype(np.float64)
    n = len(distinct_docs)
    k = min(n_themes or default_theme_count(len(keep)), n)
    vectors = _vectors(distinct_docs)
    if k <= 1:
        labels = np.zeros(n, dtype=np.int64)
        centres = np.asarray(vectors.mean(axis=0))
    else:
        # Full k-means is steadier on a month's few hundred notes; mini-batches keep tens of
        # thousands of notes well inside the digest's time budget.
        if n <= SMALL_CORPUS:
            model = KMeans(n_clusters=k, random_state=seed, n_init=10)
        else:
            model = MiniBatchKMeans(
                n_clusters=k, random_state=seed, n_init=3, batch_size=4096, max_no_improvement=20
            )
        labels = model.fit_predict(vectors, sample_weight=weights)
        centres = model.cluster_centers_
    sample = np.arange(n)
    if n > LABEL_SAMPLE:
        sample = np.sort(np.random.default_rng(seed).choice(n, size=LABEL_SAMPLE, replace=False))
    terms = _label_terms([distinct_docs[i] for i in sample], labels[sample], weights[sample], k)
    themes = []
    for cluster in range(k):
        members = np.flatnonzero(labels == cluster)
        if members.size == 0:
            continue
        closeness = np.asarray(vectors[members] @ centres[cluster].T).ravel()
        best_distinct = members[np.argsort(-closeness)[:examples]]
        note_members = keep[np.isin(inverse, members)]
        example_notes = [int(keep[np.flatnonzero(inverse == d)[0]]) for d in best_distinct]
        top = terms[cluster]
        themes.append(
            Theme(
                label=" · ".join(top[:3]) if top else distinct_docs[int(best_distinct[0])][:60],
                top_terms=top,
                members=note_members.tolist(),
                examples=example_notes,
            )
        )
    themes.sort(key=lambda t: -len(t.members))
    return themes
