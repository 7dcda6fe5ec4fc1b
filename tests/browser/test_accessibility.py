"""axe-core finds no serious or critical accessibility violation on the home page, a
theme page and a paper page, in the light and in the dark colour scheme (Material
follows prefers-color-scheme through the palette's media queries in mkdocs.yml)."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
# Material's colour scheme for each prefers-color-scheme value.
SCHEME_NAMES = {"light": "default", "dark": "slate"}


def paper_path(site) -> str:
    ssm = sorted(p["id"] for p in site.papers if "mamba-ssm" in p["themes"])
    return f"papers/{ssm[0]}/"


def describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            lines.append(f"    at {node['target']}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


SCHEMES = [{"color_scheme": "light"}, {"color_scheme": "dark"}]


@pytest.mark.parametrize("context", SCHEMES, indirect=True, ids=["light", "dark"])
@pytest.mark.parametrize("which", ["home", "theme", "paper"])
def test_no_serious_axe_violation(context, visit, site, page_log, which, request):
    path = {"home": "", "theme": "themes/mamba-ssm/", "paper": paper_path(site)}[which]
    page = visit(path)
    wanted = SCHEME_NAMES[request.node.callspec.params["context"]["color_scheme"]]
    shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert shown == wanted, f"Material shows colour scheme {shown!r}, expected {wanted!r}"

    results = Axe().run(page)
    violations = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not violations, f"{path or '/'}:\n{describe(violations)}"
    assert page_log.problems() == [], "\n".join(page_log.problems())
