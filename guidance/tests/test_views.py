"""The guide and notice pages through real HTTP, as an anonymous visitor (public information)."""

import pytest
from django.urls import reverse

from catalog.choices import OneThingStatus
from catalog.models import OneThing, OneThingItem

from .test_services import FIRE, FOOD, PARENTING, SIGN, VERIFY

pytestmark = pytest.mark.django_db

FLOOR_AREA_TEXT = "餐饮店的建筑面积有多大？"


def guide_url(code: str) -> str:
    return reverse("guidance:guide", args=[code])


def notice_url(code: str) -> str:
    return reverse("guidance:notice", args=[code])


def code_of(one_thing_code: str, item_name: str) -> str:
    return OneThingItem.objects.get(
        one_thing__code=one_thing_code, one_thing__status=OneThingStatus.PUBLISHED, service_item__name=item_name
    ).service_item.code


def test_guide_page_shows_the_first_questions_and_the_live_notice(client, restaurant_code):
    response = client.get(guide_url(restaurant_code))
    assert response.status_code == 200
    body = response.content.decode()
    for heading in ("办事指引：开办餐饮店", "您的情形", "办理事项", "您的一次告知单", "整体承诺时限", "涉及事项"):
        assert heading in body
    assert "您的餐饮店登记为哪种组织形式？" in body
    assert FLOOR_AREA_TEXT not in body  # asked only after choosing dine-in seats
    assert 'name="q.dine_in" value="takeaway_only"' in body
    assert f'hx-get="{guide_url(restaurant_code)}"' in body  # answers update the region without a reload
    assert "3 个问题尚未回答" in body


def test_answers_in_the_query_string_reveal_questions_and_update_the_notice(client, restaurant_code):
    response = client.get(guide_url(restaurant_code), {"q.dine_in": "dining_commitment", "q.signboard": "no_sign"})
    body = response.content.decode()
    assert FLOOR_AREA_TEXT in body
    assert 'value="dining_commitment" checked' in body
    notice = response.context["notice"]
    assert [it.name for it in notice.selected_items] == [VERIFY, FOOD, FIRE]
    assert "公众聚集场所投入使用、营业消防安全告知承诺书" in body  # required by the commitment option


def test_plain_form_submit_without_javascript_deselects_optional_items(client, restaurant_code):
    sign = code_of(restaurant_code, SIGN)
    # what the form sends: the optional item was offered (shown) and its box left unticked
    response = client.get(guide_url(restaurant_code), {"q.signboard": "install", "shown": sign})
    assert response.status_code == 200
    assert SIGN not in [it.name for it in response.context["notice"].selected_items]
    assert f"skip={sign}" in response.context["notice_url"]
    response = client.get(guide_url(restaurant_code), {"q.signboard": "install", "shown": sign, "item": sign})
    assert SIGN in [it.name for it in response.context["notice"].selected_items]
    assert f'name="item" value="{sign}" checked' in response.content.decode()


def test_removing_a_mandatory_item_is_refused(client, restaurant_code):
    response = client.get(notice_url(restaurant_code), {"skip": code_of(restaurant_code, FOOD)})
    assert response.status_code == 400
    assert f"“{FOOD}”是本“一件事”的必办事项，不能取消。" in response.content.decode()
    assert FOOD in [it.name for it in response.context["notice"].selected_items]


def test_htmx_request_gets_only_the_region_and_the_url_to_push(client, restaurant_code):
    response = client.get(
        guide_url(restaurant_code),
        {"q.dine_in": "takeaway_only", "q.floor_area": "large", "shown": "x"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "<h1" not in body
    assert body.lstrip().startswith('<div id="guide"')
    assert response["HX-Push-Url"] == guide_url(restaurant_code) + "?q.dine_in=takeaway_only"  # hidden answer dropped
    assert "HX-Request" in response["Vary"]


def test_notice_page_is_the_printable_one_time_notice(client, restaurant_code):
    params = {"q.org_form": "individual", "q.dine_in": "dining_commitment", "q.floor_area": "small",
              "q.signboard": "no_sign", "lic": "营业执照"}  # fmt: skip
    response = client.get(notice_url(restaurant_code), params)
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("开办餐饮店 · 一次告知单", "河南省新乡市新乡县", "版本 1", "您的情形", "办理事项", "一套材料",
                 "特定情形下提交", "办理地点与方式", "窗口领取、邮寄送达、网上下载",
                 "新乡县政务服务中心一楼“高效办成一件事”综合窗口", "0373-0000000", "整体承诺时限", "6 个工作日"):  # fmt: skip
        assert text in body, text
    assert "持有电子证照：营业执照" in body
    assert 'data-material="business_licence" data-status="exempt"' in body  # listed as not to upload
    assert "容缺" in body and "告知承诺" in body
    assert "guidance/guidance.css" in body  # holds the A4 print rules
    notice = response.context["notice"]
    assert [it.name for it in notice.selected_items] == [VERIFY, FOOD, FIRE]


def test_print_stylesheet_sets_a4(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("guidance/guidance.css"), encoding="utf-8") as css:
        assert "size: A4" in css.read()


def test_newborn_guide_and_notice(client, newborn_code):
    response = client.get(guide_url(newborn_code), {"q.hukou": "local"})
    assert response.status_code == 200
    assert "是否同时为新生儿办理城乡居民医保参保登记和社会保障卡？" in response.content.decode()
    parenting = code_of(newborn_code, PARENTING)
    response = client.get(
        notice_url(newborn_code), {"q.hukou": "elsewhere", "q.guidance": "register", "skip": parenting}
    )
    assert response.status_code == 200
    assert PARENTING not in [it.name for it in response.context["notice"].selected_items]
    assert "尚未回答" in response.content.decode()  # maternity and applicant are still open


@pytest.mark.parametrize("name", ["guidance:guide", "guidance:notice"])
def test_unknown_and_listed_only_one_things_are_404(client, name):
    assert client.get(reverse(name, args=["no-such-code"])).status_code == 404
    listed = OneThing.objects.filter(status=OneThingStatus.LISTED).first()
    assert listed is not None
    assert client.get(reverse(name, args=[listed.code])).status_code == 404


@pytest.mark.parametrize("name", ["guidance:guide", "guidance:notice"])
def test_query_count_is_pinned_and_does_not_grow_with_items(client, restaurant_code, newborn_code, name,
                                                             django_assert_max_num_queries,
                                                             django_assert_num_queries):  # fmt: skip
    params = {"q.org_form": "enterprise", "q.dine_in": "dining_inspection", "q.signboard": "install"}
    for code in (restaurant_code, newborn_code):  # 4 and 7 items
        with django_assert_max_num_queries(19):  # the first time: which version is published, the version, the regions
            response = client.get(reverse(name, args=[code]), params)
        assert response.status_code == 200
        with django_assert_num_queries(1):  # which version is published: the rest the process kept
            response = client.get(reverse(name, args=[code]), params)
        assert response.status_code == 200
