"""Browser tests: Debian's chromium driven by Playwright against a live server."""

import os
from pathlib import Path

import pytest

from tests.conftest import chromium_path

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if not path:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests and
    # their fixtures make between browser steps are ordinary synchronous calls.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def phone(browser):
    """A page the size of a phone, in Chinese."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


AXE = Path(__file__).parent / "tools" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@pytest.fixture
def axe_check():
    """Run axe-core (test tooling from npm, never served) on the open page and fail on any
    serious or critical violation, naming the rule and the elements."""
    if not AXE.exists():
        if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
            pytest.fail("axe-core is missing: run `make e2e-tools` (needs npm)", pytrace=False)
        pytest.skip("needs axe-core: run `make e2e-tools` (needs npm)")

    def check(page, where: str = "") -> list[dict]:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [v for v in result["violations"] if v.get("impact") in BLOCKING]
        report = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            for v in bad
        )
        assert not bad, f"axe found serious/critical violations on {where or page.url}:\n{report}"
        return result["violations"]

    return check
