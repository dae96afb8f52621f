"""Deployment settings the team still has to set: the example site_url, the theme's own strings.

An address at an example domain (RFC 2606: the .example TLD, example.com/.net/.org) is a placeholder:
readers must never be sent there, and the build says when site_url is still one.
"""
from __future__ import annotations

from urllib.parse import urlsplit

EXAMPLE_DOMAINS = ("example", "example.com", "example.net", "example.org")

# Material's strings that the site words itself, in every language (data/labels.yml): Material's
# French has "Editer cette page", without its accent.
THEME_STRINGS = {"action.edit": "theme_action_edit"}
PERMALINK_LABEL = "theme_permalink"  # the tooltip of headings' permalinks (toc's permalink_title)


def is_example(address: str | None) -> bool:
    """Whether a URL or an e-mail address is at an example domain."""
    if not address:
        return False
    host = address.rsplit("@", 1)[-1] if "@" in address and "//" not in address else urlsplit(address).hostname
    host = (host or "").lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in EXAMPLE_DOMAINS)


def site_url_note(site_url: str | None) -> str | None:
    """The build's information line while site_url is an example address, else None."""
    if not is_example(site_url):
        return None
    return (f"site_url is still the example address {site_url}: set the site's public address in mkdocs.yml "
            "before publishing (feeds, e-mail editions, the sitemap, PDFs and hreflang links use it)")


def theme_strings(labels: dict[str, str]) -> dict[str, str]:
    """Material's translation keys -> the site's own words, in the labels' language."""
    return {key: labels[label] for key, label in THEME_STRINGS.items()}
