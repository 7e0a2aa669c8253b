"""The consent offer at the top of the one form (issue 10 part 2) in a real browser, at 1366 and 390 px, with and
without JavaScript: the enterprise types a value, consents to the market-entity registry there ("授权并填写"), and
is back on the same form with its answers, the typed value kept and the registry's fields filled. With JavaScript
each screen passes check_screen (no overflow, no console error, no serious or critical axe violation)."""

from __future__ import annotations

import re

import pytest
from django.utils.translation import gettext as _
from playwright.sync_api import Browser, expect

from accounts.demo import DEMO_PASSWORD
from oneform.tests.conftest import published
from shareddata.models import Consent, DemoEnterprise

from .conftest import TIMEOUT_MS
from .test_every_screen import SIZES, check_screen

QUERY = "q.org_form=enterprise&q.dine_in=takeaway_only&q.signboard=no_sign"
TYPED = ("premises.area", "88")  # 经营场所面积: the applicant's to say, no source fills it


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("size", SIZES)
def test_the_enterprise_consents_on_the_form_and_keeps_what_it_typed(
    browser: Browser, live_server, size: str, javascript: bool
):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport=SIZES[size],
        bypass_csp=True,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        code = published("开办餐饮店").code
        page.goto(f"/accounts/login/?next=/apply/{code}/%3F{QUERY.replace('&', '%26')}")  # the one address typed
        page.get_by_label("用户名").fill("enterprise")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        panel = page.locator("#consent-panel")
        expect(panel).to_be_visible()
        if javascript:
            check_screen(page, errors, f"consent offer {size}")
        page.locator(f'[name="{TYPED[0]}"]').fill(TYPED[1])  # typed, and not yet saved
        market = panel.get_by_role("button", name=_("Consent and fill in"), description=re.compile("市场主体库"))
        market.click()  # the market-entity registry's offer (the premises' registry is offered beside it)

        expect(page.locator("#consent-panel")).to_contain_text(_("Consented"))
        assert "q.dine_in=takeaway_only" in page.url  # back to the same form with its answers
        scope = DemoEnterprise.objects.get().values["enterprise.business_scope"]
        expect(page.locator('[name="enterprise.business_scope"]')).to_have_value(scope)
        expect(page.locator(f'[name="{TYPED[0]}"]')).to_have_value(TYPED[1])
        still = page.locator("#consent-panel").get_by_role("button", name=re.compile(_("Consent and fill in")))
        expect(still.filter(has_text=re.compile("."))).to_have_count(1)  # only the premises' offer is left
        expect(page.locator("#consent-panel").get_by_role("button", name=_("Consent and fill in"),
                                                         description=re.compile("市场主体库"))).to_have_count(0)  # fmt: skip
        assert Consent.objects.filter(user__username="enterprise", withdrawn_at__isnull=True).count() == 1
        if javascript:
            check_screen(page, errors, f"consent granted {size}")
    finally:
        context.close()
