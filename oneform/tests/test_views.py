"""The one form through real HTTP, logged in as the demo applicants."""

import pytest
from django.urls import reverse

from accounts.models import User
from oneform.choices import DraftEventAction
from oneform.models import ApplicationDraft, DraftEvent
from shareddata.choices import ConsentScope
from shareddata.services import do_grant_consent

from .test_services import FIRE, ID_CHECKSUM, MOBILE, SIGN

pytestmark = pytest.mark.django_db

# what the guide sends when the applicant has dine-in seats (fire check) and installs a signboard: every item in
ALL_ITEMS = "q.dine_in=dining_commitment&q.signboard=install"


def form_url(code: str, query: str = "") -> str:
    url = reverse("oneform:form", args=[code])
    return f"{url}?{query}" if query else url


def save_url(code: str, query: str = "") -> str:
    url = reverse("oneform:save", args=[code])
    return f"{url}?{query}" if query else url


def consent_to_population(username: str) -> None:
    user = User.objects.get(username=username)
    do_grant_consent(user, ConsentScope.POPULATION, acting_user=user, purpose="预填申请表")


def test_form_page_shows_each_element_once_in_sections(client_for, restaurant):
    response = client_for("enterprise").get(form_url(restaurant.code, ALL_ITEMS))
    assert response.status_code == 200
    body = response.content.decode()
    assert "一表申请：开办餐饮店" in body
    form = response.context["form"]
    assert SIGN in form.items and FIRE in form.items
    assert body.count('name="enterprise.name"') == 1
    assert "逐项申请需填写 36 项，在这里只需填写 29 项。" in body
    titles = [
        "<legend>企业</legend>",
        "<legend>法定代表人</legend>",
        "<legend>经营场所</legend>",
        "<legend>消防安全</legend>",
    ]
    positions = [body.index(t) for t in titles]
    assert positions == sorted(positions)
    assert f'hx-post="{save_url(restaurant.code, ALL_ITEMS)}"' in body.replace("&amp;", "&")
    assert 'hx-trigger="change delay:500ms"' in body


def test_the_guide_selection_decides_the_fields(client_for, restaurant):
    response = client_for("enterprise").get(form_url(restaurant.code, "q.dine_in=takeaway_only&q.signboard=no_sign"))
    form = response.context["form"]
    assert SIGN not in form.items and FIRE not in form.items
    assert "signboard.text" not in form.keys and "fire.approach" not in form.keys


def test_form_page_query_count_is_pinned(client_for, restaurant, django_assert_num_queries):
    client = client_for("enterprise")
    client.get(form_url(restaurant.code, ALL_ITEMS))  # warm caches (content types, translations)
    # session, user; which version of the one-thing is published (1: the version itself the process kept from the
    # first request, guidance.queries); the draft; merge_form (2); prefill (1: the consents; neither the profile nor
    # a source without consent); the consent offer (1: the current consents). Constant in the number of items and
    # fields: no query per field.
    with django_assert_num_queries(8):
        response = client.get(form_url(restaurant.code, ALL_ITEMS))
    assert response.status_code == 200


def test_post_saves_everything_and_shows_field_messages_in_chinese(client_for, restaurant):
    client = client_for("enterprise")
    data = {
        "enterprise.name": "新乡县演示餐饮有限公司",
        "enterprise.credit_code": "91410721MA44XJ2R3C",
        "legal_person.id_number": "410721199003070011",
        "legal_person.mobile": "1380000",
        "enterprise.type": "公司",
        "premises.seats": "40",
        "premises.address": "新乡县七里营镇演示路8号",
    }
    response = client.post(form_url(restaurant.code, ALL_ITEMS), data)
    assert response.status_code == 200
    errors = response.context["errors"]
    # the enterprise's own identity comes from its account, locked: a credit code typed over it is not taken
    assert "enterprise.credit_code" not in errors
    assert errors["legal_person.id_number"] == ID_CHECKSUM
    assert errors["legal_person.mobile"] == MOBILE
    assert errors["enterprise.type"].startswith("请从以下选项中选择：")
    assert errors["signboard.text"] == "此项为必填项。"
    assert "premises.address" not in errors and "premises.seats" not in errors
    body = response.content.decode()
    assert ID_CHECKSUM in body and MOBILE in body
    assert 'value="1380000"' in body and 'value="新乡县七里营镇演示路8号"' in body  # what was typed is kept
    assert f"草稿已保存。有 {len(errors)} 项需要修改" in body
    draft = ApplicationDraft.objects.get(user__username="enterprise", one_thing=restaurant)
    account = {"enterprise.credit_code": "91410721MA44XJ2R3B", "legal_person.name": "王五"}
    assert draft.values == {
        **data,
        **account,
    }  # valid and invalid values alike; the locked ones as the account has them
    assert draft.answers == {"q": {"dine_in": "dining_commitment", "signboard": "install"}, "skip": [], "lic": []}
    event = DraftEvent.objects.get(draft=draft)
    assert event.action == DraftEventAction.SAVE_DRAFT
    assert set(event.after) == {*data, *account, "_answers"}


