"""The consent offer at the top of the one form (issue 10 part 2), through the real pages as the demo applicants.

Where consent would pre-fill more of this form, the form says so per source with the fields it would fill, grants it
there (POST only), and comes back to the same form with the answers kept, typed values kept and the draft untouched.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from cases.tests.test_window_views import RESTAURANT_QUERY, WINDOW, intake_url
from catalog.models import DataElement
from core.errors import UserFacingError
from oneform.models import ApplicationDraft
from oneform.services import do_save_draft
from shareddata.choices import ConsentScope, EventAction
from shareddata.models import Consent, DemoPerson, DemoRecord, DemoRelation, SharedDataEvent
from shareddata.offers import do_grant_consents
from shareddata.services import scopes_for

from .conftest import published
from .test_views import ALL_ITEMS, form_url

pytestmark = pytest.mark.django_db

POPULATION, SOCIAL, MARKET = ConsentScope.POPULATION, ConsentScope.SOCIAL_SECURITY, ConsentScope.MARKET
EDUCATION, HEALTH, TAX = ConsentScope.EDUCATION, ConsentScope.HEALTH, ConsentScope.TAX
REAL_ESTATE = ConsentScope.REAL_ESTATE


def consent_url(code: str, query: str = "") -> str:
    url = reverse("oneform:consent", args=[code])
    return f"{url}?{query}" if query else url


def panel(client: Client, code: str, query: str = ""):
    response = client.get(form_url(code, query))
    assert response.status_code == 200
    return response.context["consent_panel"]


def offered(client: Client, code: str, query: str = "") -> list[str]:
    return panel(client, code, query).offered_scopes


def name_of(key: str) -> str:
    return DataElement.objects.get(key=key).name


def shown(client: Client, code: str, key: str, query: str = "") -> str:
    """The value the form shows in field `key`."""
    sections = client.get(form_url(code, query)).context["sections"]
    return next(fv.value for _s, fields in sections for fv in fields if fv.field.key == key)


def consents_of(username: str) -> set[str]:
    return set(
        Consent.objects.filter(user__username=username, withdrawn_at__isnull=True).values_list("scope", flat=True)
    )


@pytest.fixture
def education(db):
    """教育入学, 新乡县: the student (张三's school-age daughter, found through the population registry)."""
    return published("教育入学")


# ---------------------------------------------------------------- what is offered


def test_the_offer_lists_exactly_the_sources_that_would_add_fields(client_for, retirement):
    client = client_for("retiree")
    # the retiree may consent to the health authority and civil affairs too, and the dictionary has elements of
    # theirs (only-child certificate, marital status), but none is on the default 退休 form: not offered
    assert {HEALTH, ConsentScope.CIVIL_AFFAIRS} <= set(scopes_for(User.objects.get(username="retiree")))
    assert DataElement.objects.filter(source=HEALTH).exists()
    assert offered(client, retirement.code) == [POPULATION, SOCIAL]
    offers = {o.scope: o for o in panel(client, retirement.code).offers}
    # the account's own name and ID number are filled without consent: the registry is not offered for them
    assert name_of("applicant.gender") in offers[POPULATION].fields
    assert name_of("applicant.name") not in offers[POPULATION].fields
    assert name_of("retiree.contribution_months") in offers[SOCIAL].fields
    body = client.get(form_url(retirement.code)).content.decode()
    assert body.count('form="oneform" formaction=') == 3  # one button per source and 全部授权
    assert _("Consent and fill in") in body and _("Consent to all") in body
    assert reverse("shareddata:consents") in body


def test_an_enterprise_is_offered_its_own_registries_only(client_for, restaurant):
    client = client_for("enterprise")
    assert offered(client, restaurant.code, ALL_ITEMS) == [MARKET, REAL_ESTATE]  # its registration, its premises
    body = client.get(form_url(restaurant.code, ALL_ITEMS)).content.decode()
    assert 'value="population"' not in body  # not the population registry: not an enterprise's to consent to
    assert 'value="tax"' not in body  # the tax authority is the enterprise's, but fills nothing on this form
    assert DataElement.objects.filter(source=TAX).exists()
    market = panel(client, restaurant.code, ALL_ITEMS).offers[0]
    assert name_of("enterprise.name") not in market.fields  # from the account, locked
    assert name_of("enterprise.business_scope") in market.fields


def test_a_single_source_offer_has_no_consent_to_all_button(client_for, restaurant):
    client = client_for("enterprise")
    assert 'name="all"' in client.get(form_url(restaurant.code, ALL_ITEMS)).content.decode()  # two offered
    client.post(consent_url(restaurant.code, ALL_ITEMS), {"scope": MARKET})
    body = client.get(form_url(restaurant.code, ALL_ITEMS)).content.decode()
    assert offered(client, restaurant.code, ALL_ITEMS) == [REAL_ESTATE]
    assert _("Consent and fill in") in body
    assert 'name="all"' not in body


def test_an_offer_names_the_consent_its_person_is_found_through(client_for, education):
    offers = {o.scope: o for o in panel(client_for("citizen"), education.code).offers}
    assert offers[EDUCATION].also_needs == [ConsentScope.POPULATION.label]  # the school-age child: the registry
    assert offers[POPULATION].also_needs == []


# ---------------------------------------------------------------- granting


def test_granting_one_source_fills_its_fields_on_the_next_render(client_for, retirement):
    client = client_for("retiree")
    retiree = User.objects.get(username="retiree")
    assert shown(client, retirement.code, "applicant.gender") == ""
    response = client.post(consent_url(retirement.code), {"scope": POPULATION})
    assert response.status_code == 302 and response.url == form_url(retirement.code)
    assert consents_of("retiree") == {POPULATION}  # that one only
    consent = Consent.objects.get(user=retiree, scope=POPULATION)
    assert retirement.name in consent.purpose
    assert SharedDataEvent.objects.filter(subject=retiree, consent=consent, action=EventAction.GRANT_CONSENT).exists()

    registry = DemoPerson.objects.get(id_number=retiree.id_number).values
    page = client.get(response.url)
    assert shown(client, retirement.code, "applicant.gender") == registry["applicant.gender"]
    assert page.context["consent_panel"].offered_scopes == [SOCIAL]
    granted = {g.scope: g for g in page.context["consent_panel"].granted}
    assert name_of("applicant.gender") in granted[POPULATION].fields  # 已授权, with what it filled
    assert _("Consented") in page.content.decode()


def test_consent_to_all_grants_every_offered_source_and_keeps_the_answers(client_for, restaurant):
    client = client_for("enterprise")
    response = client.post(consent_url(restaurant.code, ALL_ITEMS), {"all": "1"})
    assert response.status_code == 302
    assert "q.dine_in=dining_commitment" in response.url and "q.signboard=install" in response.url
    assert consents_of("enterprise") == {MARKET, REAL_ESTATE}  # what was offered; not tax, not social insurance
    assert offered(client, restaurant.code, ALL_ITEMS) == []


def test_consent_to_all_is_one_transaction(retirement):
    retiree = User.objects.get(username="retiree")
    with pytest.raises(UserFacingError):
        do_grant_consents(retiree, [POPULATION, MARKET], acting_user=retiree, purpose="预填")  # market: not his
    assert consents_of("retiree") == set()


def autosave_everything(client: Client, code: str, **typed: str) -> dict[str, str]:
    """Save the form as its autosave does: every field, the empty ones too; returns what was sent."""
    keys = client.get(form_url(code)).context["form"].keys
    values = {k: "" for k in keys} | typed
    assert client.post(reverse("oneform:save", args=[code]), values, HTTP_HX_REQUEST="true").status_code == 200
    return values


def test_a_typed_value_survives_the_new_prefill(client_for, education):
    client = client_for("citizen")
    citizen = User.objects.get(username="citizen")
    values = autosave_everything(client, education.code, **{"student.previous_school": "我填的幼儿园"})
    draft = ApplicationDraft.objects.get(user=citizen, one_thing=education)
    before = dict(draft.values)

    # the education authority would fill only what the applicant typed: it adds nothing now
    assert EDUCATION not in offered(client, education.code)
    client.post(consent_url(education.code), {"scope": POPULATION, **values})
    draft.refresh_from_db()
    assert draft.values == before  # nothing typed since the save: the draft is untouched
    child = DemoRelation.objects.get(person__id_number=citizen.id_number, relative__name="张子涵").relative
    assert shown(client, education.code, "student.name") == child.name
    assert shown(client, education.code, "student.previous_school") == "我填的幼儿园"

    client.post(consent_url(education.code), {"all": "1"})
    assert EDUCATION not in consents_of("citizen")  # not offered, so not granted by 全部授权
    assert shown(client, education.code, "student.previous_school") == "我填的幼儿园"


def test_a_field_saved_empty_takes_the_prefill_of_a_later_consent(client_for, education):
    client = client_for("citizen")
    citizen = User.objects.get(username="citizen")
    autosave_everything(client, education.code)
    assert ApplicationDraft.objects.get(user=citizen, one_thing=education).values["student.previous_school"] == ""
    assert offered(client, education.code) == [POPULATION, EDUCATION]
    client.post(consent_url(education.code), {"all": "1"})
    assert consents_of("citizen") == {POPULATION, EDUCATION}
    child = DemoRelation.objects.get(person__id_number=citizen.id_number, relative__name="张子涵").relative
    record = DemoRecord.objects.get(source=EDUCATION, holder_id=child.id_number, section="student")
    # not authoritative, so a typed value would win; an empty saved one is not typed
    assert shown(client, education.code, "student.previous_school") == record.values["student.previous_school"]


def test_what_was_typed_and_not_yet_saved_goes_with_the_button(client_for, education):
    client = client_for("citizen")
    citizen = User.objects.get(username="citizen")
    response = client.post(consent_url(education.code), {"scope": POPULATION, "student.previous_school": "刚输入的"})
    assert response.status_code == 302
    draft = ApplicationDraft.objects.get(user=citizen, one_thing=education)
    assert draft.values == {"student.previous_school": "刚输入的"}  # as typed; the new pre-fill is not written in
    assert shown(client, education.code, "student.previous_school") == "刚输入的"
    assert shown(client, education.code, "student.name") != ""


def test_an_authoritative_source_says_which_typed_values_it_would_replace(client_for, retirement):
    client = client_for("retiree")
    retiree = User.objects.get(username="retiree")
    do_save_draft(retiree, retirement, {}, {"applicant.gender": "女"}, acting_user=retiree)
    population = next(o for o in panel(client, retirement.code).offers if o.scope == POPULATION)
    assert population.replaces == [name_of("applicant.gender")]


# ---------------------------------------------------------------- what is never done


def test_get_grants_nothing(client_for, retirement):
    client = client_for("retiree")
    assert client.get(consent_url(retirement.code) + "?scope=population").status_code == 405
    client.get(form_url(retirement.code))
    assert consents_of("retiree") == set()


def test_the_consent_button_needs_the_csrf_token(retirement):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="retiree"))
    assert client.post(consent_url(retirement.code), {"scope": POPULATION}).status_code == 403
    assert consents_of("retiree") == set()
    body = client.get(form_url(retirement.code)).content.decode()
    form = body[body.index('id="oneform"') : body.index("</form>", body.index('id="oneform"'))]
    assert "csrfmiddlewaretoken" in form  # the buttons post the form with its token


