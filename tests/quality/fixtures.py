"""Session fixtures of the quality gates; test files import them by name."""
from __future__ import annotations

import pytest

from .browser import chromium
from .site import languages, load_config, serve


@pytest.fixture(scope="session")
def site_config() -> dict:
    return load_config()


@pytest.fixture(scope="session")
def langs(site_config) -> dict[str, str]:
    return languages(site_config)


@pytest.fixture(scope="session")
def served(real_site, site_config):
    """The real site over HTTP on localhost."""
    with serve(real_site, site_config["site_url"]) as site:
        yield site


@pytest.fixture(scope="session")
def browser():
    with chromium() as instance:
        yield instance
