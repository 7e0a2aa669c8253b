"""Values a one-thing or an answer of its questionnaire settles (OneThing.form_values), through the form page."""

import pytest
from django.urls import reverse

from catalog.choices import OneThingStatus
from catalog.models import OneThing
from oneform.models import ApplicationDraft
from shareddata.choices import ConsentScope
from shareddata.services import do_grant_consent

pytestmark = pytest.mark.django_db

COMMITMENT = "q.licence=has_licence&q.area=large&q.fire_mode=commitment&q.signboard=shopfront&q.energy=both"
INSPECTION = COMMITMENT.replace("fire_mode=commitment", "fire_mode=inspection")


@pytest.fixture
def hotpot() -> OneThing:
    return OneThing.objects.get(region__code="411421", name="我要开火锅店", status=OneThingStatus.PUBLISHED)


def form(client, code: str, query: str):
    return client.get(f"{reverse('oneform:form', args=[code])}?{query}")


def fields_of(response) -> dict:
    return {fv.field.key: fv for _section, fvs in response.context["sections"] for fv in fvs}


def test_the_answer_settles_the_field_locked_and_says_why(client_for, hotpot):
    client = client_for("enterprise")
    response = form(client, hotpot.code, COMMITMENT)
    fields = fields_of(response)
    approach = fields["fire.approach"]
    assert (approach.value, approach.locked) == ("告知承诺方式", True)
    assert fields["signboard.position"].value == "一层门头上方"
    body = response.content.decode()
    assert "您在问卷中选择了告知承诺方式办理开业前消防安全检查" in body
    assert "由问卷回答确定" in body
    assert 'id="report-fire.approach"' not in body  # nothing to report to a registry: the answer decides it

    response = form(client, hotpot.code, INSPECTION)
    assert fields_of(response)["fire.approach"].value == "一般程序（现场检查后许可）"


def test_a_saved_draft_follows_a_changed_answer(client_for, hotpot):
    client = client_for("enterprise")
    save = f"{reverse('oneform:save', args=[hotpot.code])}?{COMMITMENT}"
    assert client.post(save, {"fire.approach": "一般程序（现场检查后许可）"}).status_code in (200, 302)
    draft = ApplicationDraft.objects.get(user__username="enterprise", one_thing=hotpot)
    assert draft.values["fire.approach"] == "告知承诺方式"  # a posted value cannot override the answer
    response = form(client, hotpot.code, INSPECTION)
    assert fields_of(response)["fire.approach"].value == "一般程序（现场检查后许可）"


def test_what_the_one_thing_settles_is_an_editable_default(client_for, hotpot):
    client = client_for("enterprise")
    fields = fields_of(form(client, hotpot.code, COMMITMENT))
    assert (fields["utility.gas_category"].value, fields["utility.gas_category"].locked) == (
        "商业用气（餐饮等）",
        False,
    )
    assert fields["utility.power_voltage"].value == "由供电企业确定"
    # same_as the premises address: empty until a source (不动产) supplies the address
    assert fields["utility.service_address"].value == ""
    save = f"{reverse('oneform:save', args=[hotpot.code])}?{COMMITMENT}"
    client.post(save, {"utility.gas_category": "工业用气"})
    fields = fields_of(form(client, hotpot.code, COMMITMENT))
    assert fields["utility.gas_category"].value == "工业用气"  # what the applicant typed wins


def test_same_as_follows_the_consented_source(client_for, hotpot):
    from accounts.models import User

    user = User.objects.get(username="enterprise")
    do_grant_consent(user, ConsentScope.REAL_ESTATE, acting_user=user, purpose="预填申请表")
    do_grant_consent(user, ConsentScope.MARKET, acting_user=user, purpose="预填申请表")
    fields = fields_of(form(client_for("enterprise"), hotpot.code, COMMITMENT))
    assert (
        fields["utility.service_address"].value
        == fields["premises.address"].value
        == "河南省新乡市新乡县七里营镇演示路88号"
    )
    assert fields["signboard.text"].value == fields["enterprise.name"].value
    assert fields["utility.service_address"].prefilled.note.startswith("本“一件事”中的用电、用气报装")
