"""Whether an event cue states a fact: negation, denial, intention and future, scoped to the cue's clause.

News reports deny events ("the convoy did not enter", "نفت انسحابها"), announce them ("is
expected to arrive", "تستعد للانسحاب", "will withdraw") and state them. Only the last are facts.
:func:`modality` reads the clause of one cue and says which:

* **clause** (:func:`clause`): the stretch of the sentence around the cue bounded by
  punctuation (``, ; : ( ) — ،  ؛``) and contrastive conjunctions ("but", "while",
  "however", "لكن", "بينما", "في حين", "إلا أن"); "and" is not a boundary. A negation or modal in
  another clause ("The coalition denied the report, but a convoy entered…") does not apply.
* **cue before the event word**, between the clause start and the event word: a denial
  ("denied", "refuted", "نفى", "نفت") or an intention/expectation ("expected to", "preparing to",
  "plans to", "intends to", "من المتوقع", "تستعد", "تعتزم", "يعتزم", "تنوي") anywhere there; a
  negation particle ("not", "n't", "never", "no", "لم", "لن", "لا", "ليس", "عدم") or a future
  auxiliary ("will", "would", "may", "سوف") at most three words before the word ("has not yet
  been withdrawn"), so that "a convoy that did not stop at X entered…" stays a fact. Cues *after*
  the word do not count ("entered Syria and did not stop"), except
* **future time** anywhere in the clause ("next week", "tomorrow", "in the coming days",
  "الأسبوع المقبل", "غداً", "خلال الأيام المقبلة").

Quantifiers are not negations: "no fewer than", "not less than", "not only", "no longer",
"لا يقل عن", "لا تزال" (still), "لا سيما" (especially).

Negation wins over intention ("will not withdraw" is 'negated'). The result is ``None``
for a stated fact.

:func:`background` tells whether a date expression lies in a background clause of the cue
("…returned to the base *they had left in 2019*", "…بعد أن كانت قد انسحبت منها"): a past-perfect
or relative clause, so the date is not the event's.

Example:
    >>> t = "The convoy did not enter Syria, but another convoy entered Iraq."
    >>> modality(t, t.index("enter")), modality(t, t.index("entered"))
    ('negated', None)
    >>> t = "A convoy of 50 trucks is expected to arrive at Rmelan next week."
    >>> modality(t, t.index("arrive")), modality(t, t.index("convoy"), noun=True)
    ('planned', 'planned')
    >>> modality("نفت القوات الأمريكية انسحابها من القاعدة", 20)
    'negated'
"""

from __future__ import annotations

import re
from typing import Literal

from .lexicon import CONVOY_CUES, MOVEMENT_VERBS, find_terms

__all__ = ["Modality", "background", "clause", "clause_spans", "modality", "states_movement"]

Modality = Literal["negated", "planned"]

Span = tuple[int, int]

_AR_END = r"(?!\w)"

_BOUNDARY = re.compile(
    r"[,;:()\[\]،؛!?]|\s[—–-]\s"
    r"|(?<![\w-])(?:but|however|whereas|while|although|though)(?![\w-])"
    r"|(?<!\w)(?:و?لكن|بينما|في حين|إلا أن|الا أن|غير أن)" + _AR_END,
    re.IGNORECASE,
)

_NEGATION = re.compile(
    r"(?<![\w-])(?:"
    r"not(?! (?:only|less|fewer|more|far|long)\b)|cannot|never|"
    r"no(?! (?:fewer|less|more|longer|sooner|doubt)\b)(?= [a-z])"
    r")(?![\w-])"
    r"|n't(?![\w-])"
    r"|(?<!\w)[وف]?(?:لم|لن|ليس|ليست|عدم|لا(?! ?(?:يقل|تقل|يزال|تزال|زال|زالت|سيما|سيّما)))" + _AR_END,
    re.IGNORECASE,
)
"""Negation particles: they negate the verb right after them ("did not enter", "لم تدخل")."""

