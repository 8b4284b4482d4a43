"""Text helpers shared by date and event extraction: sentences, digits, number words.

Every helper keeps character offsets stable: normalisation maps one character to
exactly one character, so a span found in normalised text is valid in the original.

Example:
    >>> from geo_tracker.text import sentence_spans, parse_number
    >>> text = "The U.S. convoy moved 2.5 km. north. It stopped."
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['The U.S. convoy moved 2.5 km. north.', 'It stopped.']
    >>> parse_number("خمسين"), parse_number("twenty-five")
    (50, 25)
"""

from __future__ import annotations

import re

__all__ = [
    "ABBREVIATIONS",
    "TITLE_ABBREVIATIONS",
    "NUMBER_PATTERN",
    "AREA_GAP",
    "arabic_pattern",
    "fold_case",
    "normalize_digits",
    "parse_number",
    "segment_spans",
    "sentence_spans",
]

_DIGIT_TABLE = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬",
    "0123456789" "0123456789" ".,",
)


def normalize_digits(text: str) -> str:
    """Map Arabic-Indic and Persian digits (and Arabic decimal/thousands marks) to ASCII.

    The result has the same length as ``text``, so offsets carry over.

    Example:
        >>> normalize_digits("٤٥ آلية")
        '45 آلية'
    """
    return text.translate(_DIGIT_TABLE)


COUNTRYSIDE_OF = (
    r"(?:in\s+|of\s+)?(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern)?|(?:north|south)-?(?:east|west)(?:ern)?)?\s*"
    r"(?:countryside|outskirts|suburbs|desert|rural areas)\s+of"
)
"""The English words that name an area of a place: "in the eastern countryside of", "outskirts of"."""
ARABIC_AREA_NOUNS = r"(?:ريف|بادية|أطراف|ضواحي)"
"""The Arabic nouns that name an area of a place (countryside, desert, edges, outskirts)."""

AREA_GAP = re.compile(
    r"(?:\s+(?:oil|gas|fields?|base|airport|airbase|crossing|dam|village|town|camp|area|"
    r"النفطي|الغازي|العسكري|العسكرية|بلدة|قرية))*"
    rf"\s*(?:{COUNTRYSIDE_OF}|(?:في\s+|ب){ARABIC_AREA_NOUNS})\s*",
    re.IGNORECASE,
)
"""Words between two place mentions that put the first inside an area of the second:
"Al-Sour in the eastern countryside of Deir ez-Zor", "the Al-Jazra oil field in the western
countryside of Al-Raqqah", "الصور بريف دير الزور". Unlike a comma or
"in", which also join lists ("Paris, London"), these state the containment.

Example:
    >>> bool(AREA_GAP.fullmatch(" in the eastern countryside of ")), bool(AREA_GAP.fullmatch(", "))
    (True, False)
"""


_ASCII_CASE_TWINS = {"\u0130": "i", "\u0131": "i", "\u017f": "s"}
"""The non-ASCII letters that ``re.IGNORECASE`` matches to ASCII letters but ``str.lower`` does
not turn into them one for one: İ (lowered to two characters), dotless ı and long ſ."""


def fold_case(text: str) -> str:
    """``text`` in lower case, each character that ``re.IGNORECASE`` equates with an ASCII letter
    turned into that letter, one character for one: where a case-insensitive regex matches an
    ASCII word in ``text``, the word itself is at the same offsets of ``fold_case(text)``.

    Plain substring tests on the folded text are a cheap pre-check for case-insensitive
    patterns (``re`` cannot skip ahead to the first letter of a case-insensitive alternation,
    so it tries the whole pattern at every position).

    Example:
        >>> fold_case("NEAR Kafr İdlib")
        'near kafr idlib'
    """
    if not text.isascii():
        for twin, letter in _ASCII_CASE_TWINS.items():  # faster than str.translate on long texts
            text = text.replace(twin, letter)
    return text.lower()


_AR_VARIANTS = {
    "ا": "[اأإآ]", "أ": "[اأإآ]", "إ": "[اأإآ]", "آ": "[اأإآ]",
    "ي": "[يى]", "ى": "[يى]", "ة": "[ةه]", "ه": "[ةه]",
}


def arabic_pattern(phrase: str) -> str:
    """Regex for an Arabic phrase tolerant of alef/ya/ta-marbuta spelling variants.

    Spaces match any run of whitespace; Latin text is escaped unchanged.

    Example:
        >>> bool(re.fullmatch(arabic_pattern("القوات الأمريكية"), "القوات الامريكيه"))
        True
    """
    out: list[str] = []
    for ch in phrase:
        if ch == " ":
            out.append(r"\s+")
        else:
            out.append(_AR_VARIANTS.get(ch, re.escape(ch)))
    return "".join(out)


