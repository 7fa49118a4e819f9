"""Did-you-mean suggestions for names a user types: presets, field paths, outcomes.

One helper so that every "unknown X" message reads the same way and offers the closest
spellings (``difflib``'s ratio, the same measure git and pip use for their hints).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` of ``choices`` closest to ``word`` (best first); case is ignored."""
    options = [str(c) for c in choices]
    lowered = {c.lower(): c for c in options}
    hits = difflib.get_close_matches(str(word).lower(), list(lowered), n=n, cutoff=cutoff)
    return [lowered[h] for h in hits]


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """``"; did you mean 'x'?"`` (or ``'x' or 'y'``) when some choice is close, else ``""``.

    Meant to be appended to an error message: ``f"unknown preset {w!r}{did_you_mean(w, names)}"``.
    """
    hits = close_matches(word, choices, n=n)
    if not hits:
        return ""
    return "; did you mean " + " or ".join(repr(h) for h in hits) + "?"
