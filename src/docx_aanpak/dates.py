"""Word date formats (``w:dateFormat``) in the control's language (``w:lid``).

Word formats a date control's text with a picture such as ``d MMMM yyyy`` and the month and day
names of the control's language, so a Dutch control shows "14 maart 2025".
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["format_date", "parse_date"]

_NAMES: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    # language: (months, month abbreviations, weekdays from Monday, weekday abbreviations)
    "nl": (
        [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
        ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
        ["ma", "di", "wo", "do", "vr", "za", "zo"],
    ),
    "en": (
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    ),
    "de": (
        [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        ["Jan", "Feb", "Mrz", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"],
        ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
        ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
    ),
    "fr": (
        [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        [
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],
        ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
        ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
    ),
}

# Word's default picture per language when a control has no w:dateFormat.
_DEFAULT_FORMAT = {"nl": "d-M-yyyy", "en": "M/d/yyyy", "de": "dd.MM.yyyy", "fr": "dd/MM/yyyy"}

_TOKEN = re.compile(r"'[^']*'|dddd|ddd|dd|d|MMMM|MMM|MM|M|yyyy|yy|y|.", re.DOTALL)


def _language(lid: str | None) -> str:
    language = (lid or "nl-NL").split("-")[0].lower()
    return language if language in _NAMES else "en"


def default_format(lid: str | None) -> str:
    return _DEFAULT_FORMAT[_language(lid)]


def format_date(value: dt.date, picture: str | None, lid: str | None) -> str:
    """Format ``value`` the way Word does for a date control with this picture and language."""
    months, months_abbr, days, days_abbr = _NAMES[_language(lid)]
    picture = picture or default_format(lid)
    out: list[str] = []
    for token in _TOKEN.findall(picture):
        if token.startswith("'") and token.endswith("'") and len(token) >= 2:
            out.append(token[1:-1])
        elif token == "dddd":
            out.append(days[value.weekday()])
        elif token == "ddd":
            out.append(days_abbr[value.weekday()])
        elif token == "dd":
            out.append(f"{value.day:02d}")
        elif token == "d":
            out.append(str(value.day))
        elif token == "MMMM":
            out.append(months[value.month - 1])
        elif token == "MMM":
            out.append(months_abbr[value.month - 1])
        elif token == "MM":
            out.append(f"{value.month:02d}")
        elif token == "M":
            out.append(str(value.month))
        elif token == "yyyy":
            out.append(f"{value.year:04d}")
        elif token in ("yy", "y"):
            out.append(f"{value.year % 100:02d}")
        else:
            out.append(token)
    return "".join(out)


def parse_date(text: str, picture: str | None, lid: str | None) -> dt.date | None:
    """Read a date back from text written with ``picture``; None when it does not match."""
    text = text.strip()
    if not text:
        return None
    months, months_abbr, _, _ = _NAMES[_language(lid)]
    month_names = {m.lower(): i + 1 for i, m in enumerate(months)}
    month_names.update({m.lower(): i + 1 for i, m in enumerate(months_abbr)})
    groups: list[str] = []
    pattern = []
    for token in _TOKEN.findall(picture or default_format(lid)):
        if token.startswith("'") and token.endswith("'") and len(token) >= 2:
            pattern.append(re.escape(token[1:-1]))
        elif token in ("dddd", "ddd"):
            pattern.append(r"[^\W\d]+\.?")
        elif token in ("dd", "d"):
            groups.append("day")
            pattern.append(r"(\d{1,2})")
        elif token in ("MMMM", "MMM"):
            groups.append("month_name")
            pattern.append(r"([^\W\d]+\.?)")
        elif token in ("MM", "M"):
            groups.append("month")
            pattern.append(r"(\d{1,2})")
        elif token == "yyyy":
            groups.append("year")
            pattern.append(r"(\d{4})")
        elif token in ("yy", "y"):
            groups.append("year2")
            pattern.append(r"(\d{2})")
        elif token.isspace():
            pattern.append(r"\s+")
        else:
            pattern.append(re.escape(token))
    match = re.fullmatch("".join(pattern), text, flags=re.IGNORECASE)
    if match is None:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    parts = dict(zip(groups, match.groups(), strict=True))
    try:
        if "month_name" in parts:
            month = month_names.get(parts["month_name"].lower())
            if month is None:
                return None
        else:
            month = int(parts["month"])
        year = int(parts["year"]) if "year" in parts else 2000 + int(parts["year2"])
        return dt.date(year, month, int(parts["day"]))
    except (KeyError, ValueError):
        return None
