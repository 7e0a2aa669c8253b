"""The pages of 好差评 and complaints through HTTP, as the people who use them: the case page's block, the rating page
(bad input kept, in Chinese, 400 — never a 500), the window's rating screen and the tablet page without login (only
what is rated shown), the department's and the supervisor's pages (404 for everyone else), the complaint page from
every page's footer."""

from __future__ import annotations

import re

import pytest

from evaluation.contacts import item_key
from evaluation.models import Complaint, Rating, Rectification
from regions.models import Department

from .scenario import FOOD, at, ended_case, item

pytestmark = pytest.mark.django_db


def test_the_applicant_reaches_the_rating_page_from_the_case_page_and_rates(client_for):
    case = ended_case()
    applicant = client_for("enterprise")
    page = applicant.get(f"/cases/{case.number}/").content.decode()
    assert "服务评价（7项待评价）" in page and f"/evaluation/case/{case.number}/" in page  # 收件, 4 items, 整件事, 送达
    assert client_for("xinxiang_window").get(f"/cases/{case.number}/").content.decode().count("服务评价（") == 0
    assert client_for("citizen").get(f"/evaluation/case/{case.number}/").status_code == 404
    assert client_for("xinxiang_window").get(f"/evaluation/case/{case.number}/").status_code == 404
    url = f"/evaluation/case/{case.number}/"
    with at("2026-11-23 15:00"):
        bad = applicant.post(url, {"contact": "whole", "level": "1", "comment": ""})
        assert bad.status_code == 400
        text = bad.content.decode()
        assert "评价为不满意时，请至少勾选一项原因或写明问题。" in text
        assert re.search(r'value="1" checked', text)  # what was chosen is kept
        ok = applicant.post(url, {"contact": "whole", "level": "5", "comment": "很方便"})
        assert ok.status_code == 302
        again = applicant.post(url, {"contact": "whole", "level": "4"}, follow=True)
    assert "此处不能评价该环节" in again.content.decode()
    assert Rating.objects.get(case=case, contact="whole").level == 5
    assert "整件事：开办餐饮店：<strong>非常满意</strong>" in applicant.get(f"/cases/{case.number}/").content.decode()


def test_the_window_opens_the_rating_screen_and_the_tablet_rates_without_login(client_for):
    case = ended_case()
    assert client_for("xinxiang_rev_market").get(f"/evaluation/window/{case.number}/").status_code == 404
    assert client_for("hongqi_window").get(f"/evaluation/window/{case.number}/").status_code == 404
    window = client_for("xinxiang_window")
    assert f"/evaluation/window/{case.number}/" in window.get(f"/window/cases/{case.number}/").content.decode()
    with at("2026-11-23 15:00"):
        screen = window.get(f"/evaluation/window/{case.number}/").content.decode()
        link = re.search(r'href="(/evaluation/t/[^"]+)" id="tablet-link"', screen).group(1)
        tablet = client_for(None)
        page = tablet.get(link).content.decode()
        assert "开办餐饮店" in page and "提交评价" in page
        for secret in (case.number, "新乡县演示餐饮有限公司", "91410721MA44XJ2R3B", "退出登录", "窗口工作台"):
            assert secret not in page  # nothing of the case beyond what is rated, no navigation
        food = item_key(item(case, FOOD).pk)
        tablet.post(link, {"contact": food, "level": "1", "reasons": ["attitude"]})
        assert tablet.post(link, {"contact": food, "level": "5"}, follow=True).status_code == 200
    rating = Rating.objects.get(case=case, contact=food)
    assert (rating.level, rating.channel, rating.rated_by) == (1, "tablet", None)
    assert Rectification.objects.filter(rating=rating).exists()
    assert client_for(None).get("/evaluation/t/not-a-token/").status_code == 404


def test_the_department_handles_its_rectification_and_others_get_404(client_for):
    case = ended_case()
    with at("2026-11-23 15:00"):
        client_for("enterprise").post(
            f"/evaluation/case/{case.number}/",
            {"contact": item_key(item(case, FOOD).pk), "level": "2", "reasons": ["extra_materials"]},
        )
    r = Rectification.objects.get(case=case)
    url = f"/evaluation/rectifications/{r.pk}/"
    for stranger in ("xinxiang_rev_fire_rescue", "hongqi_supervisor", "enterprise", "xinxiang_window"):
        assert client_for(stranger).get(url).status_code == 404, stranger
    assert client_for(None).get(url).status_code == 302  # to the login page
    market = client_for("xinxiang_rev_market")
    assert case.number in market.get("/evaluation/").content.decode()
    with at("2026-11-24 09:00"):
        bad = market.post(url, {"action": "verify", "finding": "substantiated", "verification": ""})
        assert bad.status_code == 400 and "请写明核实情况。" in bad.content.decode()
        assert (
            market.post(url, {"action": "verify", "finding": "substantiated", "verification": "属实"}).status_code
            == 302
        )
        assert market.post(url, {"action": "nonsense"}).status_code == 302
    r.refresh_from_db()
    assert r.status == "verified"
    supervisor = client_for("xinxiang_supervisor")
    listed = supervisor.get("/evaluation/").content.decode()
    assert case.number in listed and "整改或解释期限" in listed
    page = supervisor.get(url).content.decode()
    assert "记录整改情况" not in page  # the supervisor follows; the department rectifies
    assert "记录整改情况" in market.get(url).content.decode()


def test_a_complaint_from_the_footer_without_login(client_for):
    anonymous = client_for(None)
    home = anonymous.get("/").content.decode()
    assert 'href="/evaluation/complain/"' in home
    fire = Department.objects.get(region__code="410721", code="FIRE_RESCUE")
    with at("2026-11-23 15:00"):
        bad = anonymous.post("/evaluation/complain/", {"department": str(fire.pk), "name": "钱八", "text": "没人来"})
        assert bad.status_code == 400
        text = bad.content.decode()
        assert "您未登录，请填写接收答复的手机号码。" in text and "没人来" in text and "钱八" in text
        done = anonymous.post(
            "/evaluation/complain/",
            {"department": str(fire.pk), "name": "钱八", "mobile": "13900000008", "text": "没人来"},
            follow=True,
        )
    complaint = Complaint.objects.get()
    assert f"投诉{complaint.number}已提交" in done.content.decode()
    assert client_for("xinxiang_rev_market").get(f"/evaluation/complaints/{complaint.pk}/").status_code == 404
    page = client_for("xinxiang_rev_fire_rescue").get(f"/evaluation/complaints/{complaint.pk}/").content.decode()
    assert "答复投诉人" in page and "139****0008" in page and "13900000008" not in page
