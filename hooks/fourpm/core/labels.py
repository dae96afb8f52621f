"""The UI labels of one language (data/labels.yml): a label the code asks for and the file lacks is a
clear error, not a KeyError."""
from __future__ import annotations

from pathlib import Path

from . import reader
from .errors import ContentError, listed

FILE = "data/labels.yml"


class Labels(dict):
    def __missing__(self, key: str) -> str:
        raise ContentError(FILE, str(key), "label is missing", f"add '{key}:' with its text in every language")


def labels_for(labels: dict[str, dict[str, str]], lang: str) -> Labels:
    return Labels({key: forms[lang] for key, forms in labels.items()})


def load_labels(data_dir: Path, languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """UI labels from data/labels.yml; each must exist in every language."""
    path = Path(data_dir) / "labels.yml"
    file = f"{path.parent.name}/{path.name}"  # data/labels.yml, as the team sees it
    labels = reader.read_yaml(path, file) or {}
    if not isinstance(labels, dict):
        raise ContentError(file, None, "must be a mapping of label keys", "write 'key: {fr: ..., en: ..., es: ...}'")
    missing = [f"{key}.{lang}" for key, forms in labels.items() for lang in languages
               if not isinstance(forms, dict) or not isinstance(forms.get(lang), str)]
    if missing:  # all at once: adding a language lists every label to translate
        raise ContentError(file, None, f"{len(missing)} labels are missing or not text: {listed(missing)}",
                           "write each label as text in every language of mkdocs.yml")
    return labels
