"""A synthetic trilingual corpus: the real project plus N generated pages per language.

    python -m bench.corpus DEST N

Pages are realistic Markdown (~600 words: headings, a table, lists, an admonition, internal links,
objective codes in brackets, front matter), in sections of 25 pages, listed in the navigation.
"""
from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
SECTION_SIZE = 25
LANGS = ("fr", "en", "es")
WORDS = {
    "fr": "sol carbone agriculteurs climat sécurité alimentaire séquestration pratiques agroécologie réseau "
          "partenaires membres région projet données santé matière organique prairie forêt couvert rotation "
          "semis mesure suivi rapport vérification financement alliance stratégie objectif initiative terre "
          "eau biodiversité rendement résilience paysage élevage compost racines humus érosion".split(),
    "en": "soil carbon farmers climate food security sequestration practices agroecology network partners "
          "members region project data health organic matter grassland forest cover rotation sowing "
          "measurement monitoring report verification funding alliance strategy objective initiative land "
          "water biodiversity yield resilience landscape livestock compost roots humus erosion".split(),
    "es": "suelo carbono agricultores clima seguridad alimentaria secuestro prácticas agroecología red socios "
          "miembros región proyecto datos salud materia orgánica pradera bosque cobertura rotación siembra "
          "medición seguimiento informe verificación financiación alianza estrategia objetivo iniciativa "
          "tierra agua biodiversidad rendimiento resiliencia paisaje ganadería compost raíces humus erosión".split(),
}
CODES = ["A1", "A2", "A3", "A4", "A5", "A6", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "C4", "D1", "D2", "D3", "D4",
         "E1", "E2", "E3", "F1", "F2", "F3"]


def _sentence(rng: random.Random, words: list[str], n: int) -> str:
    text = " ".join(rng.choice(words) for _ in range(n))
    return text[0].upper() + text[1:] + "."


def page(lang: str, section: int, number: int, seed: int) -> str:
    """One page of about 600 words."""
    rng = random.Random(seed)
    words = WORDS[lang]
    para = lambda: " ".join(_sentence(rng, words, rng.randint(8, 16)) for _ in range(5))  # noqa: E731
    code, group = rng.choice(CODES), "-".join(rng.sample(CODES, 3))
    following = f"p{(number + 1) % SECTION_SIZE:02d}.md"
    rows = "\n".join(f"| {rng.choice(words)} | {rng.randint(1, 999)} | {rng.choice(words)} |" for _ in range(5))
    items = "\n".join(f"- {_sentence(rng, words, 6)}" for _ in range(5))
    return f"""---
title: {words[section % len(words)].capitalize()} {section:02d}.{number:02d} {rng.choice(words)}
---

{para()} [{code}]

## {_sentence(rng, words, 3)[:-1]}

{para()} [{group}]

| A | B | C |
|---|---|---|
{rows}

{items}

!!! note "{_sentence(rng, words, 2)[:-1]}"
    {para()}

## {_sentence(rng, words, 3)[:-1]}

{para()} [{rng.choice(words)}]({following}) · [{code}](../../../objectives/{code.lower()}.md)

### {_sentence(rng, words, 2)[:-1]}

{para()}

{para()}

{para()}
"""


def make_project(dest: Path, n: int) -> Path:
    """Copy the project's sources to dest and add n generated pages per language."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("docs", "data", "overrides", "hooks"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("node_modules", ".git"):  # front-end packages, and the commit date the build uses
        if (ROOT / name).exists():
            (dest / name).symlink_to(ROOT / name)
    for extra in ("package.json",):
        if (ROOT / extra).exists():
            shutil.copy(ROOT / extra, dest / extra)
    sections = []
    for s in range(-(-n // SECTION_SIZE)):
        count = min(SECTION_SIZE, n - s * SECTION_SIZE)
        for lang in LANGS:
            folder = dest / "docs" / lang / "bench" / f"s{s:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            for p in range(count):
                (folder / f"p{p:02d}.md").write_text(page(lang, s, p, seed=s * 1000 + p), encoding="utf-8")
        sections.append({f"Section {s:02d}": [f"bench/s{s:02d}/p{p:02d}.md" for p in range(count)]})
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"^nav:\n", lambda m: m.group(0) + _nav_extension(sections), text, count=1, flags=re.M)
    (dest / "mkdocs.yml").write_text(text, encoding="utf-8")
    # (a) of the benchmark: the same site without any of our hooks nor our template overrides.
    plain = re.sub(r"^hooks:\n(?:  - .*\n)+", "", text, flags=re.M).replace("  custom_dir: overrides\n", "")
    (dest / "mkdocs-plain.yml").write_text(plain, encoding="utf-8")
    return dest


def _nav_extension(sections: list[dict]) -> str:
    """The generated sections, as one more top-level entry of the existing nav (none without pages)."""
    if not sections:
        return ""
    lines = ["  - Bench:"]
    for section in sections:
        (title, pages), = section.items()
        lines.append(f"      - {title}:")
        lines += [f"          - {p}" for p in pages]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(make_project(Path(sys.argv[1]), int(sys.argv[2])))
