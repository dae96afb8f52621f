"""axe-core (npm package axe-core) injected into a page open in the browser."""
from __future__ import annotations

from .site import ROOT

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def violations(page) -> list[dict]:
    """axe's violations of the page as it is now, each {id, impact, help, targets}."""
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: run `npm ci` (the Makefile's test targets do)"
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))}))""")


def blocking(page) -> list[str]:
    """The serious and critical violations, one line each."""
    return [f"{v['impact']} {v['id']} ({v['help']}): {', '.join(v['targets'][:5])}"
            for v in violations(page) if v["impact"] in BLOCKING]
