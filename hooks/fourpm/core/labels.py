"""The UI labels of one language (data/labels.yml): a label the code asks for and the file lacks is a
clear error, not a KeyError."""
from __future__ import annotations

from .errors import ContentError

FILE = "data/labels.yml"


class Labels(dict):
    def __missing__(self, key: str) -> str:
        raise ContentError(FILE, str(key), "label is missing", f"add '{key}:' with its text in every language")


def labels_for(labels: dict[str, dict[str, str]], lang: str) -> Labels:
    return Labels({key: forms[lang] for key, forms in labels.items()})