_DENIAL = re.compile(
    r"(?<![\w-])(?:"
    r"den(?:y|ies|ied|ying|ial)|refut(?:e|es|ed|ing)|"
    r"(?:dismiss|reject)(?:ed|s|ing)? (?:the )?(?:reports?|claims?|allegations?|rumou?rs?)"
    r")(?![\w-])"
    r"|(?<!\w)[وف]?(?:نفى|نفت|ينفي|تنفي|نفي|نفيها|نفيه|كذبت|كذب)" + _AR_END,
    re.IGNORECASE,
)
"""Denials: they negate the whole clause after them ("denied it had withdrawn from")."""

_AUXILIARY = re.compile(
    r"(?<![\w-])(?:will|would|shall|(?-i:may|might)(?= [a-z]))(?![\w-])|'ll(?![\w-])|(?<!\w)[وف]?سوف" + _AR_END,
    re.IGNORECASE,
)
"""Future and possibility auxiliaries: like particles, they bind the verb right after them."""

_MODAL = re.compile(
    r"(?<![\w-])(?:"
    r"(?<!as )(?<!un)expected|(?:set|due|poised|slated|scheduled|ready) to|"
    r"(?:is|are|was|were) (?:about|going) to|"
    r"(?:plans?|planning|planned|intends?|intending|intention|aims?|aiming|seeks?|seeking|decided|"
    r"prepar(?:es?|ed|ing)|getting ready|threaten(?:s|ed|ing)?)(?: \w+)? to"
    r")(?![\w-])"
    r"|(?<!\w)[وف]?(?:من المتوقع|من المقرر|يتوقع|تتوقع|يُتوقع|متوقع|المتوقع|مرتقب|المرتقب|المرتقبة|مرتقبة|"
    r"تستعد|يستعد|تعتزم|يعتزم|تنوي|ينوي|تخطط|يخطط|تسعى|يسعى|بصدد|تتجه نية)"
    + _AR_END,
    re.IGNORECASE,
)
"""Intentions and expectations: they govern the clause after them ("expected to arrive")."""

_FUTURE_TIME = re.compile(
    r"(?<![\w-])(?:tomorrow|next (?:week|month|year|few days|days)|in the (?:coming|next) (?:days|weeks|months|hours)|"
    r"later this (?:week|month|year))(?![\w-])"
    r"|(?<!\w)(?:غدا|غداً|الأسبوع المقبل|الاسبوع المقبل|الشهر المقبل|العام المقبل|الأيام المقبلة|الايام المقبلة|"
    r"الأيام القادمة|الايام القادمة|الأسبوع القادم|الشهر القادم)" + _AR_END,
    re.IGNORECASE,
)

_BACKGROUND = re.compile(
    r"(?<![\w-])(?:had|which|who|whom|whose|where|after|before)(?![\w-])"
    r"|(?<!\w)[وف]?(?:كانت قد|كان قد|سبق أن|سبق لها|سبق له|التي|الذي|الذين|بعد أن|قبل أن|عقب)" + _AR_END,
    re.IGNORECASE,
)


def clause_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """The clauses of the sentence ``text[start:end]``, in order: the stretches between boundaries
    (punctuation ``, ; : ( ) [ ] — ، ؛ ! ?`` and the contrastive conjunctions of the module doc).
    The one clause splitter of the event rules: modality reads a cue's clause, and the convoy
    route parser attaches each place to the cue that governs it in its own clause.

    Example:
        >>> t = "A convoy left X, heading to Y; another left."
        >>> [t[a:b] for a, b in clause_spans(t)]
        ['A convoy left X', ' heading to Y', ' another left.']
    """
    end = len(text) if end is None else end
    out, left = [], start
    for m in _BOUNDARY.finditer(text, start, end):
        out.append((left, m.start()))
        left = m.end()
    out.append((left, end))
    return out


def clause(text: str, pos: int, start: int = 0, end: int | None = None) -> Span:
    """The clause of ``text[start:end]`` (a sentence) that holds the position ``pos`` (see
    :func:`clause_spans`).

    Example:
        >>> t = "Not far away, a convoy entered Syria; another left."
        >>> s, e = clause(t, t.index("entered"))
        >>> t[s:e]
        ' a convoy entered Syria'
    """
    spans = clause_spans(text, start, end)
    return next((s for s in spans if s[1] >= pos), spans[-1])


