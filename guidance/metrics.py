"""Reform metrics (改革前后效能比对): each one-thing filed item by item ("before") against the merged one-thing
("after") for its demo applicant. Used by `manage.py reform_metrics`.

Rows: every published, non-template, fully specified one-thing (Specification.FULL).

Selection: the fullest situation the questionnaire allows (`fullest_answers`): question by question, in order and
as they become visible, the option that brings in the most items (included minus excluded; ties: the first
option), after the answers that follow from who the demo applicant is (DEMO_ANSWERS_FOR_ONE_THING: the demo
enterprise already holds its 营业执照). Both "before" and "after" are over this same selection, so the figures
measure merging and data sharing, not the choice of items.

Before (the selected items filed one by one)
    fields_before     form fields summed over the items (a field several items ask for counts once per item).
    materials_before  the materials the situation needs, counted once per item that needs them (what filing each
                      item on its own would ask for: required ones plus the situational ones the answers trigger).
    visits_before     2 per item: one visit to apply and one to collect the result.
    days_before       the items' promised working days summed (a one-thing's local limit wins over the item's).

After (the merged one-thing for its demo applicant — the person who would file it, `demo_applicant_for`: by name
where the demo data has that person, else `citizen` for natural persons and `enterprise` for legal persons — with
consent granted to every source that applicant may use, and for a one-thing filed together with another person,
that person's consent to the applicant's form using their data: DEMO_PARTY_FOR_ONE_THING)
    fields_after      distinct data elements over the items (one merged form), less those another selected item's
                      result produces (not asked: the department enters them when it approves that item).
    prefilled_share   share of fields_after that `prefill_for` actually returns a value for this applicant (from
                      their profile or a consented source, or settled by the one-thing or the answers given —
                      OneThing.form_values; no value, no count), rounded to 2 decimals (0.0 when there are no
                      fields).
    materials_after   merged materials still to be submitted (guidance.materials: to submit or 容缺; not those
                      generated from the one form, produced by another item of the case or pushed by a
                      department): each material type once, less those exempt because
                      the applicant holds a valid e-licence that replaces it (licence types from the source's
                      `licences_of`) or a shared-data source that replaces it supplied data for this applicant's
                      form (consent alone is not enough: the source must hold their records).
    visits_after      1 when a material still to be submitted must be given on paper (an item requires it as
                      原件 or 原件及复印件), or the result can only be collected at the window; else 0.
    days_after        the critical path over prerequisites among the items (build_notice's combined limit).

The consents are granted inside a transaction that is always rolled back: computing the metrics changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Count, prefetch_related_objects

from accounts.models import User
from catalog.choices import (
    DeliveryMethod,
    MaterialForm,
    MaterialRequirement,
    OneThingStatus,
    Specification,
    Subject,
)
from catalog.models import ItemFormField, ItemMaterial, OneThing
from oneform.services import merge_form, settled_by
from shareddata.choices import LicenceStatus, PrefillSource
from shareddata.services import do_grant_consent, do_grant_party_consent, prefill_for, scopes_for
from shareddata.sources import get_source

from .materials import NEEDED
from .services import build_notice

DEMO_APPLICANT_FOR_SUBJECT = {Subject.NATURAL: "citizen", Subject.LEGAL: "enterprise"}
# One-things whose applicant is someone else than the subject's default: the person the demo data
# (shareddata/demo_data.yaml) has in that situation. Measuring another person would measure nothing real.
DEMO_APPLICANT_FOR_ONE_THING = {
    # The mother: the spec has her apply for the 出生医学证明 (首签; anyone else needs her power of attorney), and the
    # fullest situation includes 生育医疗费用报销, her own claim. As the applicant she may consent to her own delivery
    # and insurance records; filed by the father (张三), the same form gets the newborn's birth registration and both
    # parents' identity but not her records: 11 of 31 fields instead of 15.
    "新生儿出生": "citizen_spouse",  # 李四
    "教育入学": "citizen",  # 张三, father of 张子涵 (six in 2027)
    "退休": "retiree",  # 孙七, reaching retirement age (张三 is 36)
    "残疾人服务": "retiree",  # 孙七, guardian of his son 孙明 (智力残疾二级, same household)
    "身后一件事": "retiree",  # 孙七, whose father 孙守义 died
    "结婚登记一件事": "engaged",  # 吴九 (民权县, unmarried); the other party 郑十 consents to his form using her data
}
# One-things filed together with another person (共同申请): the other party, who consents from their own account to
# the applicant's form using their data (shareddata.PartyConsent), as they would before the two go to register.
DEMO_PARTY_FOR_ONE_THING = {"结婚登记一件事": "engaged_partner"}  # 郑十
# Answers that follow from who the demo applicant is, given before the fullest situation is completed: the demo
# enterprise (演示企业) is registered already and holds its 营业执照, so it opens a hotpot restaurant as an existing
# enterprise; registering a new 个体工商户 would be filed by a natural person, not by this account.
DEMO_ANSWERS_FOR_ONE_THING = {
    "我要开火锅店": {"licence": "has_licence"},
}
PAPER_FORMS = (MaterialForm.ORIGINAL, MaterialForm.ORIGINAL_AND_COPY)
CONSENT_PURPOSE = "改革前后效能比对（模拟，不保存）"


@dataclass(frozen=True)
class ReformMetrics:
    code: str
    name: str
    region: str
    fields_before: int
    fields_after: int
    prefilled_share: float
    materials_before: int
    materials_after: int
    visits_before: int
    visits_after: int
    days_before: int
    days_after: int

    def as_dict(self) -> dict:
        return asdict(self)


class _Rollback(Exception):
    pass


def measured_one_things():
    """The one-things the metrics cover: published, not templates, fully specified."""
    return (
        OneThing.objects.filter(status=OneThingStatus.PUBLISHED, is_template=False, specification=Specification.FULL)
        .select_related("region")
        .order_by("region__code", "code")
    )


def reform_metrics() -> list[ReformMetrics]:
    """One row per measured one-thing; see the module docstring. Leaves the database as it found it.

    Raises User.DoesNotExist when a needed demo applicant is missing (run `load_demo_accounts`).
    """
    rows: list[ReformMetrics] = []
    try:
        with transaction.atomic():
            one_things = list(measured_one_things())
            applicants = _applicants_with_consent({demo_applicant_for(ot) for ot in one_things})
            rows = [_metrics(one_thing, *applicants[demo_applicant_for(one_thing)]) for one_thing in one_things]
            raise _Rollback
    except _Rollback:
        pass
    return rows


def demo_applicant_for(one_thing: OneThing) -> str:
    """The username of the demo applicant the metrics use for this one-thing."""
    return DEMO_APPLICANT_FOR_ONE_THING.get(one_thing.name, DEMO_APPLICANT_FOR_SUBJECT[one_thing.subject])


def _applicants_with_consent(usernames: set[str]) -> dict[str, tuple[User, frozenset[str]]]:
    """username -> (demo applicant, the types of their valid e-licences), each consenting to every source."""
    found = {}
    source = get_source()
    for username in sorted(usernames):
        user = User.objects.get(username=username)
        for scope in scopes_for(user):
            do_grant_consent(user, scope, acting_user=user, purpose=CONSENT_PURPOSE)
        licences = source.licences_of(user.identity_number) if user.identity_number else []
        held = frozenset(lic.type for lic in licences if lic.status == LicenceStatus.VALID)
        found[username] = (user, held)
    return found


def fullest_answers(one_thing: OneThing, given: dict[str, str] | None = None) -> dict[str, str]:
    """Answer each visible question with the option that brings in the most items, until none is unanswered;
    questions in `given` keep the answer given."""
    options = {q.key: sorted(q.options.all(), key=lambda o: o.order) for q in one_thing.questions.all()}
    answers: dict[str, str] = dict(given or {})
    for _ in range(len(options) + 1):
        pending = [q for q in build_notice(one_thing, answers).unanswered if q.key not in answers]
        if not pending:
            break
        question = pending[0]
        best = max(
            options[question.key],
            key=lambda o: (len(o.include_items.all()) - len(o.exclude_items.all()), -o.order),
        )
        answers[question.key] = best.key
    return answers


def _metrics(one_thing: OneThing, user: User, held: frozenset[str]) -> ReformMetrics:
    prefetch_related_objects(
        [one_thing],
        "items__service_item",
        "items__department",
        "items__prerequisites",
        "questions__show_if",
        "questions__options__include_items",
        "questions__options__exclude_items",
        "questions__options__require_materials",
        "questions__options__exempt_materials",
    )
    answers = fullest_answers(one_thing, DEMO_ANSWERS_FOR_ONE_THING.get(one_thing.name))
    selected_pks = {line.pk for line in build_notice(one_thing, answers).selected_items}
    item_ids = [it.service_item_id for it in one_thing.items.all() if it.pk in selected_pks]

    fields = ItemFormField.objects.filter(item_id__in=item_ids)
    field_counts = dict(fields.values("item_id").annotate(n=Count("id")).values_list("item_id", "n"))
    # the merged form as asked: without the values another selected item's result produces (出生医学证明编号)
    element_keys = set(merge_form(one_thing, selected_pks).keys)
    party = DEMO_PARTY_FOR_ONE_THING.get(one_thing.name)
    if party:  # rolled back with the other consents
        other = User.objects.get(username=party)
        do_grant_party_consent(
            other,
            applicant_name=user.display_name,
            applicant_id_number=user.id_number,
            one_thing_code=one_thing.code,
            acting_user=other,
        )
    prefilled = prefill_for(user, element_keys, one_thing_code=one_thing.code, settled=settled_by(one_thing, answers))
    # a source replaces materials only where it holds this applicant's records: it supplied some of the form
    supplying = frozenset(p.source for p in prefilled.values()) - {PrefillSource.PROFILE}
    notice = build_notice(one_thing, answers, held_licence_types=held, shared_sources=supplying)

    required = ItemMaterial.objects.filter(item_id__in=item_ids, requirement=MaterialRequirement.REQUIRED)
    to_submit = {m.key for m in notice.to_submit}
    on_paper = required.filter(material_type__key__in=to_submit, form__in=PAPER_FORMS).exists()
    window_only = set(one_thing.delivery_methods) == {DeliveryMethod.WINDOW}

    return ReformMetrics(
        code=one_thing.code,
        name=one_thing.name,
        region=one_thing.region.name,
        fields_before=sum(field_counts.get(i, 0) for i in item_ids),
        fields_after=len(element_keys),
        prefilled_share=round(len(prefilled) / len(element_keys), 2) if element_keys else 0.0,
        materials_before=sum(len(m.uses) for m in notice.materials if m.status in NEEDED),
        materials_after=len(to_submit),
        visits_before=2 * len(item_ids),
        visits_after=1 if (on_paper or window_only) else 0,
        days_before=notice.figures.days_before,
        days_after=notice.combined_days,
    )
