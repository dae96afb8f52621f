"""Text written in each language, read in any: the translation where there is one, else the source's."""
from __future__ import annotations

import unicodedata


class Texts:
    """For a dataclass with `source`, `titles` and `summaries` (language -> text) fields."""

    source: str
    titles: dict[str, str]
    summaries: dict[str, str]

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles[self.source]

    def summary(self, lang: str) -> str:
        return self.summaries.get(lang) or self.summaries[self.source]


def sort_key(text: str) -> str:
    """Alphabetical order in every language: accents and case ignored."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)).casefold()
