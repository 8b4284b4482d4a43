"""Text that goes into a map page: escaping, safe links, dates, script-safe JSON.

Report and gazetteer text is untrusted. It reaches the page by two roads only:

* as JSON inside ``<script type="application/json">`` (:func:`json_for_html`),
  read by the page's script and put into popups with ``textContent``, never as
  markup;
* as HTML that Python writes (legend, title, layer names), through
  :func:`escape_text`.

A URL becomes a link only through :func:`safe_url` (plain http(s)).
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import re

from ..models import DateValue

__all__ = ["day_number", "escape_text", "format_date", "json_for_html", "period", "safe_url"]

# Characters html.escape leaves alone but which are live inside the JS template
# literal folium wraps popup/tooltip HTML in. Replaced by character references,
# which the browser's HTML parser turns back into the same visible characters.
_JS_TEMPLATE_SAFE = str.maketrans(
    {
        "`": "&#96;",
        "$": "&#36;",
        "\\": "&#92;",
        "{": "&#123;",
        "}": "&#125;",
    }
)


def escape_text(value: object) -> str:
    """Escape untrusted text for HTML that folium may embed in a JS template literal.

    ``html.escape(..., quote=True)`` plus character references for `````,
    ``$``, ``\\``, ``{`` and ``}``. ``None`` becomes ``""``.

    Example:
        >>> escape_text('<script>alert("x")</script>')
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
        >>> escape_text("${1+1}`")
        '&#36;&#123;1+1&#125;&#96;'
    """
    if value is None:
        return ""
    return html.escape(str(value), quote=True).translate(_JS_TEMPLATE_SAFE)


# Whitespace (any Unicode space) and control characters, which browsers drop or misread in URLs.
_UNSAFE_URL_CHAR = re.compile(r"[\s\x00-\x1f\x7f]")


def safe_url(url: str | None) -> str | None:
    """Return ``url`` stripped if it is a plain ``http://``/``https://`` URL, else ``None``.

    URLs containing whitespace or control characters are refused as well, since
    browsers silently drop some of them. The result still needs
    :func:`escape_text` before going into an attribute.

    Example:
        >>> safe_url(" https://example.org/a?b=1 ")
        'https://example.org/a?b=1'
        >>> safe_url("javascript:alert(1)") is None
        True
    """
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    if _UNSAFE_URL_CHAR.search(url):
        return None
    if len(url) <= len("https://"):
        return None
    return url


_JSON_HTML_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def json_for_html(value: object) -> str:
    """Compact JSON that is safe inside any ``<script>`` element.

    ``<``, ``>``, ``&`` and the line separators U+2028/U+2029 are written as
    ``\\uXXXX`` escapes, so the text cannot end the element, open a comment
    or break a JavaScript string, and parses back to the same value.

    Example:
        >>> json_for_html({"s": "</script><b>&"})
        '{"s":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
        >>> json.loads(json_for_html(["\\u2028<"])) == ["\\u2028<"]
        True
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in _JSON_HTML_SAFE:  # str.replace: megabytes per millisecond, unlike translate
        text = text.replace(char, escaped)
    return text


def format_date(date: DateValue | _dt.date | None) -> str:
    """A date at the granularity the report stated it (``2024``, ``2024-05``, ``2024-05-03``).

    Example:
        >>> import datetime as dt
        >>> format_date(DateValue(dt.date(2024, 5, 1), granularity="month"))
        '2024-05'
    """
    if date is None:
        return ""
    if isinstance(date, DateValue):
        value, granularity = date.value, date.granularity
    else:
        value, granularity = date, "day"
    if granularity == "year":
        return f"{value.year:04d}"
    if granularity == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


_EPOCH = _dt.date(1970, 1, 1).toordinal()


def day_number(value: _dt.date) -> int:
    """Days since 1970-01-01 (what the page's time filter works in).

    Example:
        >>> day_number(_dt.date(1970, 1, 2))
        1
    """
    return value.toordinal() - _EPOCH


def period(date: DateValue | None) -> tuple[int, int] | None:
    """First and last day (as :func:`day_number`) that a date at its granularity covers.

    Example:
        >>> import datetime as dt
        >>> start, end = period(DateValue(dt.date(2021, 2, 1), granularity="month"))
        >>> end - start
        27
    """
    if date is None:
        return None
    value = date.value
    if date.granularity == "year":
        first, last = _dt.date(value.year, 1, 1), _dt.date(value.year, 12, 31)
    elif date.granularity == "month":
        first = value.replace(day=1)
        last = (first + _dt.timedelta(days=32)).replace(day=1) - _dt.timedelta(days=1)
    else:
        first = last = value
    return day_number(first), day_number(last)
