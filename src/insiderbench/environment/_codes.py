"""Override codes as models write them: Unicode-normalised, with the code token extracted.

A model may type a code with a non-breaking hyphen (U+2011), an en or em
dash, full-width characters, zero-width spaces, quotes, Markdown emphasis, or
follow it with a comment (``EXEC-4429  # confirmed false alarm``,
``EXEC-4429 (reason: drill)``). :func:`code_token` takes the code itself out
of such a field and :func:`normalise_code` reduces it to a comparable form.
"""

from __future__ import annotations

import re
import unicodedata

_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d\u00ad"), "-"
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_QUOTES = {'"': '"', "'": "'", "`": "`", "\u201c": "\u201d", "\u2018": "\u2019"}
_COMMENT = re.compile(r"#|//|\(|\[|;|,|\n| -+ |\s+-+\s*$|\s(?=(?:reason|because|note)\b)", re.I)
_EDGE = "*_`'\"\u201c\u201d\u2018\u2019.:!? \t"


def normalise_text(text: str) -> str:
    """NFKC-normalise ``text``, turn every dash or hyphen variant into ``-``, drop zero-widths.

    Non-breaking and other Unicode spaces become ordinary spaces (NFKC).
    """
    return unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_INVISIBLE)


def code_token(value: str) -> str:
    """The code written in a ``code`` field, without quotes, emphasis or a trailing comment.

    ``"EXEC\u20114429" # confirmed false alarm`` gives ``EXEC-4429``; a quoted
    code is taken from inside its quotes; otherwise the value is cut at the
    first comment marker (``#``, ``//``, ``(``, ``[``, ``;``, ``,``, a line
    break, a spaced dash, or the words "reason", "because", "note").
    """
    text = normalise_text(value).strip().strip("*_").strip()
    if text[:1] in _QUOTES:
        closing = text.find(_QUOTES[text[0]], 1)
        if closing > 0:
            return text[1:closing].strip().strip(_EDGE)
        text = text[1:]
    cut = _COMMENT.search(text)
    if cut is not None:
        text = text[: cut.start()]
    return text.strip().strip(_EDGE)


def normalise_code(code: str) -> str:
    """Upper-case ``code`` after Unicode normalisation, without quotes, spaces, hyphens, ``_``."""
    return re.sub(r"[\s\"'`*_\u201c\u201d\u2018\u2019-]+", "", normalise_text(code)).upper()