def test_a_source_not_offered_on_this_form_is_not_granted(client_for, restaurant):
    client = client_for("enterprise")
    for scope in (POPULATION, TAX, "nonsense"):
        response = client.post(consent_url(restaurant.code, ALL_ITEMS), {"scope": scope}, follow=True)
        assert response.status_code == 200
        assert any(m.level_tag == "error" for m in response.context["messages"])
    assert consents_of("enterprise") == set()


def test_another_users_draft_is_untouched(client_for, education):
    spouse = User.objects.get(username="citizen_spouse")
    theirs = do_save_draft(spouse, education, {}, {"student.previous_school": "她的"}, acting_user=spouse)
    stamp = theirs.updated_at
    client_for("citizen").post(consent_url(education.code), {"all": "1", "student.previous_school": "我的"})
    theirs.refresh_from_db()
    assert theirs.values == {"student.previous_school": "她的"} and theirs.updated_at == stamp
    assert consents_of("citizen_spouse") == set() and consents_of("citizen")


def test_the_walk_in_form_shows_no_offer(client_for, restaurant):
    assert offered(client_for("enterprise"), restaurant.code, RESTAURANT_QUERY) == [MARKET, REAL_ESTATE]  # online
    staff = client_for(WINDOW)
    page = staff.get(intake_url(staff))
    assert page.status_code == 200
    body = page.content.decode()
    assert "consent-panel" not in body and _("Consent and fill in") not in body
    # nor can staff reach the applicant's consent button
    assert staff.post(consent_url(restaurant.code, RESTAURANT_QUERY), {"scope": MARKET}).status_code == 404
    assert consents_of("enterprise") == set()


def test_a_withdrawn_consent_is_offered_again(client_for, retirement):
    client = client_for("retiree")
    client.post(consent_url(retirement.code), {"scope": POPULATION})
    assert POPULATION not in offered(client, retirement.code)
    consent = Consent.objects.get(user__username="retiree", scope=POPULATION)
    client.post(reverse("shareddata:withdraw", args=[consent.pk]))
    assert POPULATION in offered(client, retirement.code)
    assert shown(client, retirement.code, "applicant.gender") == ""  # nothing read without the consent