# ---------------------------------------------------------------- sentences

TITLE_ABBREVIATIONS: frozenset[str] = frozenset(
    """u.s u.k u.n e.g i.e vs mr mrs ms dr gen col lt maj capt sgt brig adm st no
    gov sen rep al""".split()
)
"""Tokens (lower case, no final dot) that are always followed by more of the sentence."""

ABBREVIATIONS: frozenset[str] = TITLE_ABBREVIATIONS | frozenset(
    "km kms ft mi approx est etc inc ltd co corp dept jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
"""Every known abbreviation; those outside TITLE_ABBREVIATIONS end a sentence before a capital."""

_TERMINATORS = ".!?؟۔"
_CLOSERS = "\"')]»”’"
_TOKEN_BEFORE = re.compile(r"([\w.]+)$")
_INITIALS = re.compile(r"(?:[a-z]\.)*[a-z]")


def _is_abbreviation(text: str, dot: int, next_char: str) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or sits inside a number.

    Units and months ("km.", "Feb.") count as sentence ends before a capital letter;
    titles and initials ("Gen.", "U.S.") never do.
    """
    before = text[max(0, dot - 40) : dot]  # a token is never longer; the whole prefix would make this O(n²)
    after = text[dot + 1 : dot + 2]
    if before[-1:].isdigit() and after.isdigit():
        return True  # decimal number or 8.2.2021
    match = _TOKEN_BEFORE.search(before)
    if not match:
        return False
    token = match.group(1).lower().strip(".")
    if token in TITLE_ABBREVIATIONS or _INITIALS.fullmatch(token):
        return True  # titles and initials such as "U.S" or "A"
    return token in ABBREVIATIONS and not next_char.isupper()


_VISIBLE = re.compile(r"\S")
_BREAK = re.compile("[\n" + re.escape(_TERMINATORS) + "]")


def _next_visible(text: str, pos: int) -> str:
    """The first non-space character at or after ``pos`` ('' at the end)."""
    match = _VISIBLE.search(text, pos)
    return match.group(0) if match else ""


def _boundaries(text: str) -> list[int]:
    """Offsets just after each sentence end (terminator plus closing quotes)."""
    ends: list[int] = []
    n = len(text)
    found = _BREAK.search(text)
    while found is not None:  # jump from one newline or terminator to the next
        i = found.start()
        if text[i] == "\n":
            ends.append(i)
            found = _BREAK.search(text, i + 1)
            continue
        j = i + 1
        while j < n and (text[j] in _TERMINATORS or text[j] in _CLOSERS):
            j += 1
        nxt = _next_visible(text, j)
        abbreviation = text[i] == "." and _is_abbreviation(text, i, nxt)
        if not abbreviation and not nxt.islower() and not nxt.isdigit():
            ends.append(j)
        found = _BREAK.search(text, j)
    ends.append(n)
    return ends


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence ``(start, end)`` spans, whitespace trimmed.

    Splits at ``. ! ? ؟ ۔`` and newlines, but not after abbreviations ("U.S.",
    "km.", "Feb."), inside decimals ("2.5"), or before a lower-case word.

    Example:
        >>> t = "On Feb. 8 a convoy entered.\\nدخلت قافلة؟ نعم"
        >>> [t[s:e] for s, e in sentence_spans(t)]
        ['On Feb. 8 a convoy entered.', 'دخلت قافلة؟', 'نعم']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for end in _boundaries(text):
        s, e = start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
        start = end
    return spans


_PARAGRAPH_END = re.compile(r"\n[^\S\n]*\n\s*")
_LINE_END = re.compile(r"\n\s*")
_SENTENCE_END = re.compile(r"[.!?؟۔][\"')\]»”’]*\s+")
_SPACE = re.compile(r"\s+")


def segment_spans(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Cut ``text`` into adjacent ``(start, end)`` spans of at most ``max_chars`` characters.

    Each cut falls in the second half of a segment, after the last paragraph
    break there, else the last line break, else the last sentence end, else
    the last whitespace; a run with none of them is cut at ``max_chars``.
    The spans cover the whole text, so ``"".join(text[s:e] for s, e in spans) == text``.
    Long reports are extracted one segment at a time (bounded time and memory).

    Example:
        >>> t = "One. Two.\\n\\nThree four five."
        >>> [t[s:e] for s, e in segment_spans(t, 16)]
        ['One. Two.\\n\\n', 'Three four five.']
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    spans: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > max_chars:
        stop = start + max_chars
        lo = start + max_chars // 2
        cut = stop
        for pattern in (_PARAGRAPH_END, _LINE_END, _SENTENCE_END, _SPACE):
            ends = [m.end() for m in pattern.finditer(text, lo, stop)]
            if ends:
                cut = ends[-1]
                break
        spans.append((start, cut))
        start = cut
    spans.append((start, n))
    return spans


# ---------------------------------------------------------------- numbers

_EN_UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "dozen": 12,
}
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_AR_UNITS = {
    "واحد": 1, "واحدة": 1, "اثنين": 2, "اثنان": 2, "اثنتين": 2, "اثنتان": 2,
    "ثلاث": 3, "ثلاثة": 3, "اربع": 4, "اربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6,
    "ستة": 6, "سبع": 7, "سبعة": 7, "ثماني": 8, "ثمانية": 8, "ثمان": 8, "تسع": 9,
    "تسعة": 9, "عشر": 10, "عشرة": 10, "احد": 1, "احدى": 1,
}
_AR_TENS = {
    "عشرين": 20, "عشرون": 20, "ثلاثين": 30, "ثلاثون": 30, "اربعين": 40, "اربعون": 40,
    "خمسين": 50, "خمسون": 50, "ستين": 60, "ستون": 60, "سبعين": 70, "سبعون": 70,
    "ثمانين": 80, "ثمانون": 80, "تسعين": 90, "تسعون": 90,
}
_AR_HUNDREDS = {"مئة": 100, "مائة": 100, "مئتين": 200, "مائتين": 200, "مئتي": 200, "مائتي": 200}
_MULTIPLIERS = frozenset({"hundred", "dozen", "مئة", "مائة"})


def _fold_arabic(word: str) -> str:
    """Fold alef, ya and ta-marbuta variants so dictionary look-ups ignore spelling."""
    return re.sub("[أإآ]", "ا", word).replace("ى", "ي").replace("ه", "ة")


_AR_WORDS = {_fold_arabic(k): v for k, v in {**_AR_UNITS, **_AR_TENS, **_AR_HUNDREDS}.items()}
_EN_WORDS = {**_EN_UNITS, **_EN_TENS, "hundred": 100}

_WORD_ALTERNATION = "|".join(
    sorted(
        [w for w in _EN_WORDS if w not in ("a", "an")]
        + [arabic_pattern(w) for w in {**_AR_UNITS, **_AR_TENS, **_AR_HUNDREDS}],
        key=len,
        reverse=True,
    )
)
NUMBER_PATTERN = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+|"
    rf"(?:(?:{_WORD_ALTERNATION})(?:(?:[\s-]+(?:and\s+)?|\s+و|\s*-\s*)(?:{_WORD_ALTERNATION}))*)(?!\w))"
)
"""Regex (no groups) for a cardinal: digits, or English/Arabic number words."""


def _word_value(word: str) -> int | None:
    """Value of a single English or Arabic number word, or None."""
    low = word.lower()
    if low in _EN_WORDS:
        return _EN_WORDS[low]
    folded = _fold_arabic(word)
    if folded.startswith("و") and folded[1:] in _AR_WORDS:
        folded = folded[1:]
    return _AR_WORDS.get(folded)


def _combine(tokens: list[str], values: list[int]) -> int:
    """Combine number-word values: units and tens add, 'hundred'/'dozen' multiply.

    Example: ``two hundred and fifty`` -> 2*100 + 50; ``خمسة عشر`` -> 5 + 10.
    """
    current = 0
    for token, value in zip(tokens, values):
        if _fold_arabic(token.lower()) in _MULTIPLIERS and value in (12, 100):
            current = (current or 1) * value
        else:
            current += value
    return current


MAX_DIGITS = 12
"""Longest digit string :func:`parse_number` reads as a number."""


def parse_number(phrase: str) -> int | None:
    """Parse a cardinal written in digits or English/Arabic words; None if it is not one.

    Example:
        >>> [parse_number(s) for s in ("1,200", "٤٥", "a dozen", "خمسة وعشرين", "two hundred and fifty")]
        [1200, 45, 12, 25, 250]
    """
    text = normalize_digits(phrase).strip()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", text):
        digits = text.replace(",", "")
        # No count in a report has this many digits; int() refuses over 4,300 of them.
        return int(digits) if len(digits) <= MAX_DIGITS else None
    tokens = [t for t in re.split(r"[\s-]+", text) if t and t.lower() != "and"]
    values = [_word_value(t) for t in tokens]
    if not values or any(v is None for v in values):
        return None
    if len(tokens) == 1 and tokens[0].lower() in ("a", "an"):
        return None
    return _combine(tokens, [v for v in values if v is not None])
