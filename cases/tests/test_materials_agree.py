"""One materials rule, four places (issue 10 part 3): for every fully specified, published one-thing and every
situation its questionnaire can reach (YIJIAN_EXHAUSTIVE=1; by default every option's effect at least once, one
situation per distinct outcome), the printable notice, the live guide, the materials page (HTTP, as the
applicant), the requirements stored at submit (HTTP submit) and the receipt (HTTP, after the window received the case)
list the same materials with the same statuses.

The statuses are read from each page's `data-material` / `data-status` (`data-state` on the receipt: the CaseMaterial
state) attributes, never from the rule itself: a page that filters, relabels or recomputes differently fails here.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from accounts.choices import AccountKind, StaffRole
from accounts.models import User
from cases import services
from cases.choices import MaterialState
from cases.models import Case
from catalog.choices import OneThingStatus, Specification, Subject
from catalog.models import MaterialType, OneThing
from guidance import queries as guidance_queries
from guidance.forms import GuideQuery
from guidance.services import build_notice
from materials.services import do_upload_material
from oneform.forms import draft_state
from oneform.services import do_save_draft, merge_form, validate_values

from .conftest import pdf, sample_value
from .test_window_views import next_workday

MARKED = re.compile(r'data-material="([\w-]+)" data-(?:status|state)="([\w-]+)"')

# a needed material's status (the rule) → the state its CaseMaterial must have when this test filed it
# (uploaded every material to submit, left every 容缺 one out, uploaded nothing 'if it applies')
FILED_STATE = {
    "submit": {MaterialState.UPLOADED},
    "deferrable": {MaterialState.DEFERRED},  # left out, then deferred by the window at intake
    "exempt": {MaterialState.EXEMPT},
    "generated": {MaterialState.GENERATED},
    "produced": {MaterialState.PRODUCED},
    "pushed": {MaterialState.PUSHED},
}


def marked(html: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, status in MARKED.findall(html):
        assert found.get(key, status) == status, f"{key} shown twice with different statuses"
        found[key] = status
    return found


def full_one_things() -> list[OneThing]:
    return list(
        OneThing.objects.filter(
            status=OneThingStatus.PUBLISHED, specification=Specification.FULL, is_template=False
        ).order_by("code")
    )


def situations(one_thing: OneThing) -> Iterator[dict[str, str]]:
    """Every complete set of answers the questionnaire can reach: each visible question answered, in every way."""
    stack: list[dict[str, str]] = [{}]
    while stack:
        answers = stack.pop()
        pending = build_notice(one_thing, answers).unanswered
        if not pending:
            yield answers
            continue
        question = pending[0]
        for option in reversed(question.options):
            stack.append({**answers, question.key: option.key})


EXHAUSTIVE = os.environ.get("YIJIAN_EXHAUSTIVE") == "1"


def situations_to_walk(one_thing: OneThing) -> Iterator[dict[str, str]]:
    """Every reachable situation with YIJIAN_EXHAUSTIVE=1 (1,453 over the seed catalog: about 5 minutes). Otherwise
    the fullest situation and, for each question, each of its options on top of it (the rest completed the fullest
    way) — every option's effect at least once — keeping one situation per distinct material list."""
    from guidance.metrics import fullest_answers

    if EXHAUSTIVE:
        yield from situations(one_thing)
        return
    fullest = fullest_answers(one_thing)
    candidates = [fullest] + [
        fullest_answers(one_thing, {**{k: v for k, v in fullest.items() if k != q.key}, q.key: o.key})
        for q in one_thing.questions.all()
        for o in q.options.all()
    ]
    seen: set[tuple] = set()
    for answers in candidates:
        notice = build_notice(one_thing, answers)
        if notice.unanswered:
            continue  # an option that opens a question the completion could not reach
        outcome = tuple(sorted((m.key, m.status) for m in notice.materials))
        if outcome not in seen:
            seen.add(outcome)
            yield answers


def new_applicant(one_thing: OneThing, n: int) -> User:
    """A fresh applicant of the one-thing's subject: one open case per applicant and one-thing."""
    legal = one_thing.subject == Subject.LEGAL
    return User.objects.create_user(
        username=f"agree-{one_thing.pk}-{n}",
        password=None,
        kind=AccountKind.LEGAL_PERSON if legal else AccountKind.NATURAL_PERSON,
        display_name="测试申请人",
    )


CANDIDATES = [
    "6217002710000684874",
    "LSVAU2180N2183294",
    "4107960012",
    "41072119951120004512",
    "12345678",
    "410721",
    "3",
    "A1",
    "豫G12345",
    "2026-03-07 08:30",
    "08:30",
]


def valid_values(form) -> dict[str, str]:
    """A valid value for every field: the type's sample, else the first candidate the field's pattern accepts."""
    values = {f.key: sample_value(f) for f in form.fields}
    errors = validate_values(form, values)
    for key in errors:
        for candidate in CANDIDATES:
            if key not in validate_values(form, {**values, key: candidate}):
                values[key] = candidate
                break
    assert not validate_values(form, values), validate_values(form, values)
    return values