def test_autosave_answers_a_small_fragment_and_the_draft_resumes_elsewhere(client_for, restaurant):
    response = client_for("enterprise").post(
        save_url(restaurant.code, ALL_ITEMS), {"premises.seats": "40"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().strip().startswith('<span class="saved" role="status">已保存 ')
    # another device: a new session, no query string — the draft's answers and values come back
    response = client_for("enterprise").get(form_url(restaurant.code))
    assert SIGN in response.context["form"].items
    assert 'name="premises.seats" value="40"' in response.content.decode()


def test_autosave_without_javascript_redirects_back_to_the_form(client_for, restaurant):
    response = client_for("enterprise").post(save_url(restaurant.code, ALL_ITEMS), {"premises.seats": "40"})
    assert response.status_code == 302
    assert response.url == form_url(restaurant.code, ALL_ITEMS)
    values = ApplicationDraft.objects.get(user__username="enterprise").values
    assert values["premises.seats"] == "40"


def test_population_data_prefills_only_after_consent(client_for, retirement):
    client = client_for("citizen")
    body = client.get(form_url(retirement.code)).content.decode()
    assert "来自本人账号" in body  # the applicant's own name and ID number, from the account, without consent
    assert "河南省新乡市新乡县七里营镇演示村一组12号" not in body and "来自人口库" not in body  # the registry's
    consent_to_population("citizen")
    response = client.get(form_url(retirement.code))
    body = response.content.decode()
    assert 'name="applicant.name" value="张三" type="text" readonly' in body
    assert 'value="410721199003070010"' in body
    assert "来自人口库 · 不可修改" in body
    assert "信息有误？" in body


def test_locked_values_cannot_be_overwritten_and_can_be_reported(client_for, retirement):
    consent_to_population("citizen")
    client = client_for("citizen")
    client.post(form_url(retirement.code), {"applicant.name": "王八", "applicant.residence_address": "演示路1号"})
    draft = ApplicationDraft.objects.get(user__username="citizen", one_thing=retirement)
    assert draft.values["applicant.name"] == "张三"  # the registry's value, not what was posted
    assert draft.values["applicant.residence_address"] == "演示路1号"
    report = reverse("oneform:report", args=[retirement.code])
    response = client.post(report, {"key": "applicant.hukou_address", "comment": "已迁至县城，门牌号有误"})
    assert response.status_code == 302
    event = DraftEvent.objects.get(draft=draft, action=DraftEventAction.REPORTED_WRONG)
    assert event.field_key == "applicant.hukou_address"
    assert event.comment == "已迁至县城，门牌号有误"
    assert event.before == {"applicant.hukou_address": "河南省新乡市新乡县七里营镇演示村一组12号"}
    # a field the applicant fills in themselves is not reported, it is corrected
    assert client.post(report, {"key": "applicant.residence_address", "comment": "x"}).status_code == 404


def test_an_applicant_sees_none_of_another_applicants_draft(client_for, retirement):
    client_for("citizen").post(
        form_url(retirement.code), {"applicant.residence_address": "张三家的地址", "applicant.bank_name": "演示银行"}
    )
    other = client_for("citizen_spouse")
    body = other.get(form_url(retirement.code)).content.decode()
    assert "张三家的地址" not in body and "演示银行" not in body
    other.post(save_url(retirement.code), {"applicant.bank_name": "李四的银行"}, HTTP_HX_REQUEST="true")
    mine = ApplicationDraft.objects.get(user__username="citizen", one_thing=retirement)
    assert mine.values["applicant.residence_address"] == "张三家的地址"
    assert mine.values["applicant.bank_name"] == "演示银行"  # untouched
    theirs = ApplicationDraft.objects.get(user__username="citizen_spouse", one_thing=retirement)
    assert theirs.values["applicant.bank_name"] == "李四的银行"
    assert "张三家的地址" not in theirs.values.values() and "张三" not in theirs.values.values()


@pytest.mark.parametrize("username", ["xinxiang_window", "xinxiang_catalog_admin", "admin"])
def test_staff_get_404(client_for, restaurant, username):
    client = client_for(username)
    assert client.get(form_url(restaurant.code, ALL_ITEMS)).status_code == 404
    assert client.post(save_url(restaurant.code), {"premises.seats": "1"}).status_code == 404
    assert client.post(form_url(restaurant.code), {"premises.seats": "1"}).status_code == 404
    assert not ApplicationDraft.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client_for, restaurant):
    response = client_for(None).get(form_url(restaurant.code))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_unknown_and_unpublished_one_things_are_404(client_for):
    assert client_for("enterprise").get(form_url("NO-SUCH-CODE")).status_code == 404


def test_a_report_without_a_comment_is_refused_and_nothing_is_recorded(client_for, retirement):
    consent_to_population("citizen")
    client = client_for("citizen")
    report = reverse("oneform:report", args=[retirement.code])
    response = client.post(report, {"key": "applicant.name", "comment": "  "}, follow=True)
    assert "请说明哪里有误，以便数据所属部门核实更正。" in response.content.decode()
    assert not DraftEvent.objects.filter(action=DraftEventAction.REPORTED_WRONG).exists()
