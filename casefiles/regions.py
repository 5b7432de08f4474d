"""Canada's provinces and territories, named in English and in French.

An institution's region is free text; when it names a province or territory (in either language, with or without
accents, or by its postal abbreviation) it is shown in the reader's language.
"""

from __future__ import annotations

import unicodedata

# (postal abbreviation, English name, French name)
PROVINCES = (
    ("AB", "Alberta", "Alberta"),
    ("BC", "British Columbia", "Colombie-Britannique"),
    ("MB", "Manitoba", "Manitoba"),
    ("NB", "New Brunswick", "Nouveau-Brunswick"),
    ("NL", "Newfoundland and Labrador", "Terre-Neuve-et-Labrador"),
    ("NS", "Nova Scotia", "Nouvelle-Écosse"),
    ("NT", "Northwest Territories", "Territoires du Nord-Ouest"),
    ("NU", "Nunavut", "Nunavut"),
    ("ON", "Ontario", "Ontario"),
    ("PE", "Prince Edward Island", "Île-du-Prince-Édouard"),
    ("QC", "Quebec", "Québec"),
    ("SK", "Saskatchewan", "Saskatchewan"),
    ("YT", "Yukon", "Yukon"),
)


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(letters.replace("-", " ").replace(".", "").split())


_BY_KEY = {}
for _code, _english, _french in PROVINCES:
    for _name in (_code, _english, _french):
        _BY_KEY[_key(_name)] = (_english, _french)


def region_name(region: str | None, language: str) -> str:
    """The region in this language when it is a Canadian province or territory; otherwise as it was typed."""
    text = (region or "").strip()
    names = _BY_KEY.get(_key(text))
    if names is None:
        return text
    return names[1] if language == "fr" else names[0]