def modality(text: str, pos: int, start: int = 0, end: int | None = None, noun: bool = False) -> Modality | None:
    """'negated', 'planned' or None (a stated fact) for the event word at ``pos`` of the sentence
    ``text[start:end]`` (rules in the module docstring). ``noun`` reads the whole clause, not only
    the words before ``pos``: for a noun ("a convoy … is expected"), whose verb comes after it.

    Example:
        >>> t = "US forces denied they had withdrawn from the base."
        >>> modality(t, t.index("withdrawn"))
        'negated'
        >>> t = "A convoy of no fewer than 40 trucks entered Syria."
        >>> modality(t, t.index("entered")) is None
        True
    """
    left, right = clause(text, pos, start, end)
    before = (left, right) if noun else (left, pos)
    if _DENIAL.search(text, *before) or _binds(_NEGATION, text, before, noun):
        return "negated"
    if _MODAL.search(text, *before) or _binds(_AUXILIARY, text, before, noun) or _FUTURE_TIME.search(text, left, right):
        return "planned"
    return None


def _binds(regex: re.Pattern[str], text: str, window: Span, noun: bool) -> bool:
    """A particle or auxiliary in ``window`` that binds the event word at its end: at most
    :data:`PARTICLE_REACH` words between them ("has not yet been withdrawn"), so a negation
    earlier in the clause ("a convoy that did not stop at X entered…") does not. For a noun,
    anywhere in its clause ("No convoy has entered", "a convoy will arrive")."""
    for m in regex.finditer(text, *window):
        if noun or len(text[m.end() : window[1]].split()) <= PARTICLE_REACH:
            return True
    return False


PARTICLE_REACH = 3
"""Words allowed between a negation particle or auxiliary and the verb it binds."""


def background(text: str, date_start: int, anchor: int, start: int = 0, end: int | None = None) -> bool:
    """True when the date expression at ``date_start`` belongs to a background clause of the event
    word at ``anchor`` (a past-perfect or relative clause), not to the event itself.

    After the event word, a background marker ("had", "which", "after", "التي", "كانت قد"…) between
    the two makes the date background; before it, the date's own clause must be set off by
    punctuation and hold such a marker ("After they had left it in 2019, US forces returned").

    Example:
        >>> t = "US forces returned to the base they had left in 2019."
        >>> background(t, t.index("in 2019"), t.index("returned"))
        True
        >>> t = "On 8 February, US forces returned to the base."
        >>> background(t, t.index("On 8"), t.index("returned"))
        False
    """
    if date_start >= anchor:
        return bool(_BACKGROUND.search(text, anchor, date_start))
    left, right = clause(text, date_start, start, end)
    if right >= anchor:
        return False
    return bool(_BACKGROUND.search(text, left, right))


_CROSSING_NOUN = re.compile(r"crossings?(?! (?:into|over|through|the|from|to|towards|back)\b)", re.IGNORECASE)
""""crossing" as a noun ("the Al-Walid crossing"), not a verb ("crossing into Syria")."""


def states_movement(text: str, span: Span) -> bool:
    """True when the sentence ``text[span]`` states a convoy movement as a fact: some movement verb
    ("entered", "دخلت"…) of it is neither negated nor planned; without one, its convoy word's
    clause is neither ("A convoy … is expected next week" is not a movement); without either, its
    first clause is neither ("It did not carry weapons" adds nothing to the convoy before it).

    Example:
        >>> t = "The convoy did not enter Syria. A convoy of 9 trucks entered Syria."
        >>> states_movement(t, (0, 31)), states_movement(t, (32, len(t)))
        (False, True)
        >>> states_movement("من المتوقع أن تصل قافلة إلى رميلان", (0, 34))
        False
    """
    verbs = [v for v in find_terms(MOVEMENT_VERBS, text, *span) if not _CROSSING_NOUN.match(text, v.start)]
    if verbs:
        return any(modality(text, v.start, *span) is None for v in verbs)
    anchors = [n.start for n in find_terms(CONVOY_CUES, text, *span)] or [span[0]]
    return any(modality(text, pos, *span, noun=True) is None for pos in anchors)
