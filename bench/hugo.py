"""The physical anchor of the benchmark: Hugo (Debian's `hugo`, system-packages.txt) builds the same
Markdown pages of the corpus in the three languages, with a one-line template (no theme, no navigation,
no generated blocks): about what turning these pages into HTML costs in a compiled generator.

    python -m bench.hugo CORPUS DEST    # writes DEST/hugo.toml, layouts/ and content/; prints the command
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

LAYOUT = ('<!doctype html><html lang="{{ .Lang }}"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
          "<body><main>{{ .Content }}</main></body></html>\n")


def make_site(corpus: Path, dest: Path, languages: tuple[str, ...] = ("fr", "en", "es")) -> list[str]:
    """A Hugo project of the corpus's docs/<lang>/ pages; return the command that builds it into dest/public."""
    if dest.exists():
        shutil.rmtree(dest)
    for name in ("single.html", "list.html"):
        (dest / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
        (dest / "layouts" / "_default" / name).write_text(LAYOUT, encoding="utf-8")
    config = ['baseURL = "https://example.org/"', f'defaultContentLanguage = "{languages[0]}"',
              'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]', "[markup.goldmark.renderer]", "unsafe = true"]
    for weight, lang in enumerate(languages, 1):
        source = corpus / "docs" / lang
        for page in source.rglob("*.md"):  # index.md would make its folder a bundle of one page in Hugo
            rel = page.relative_to(source)
            target = dest / "content" / lang / (rel.with_name("_index.md") if rel.name == "index.md" else rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.read_bytes())
        config += [f"[languages.{lang}]", f"weight = {weight}", f'contentDir = "content/{lang}"']
    (dest / "hugo.toml").write_text("\n".join(config) + "\n", encoding="utf-8")
    return ["hugo", "--quiet", "--source", str(dest), "--destination", str(dest / "public")]


def available() -> bool:
    return shutil.which("hugo") is not None


if __name__ == "__main__":
    print(" ".join(make_site(Path(sys.argv[1]), Path(sys.argv[2]))))