def window_for(one_thing: OneThing) -> User | None:
    return User.objects.filter(roles__role=StaffRole.WINDOW, roles__region=one_thing.region).first()


SPEC_NAMES = sorted(
    yaml.safe_load(path.read_text())["name"] for path in (settings.BASE_DIR / "data" / "specs").glob("*.yaml")
)


def test_every_fully_specified_one_thing_is_covered(db):
    assert sorted(o.name for o in full_one_things()) == SPEC_NAMES


@pytest.mark.django_db
@pytest.mark.parametrize("name", SPEC_NAMES)
def test_notice_materials_page_submit_and_receipt_agree_for_every_situation(client, media_root, name):
    one_thing = next(o for o in full_one_things() if o.name == name)
    guide = guidance_queries.get_guide_one_thing(one_thing.code)
    window = window_for(one_thing)
    assert window is not None, f"no window staff for {one_thing.name}"
    types = {mt.key: mt for mt in MaterialType.objects.all()}
    notice_url = reverse("guidance:notice", args=[one_thing.code])
    page_url = reverse("materials:page", args=[one_thing.code])
    browsing = new_applicant(one_thing, 0)  # saves each situation's draft in turn, as the one form does
    filed: dict[tuple, dict[str, str]] = {}  # each distinct material list the pages showed -> a situation showing it
    for answers in situations_to_walk(guide):
        where = f"{one_thing.name} {answers}"
        query = GuideQuery.canonical(build_notice(guide, answers))
        client.force_login(browsing)
        on_notice = marked(client.get(f"{notice_url}?{query}").content.decode())
        notice = GuideQuery(answers=answers).notice(guide)[0]
        do_save_draft(browsing, one_thing, draft_state(notice), {}, acting_user=browsing)
        on_page = marked(client.get(page_url).content.decode())
        assert on_page == on_notice, where
        filed.setdefault(tuple(sorted(on_notice.items())), answers)

    # every distinct list once through submit and receipt, by a new applicant (one open case per one-thing)
    statuses_seen: set[str] = set()
    for n, (shown, answers) in enumerate(filed.items(), start=1):
        where = f"{one_thing.name} {answers}"
        on_notice = dict(shown)
        query = GuideQuery.canonical(build_notice(guide, answers))
        applicant = new_applicant(one_thing, n)
        client.force_login(applicant)
        on_guide = marked(client.get(f"{reverse('guidance:guide', args=[one_thing.code])}?{query}").content.decode())
        assert on_guide == on_notice, where
        notice = GuideQuery(answers=answers).notice(guide)[0]
        form = merge_form(guide, notice.selected_items)
        draft = do_save_draft(applicant, one_thing, draft_state(notice), valid_values(form), acting_user=applicant)
        # upload what is to submit (容缺 left out), submit over HTTP, read the stored snapshot
        for key, status in on_notice.items():
            if status == "submit":
                do_upload_material(draft, types[key], pdf(f"{key}.pdf"), acting_user=applicant)
        response = client.post(
            reverse("cases:submit", args=[one_thing.code]),
            {"submission_key": uuid.uuid4().hex, "delivery-mode": "unified", "delivery-method": "window"},
        )
        case = Case.objects.filter(draft=draft).first()
        context = response.context or {}
        assert case is not None, f"{where}: not filed: {context.get('field_errors')} {context.get('missing')}"
        stored = {m["key"]: m["status"] for m in case.requirements["materials"]}
        assert stored == on_notice, where

        # the window receives it (容缺 ones get a date); the receipt lists every needed material once
        deferrals = {key: next_workday() for key, status in stored.items() if status == "deferrable"}
        services.do_receive_case(case, deferrals=deferrals, acting_user=window)
        on_receipt = marked(client.get(reverse("cases:receipt", args=[case.number])).content.decode())
        needed = {key: status for key, status in stored.items() if status in FILED_STATE}
        assert set(on_receipt) == set(needed), where
        for key, state in on_receipt.items():
            assert state in FILED_STATE[needed[key]], f"{where}: {key} {needed[key]} filed as {state}"
        statuses_seen.update(stored.values())
    assert statuses_seen  # the regular expression found something: the pages carry the markers


def test_the_seed_catalog_shows_every_status(db):
    """Across the fully specified one-things' fullest situations the rule yields each status the pages show (so the
    agreement test above proves something about each), and the newborn's situations are all reachable."""
    seen = set()
    for one_thing in full_one_things():
        guide = guidance_queries.get_guide_one_thing(one_thing.code)
        for answers in situations(guide):
            seen.update(m.status for m in build_notice(guide, answers).materials)
    assert {"submit", "deferrable", "generated", "produced", "pushed", "not_needed"} <= seen
