"""Whether a text is in the language the rule cues are written in (English).

The blackmail and intent cues are English word lists. A message in another
language would slip past every cue and be read as harmless, so the rules ask
this module first and abstain ("undetermined") on text they cannot read.
Detection is deliberately simple: common function words per language, and the
share of letters outside the Latin script.
"""

from __future__ import annotations

import re

COVERED = "en"
"""The one language the cue lists cover."""

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": word_set(
        "the and of to a in is it you that for this be will with your on not are have i we my "
        "me at as if or but by from can would should about what so do please"
    ),
    "fr": word_set(
        "le la les et des du un une est que qui pour vous dans pas avec sur je nous votre ce "
        "cette mais ou si sont être au aux ne"
    ),
    "de": word_set(
        "der die das und ist nicht sie ich wir ein eine mit für auf dass den dem zu von wenn "
        "oder aber ihre ihr sich auch noch wird"
    ),
    "es": word_set(
        "el la los las y de que en un una es por para con no su se lo si pero usted como del "
        "al sus está"
    ),
    "it": word_set(
        "il lo la gli le e di che non un una per con sono è del della se ma come lei suo sua questo"
    ),
    "pt": word_set(
        "o a os as e de que em um uma não para com por se mas você seu sua do da é isso este"
    ),
    "nl": word_set(
        "de het een en van is niet ik je u dat die met voor op zijn als maar ook wordt uw wij"
    ),
}


def language_of(text: str) -> str | None:
    """Best guess of the language of ``text`` (``en``, ``fr``, ...), None if too little text.

    Text mostly in a non-Latin script is reported as ``other``.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    non_latin = sum(
        1 for c in letters if not ("a" <= c.lower() <= "z" or "\u00c0" <= c <= "\u024f")
    )
    if non_latin / len(letters) > 0.3:
        return "other"
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 4:
        return None
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] == 0:
        return None
    # English wins ties: short words such as "a", "de", "is" are shared.
    return COVERED if scores[COVERED] >= scores[best] else best


def readable(text: str) -> bool:
    """Whether the cue lists can read ``text``: English, or too short to tell."""
    return language_of(text) in (COVERED, None)
