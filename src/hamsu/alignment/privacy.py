"""Small-group protection for breakdowns by function.

Blanking a small group is not enough: with the company mean and the other groups' means
and sizes on screen, the blanked group's mean is one subtraction away. So groups below
the minimum size are *pooled* into "other"; and when that pool is itself too small, its
answers are left out of every figure (company score included) rather than merged into
sales or marketing, whose gap is the study's main finding. Either way, every group
shown, and anything derivable from them by subtraction, covers at least ``min_size``
people.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from hamsu.analytics.diagnostic import Response

POOLED = "other"


@dataclass(frozen=True)
class Pooled:
    responses: list[Response]
    pooled: list[str]  # functions shown together as "other"
    left_out: int  # answers of a residual group too small to show at all


def pool_small_groups(responses: list[Response], min_size: int) -> Pooled:
    """Relabel or leave out answers so every group shown has at least ``min_size`` people.

    The caller must not show anything when there are fewer than ``min_size`` responses
    in total (then even the company mean is one small group).
    """
    counts = Counter(r.function for r in responses)
    small = {name for name, n in counts.items() if n < min_size}
    if not small or (small == {POOLED} and counts[POOLED] >= min_size):
        return Pooled(list(responses), [], 0)
    pool = small | ({POOLED} if counts.get(POOLED) else set())
    size = sum(counts[name] for name in pool)
    if size < min_size:
        kept = [r for r in responses if r.function not in pool]
        return Pooled(kept, sorted(pool - {POOLED} or pool), size)
    relabelled = [replace(r, function=POOLED) if r.function in pool else r for r in responses]
    return Pooled(relabelled, sorted(small - {POOLED}), 0)
