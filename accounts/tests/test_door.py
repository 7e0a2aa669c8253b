"""The one door (accounts.permissions), generated: every role × every action × objects inside and outside its scope.

The world: a city with two counties, A and B. In A, two departments (LEAD_DEPT leads one-thing `ot_a`, OTHER_DEPT
leads `ot_a2`); in B, one (`ot_b`). Four cases (one of them filed at A's window), four distributed items, two
licences, four documents. Each staff member holds one role in county A (reviewer, lead and department head in LEAD_DEPT); one
supervisor sits at the city; `applicant` filed `a_led`.

EXPECTED below is written out by hand — it is what each role may do, as people would state it, not read from
GRANTS. For every (action, role), `may()` on each object and `restrict()` over the saved ones must give exactly the
expected set, and `holds()` must say whether the set is empty.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from accounts.choices import AccountKind, StaffRole
from accounts.models import RoleAssignment, User
from accounts.permissions import GRANTS, holds, may, restrict
from cases.choices import Channel
from cases.models import Case, CaseItem
from catalog.models import OneThing, OneThingItem, ServiceItem
from documents.choices import DocumentKind
from documents.models import CaseDocument
from evaluation.models import Complaint, Rating, Rectification
from regions.models import Department, Region
from results.models import ELicence

ROLES = (
    "window",
    "reviewer",
    "lead",
    "delivery",
    "catalog_admin",
    "supervisor",
    "city_supervisor",
    "department_head",
    "sysadmin",
    "applicant",
    "nobody",
)

A_CASES = {"a_led", "a_other", "a_walk_in"}
ALL_CASES = A_CASES | {"b"}
A_ITEMS = {"i_led_lead", "i_led_other", "i_other_other"}
ALL_ITEMS = A_ITEMS | {"i_b"}
A_THINGS = {"ot_a", "ot_a2"}
ALL_THINGS = A_THINGS | {"ot_b"}
A_RECTIFICATIONS = {"r_lead", "r_other", "r_none"}  # r_none: a 差评 of a step whose department is not known
ALL_RECTIFICATIONS = A_RECTIFICATIONS | {"r_b"}
A_COMPLAINTS = {"c_lead", "c_other"}
ALL_COMPLAINTS = A_COMPLAINTS | {"c_b"}

# action -> the objects it is asked about (their kind) -> role -> the objects that role may act on
EXPECTED: dict[str, dict[str, set[str]]] = {
    "case.view": {
        "window": A_CASES,
        "lead": {"a_led", "a_walk_in"},  # the cases of the one-thing its department leads
        "delivery": A_CASES,
        "supervisor": A_CASES,
        "city_supervisor": ALL_CASES,
        "sysadmin": ALL_CASES,
        "applicant": {"a_led"},
    },
    "case.materials": {
        "window": A_CASES,
        "supervisor": A_CASES,
        "city_supervisor": ALL_CASES,
        "sysadmin": ALL_CASES,
        "applicant": {"a_led"},
    },
    "case.review": {"window": A_CASES, "sysadmin": ALL_CASES},
    "case.change_application": {"window": {"a_walk_in"}, "sysadmin": {"a_walk_in"}, "applicant": {"a_led"}},
    "case.file_walk_in": {"window": A_THINGS, "sysadmin": ALL_THINGS},
    "inspection.organise": {"lead": {"a_led", "a_walk_in"}},
    "result.deliver": {"window": A_CASES, "delivery": A_CASES, "sysadmin": ALL_CASES},
    "result.archive": {"window": A_CASES, "lead": {"a_led", "a_walk_in"}, "sysadmin": ALL_CASES},
    "task.view": {
        "reviewer": {"i_led_lead"},
        "department_head": {"i_led_lead"},  # its own department's tasks (to answer their 督办)
        "lead": {"i_led_lead", "i_led_other"},  # its department's, and every item of the one-thing it leads
        "window": A_ITEMS,
        "delivery": A_ITEMS,
        "supervisor": A_ITEMS,
        "city_supervisor": ALL_ITEMS,
        "sysadmin": ALL_ITEMS,
    },
    "task.data": {
        "reviewer": {"i_led_lead"},
        "department_head": {"i_led_lead"},  # the head reads its own department's tasks in full
        "lead": {"i_led_lead"},  # not the other department's data of the one-thing it leads
        "window": A_ITEMS,
        "delivery": A_ITEMS,
        "supervisor": A_ITEMS,
        "city_supervisor": ALL_ITEMS,
        "sysadmin": ALL_ITEMS,
    },
    "task.decide": {"reviewer": {"i_led_lead"}, "lead": {"i_led_lead"}, "sysadmin": ALL_ITEMS},
    "task.urge": {
        "lead": {"i_led_lead", "i_led_other"},
        "window": A_ITEMS,
        "supervisor": A_ITEMS,
        "city_supervisor": ALL_ITEMS,
        "sysadmin": ALL_ITEMS,
    },
    "licence.revoke": {"reviewer": {"l_lead"}, "lead": {"l_lead"}, "sysadmin": {"l_lead", "l_b"}},
    "document.revoke_centre": {"window": {"d_centre_a"}, "sysadmin": {"d_centre_a", "d_centre_b"}},
    "document.revoke_item": {
        "reviewer": {"d_item_lead"},
        "lead": {"d_item_lead"},
        "sysadmin": {"d_item_lead", "d_item_other"},
    },
    "supervision.view": {"supervisor": {"A"}, "city_supervisor": {"A", "B", "CITY"}, "sysadmin": {"A", "B", "CITY"}},
    "supervision.escalate": {"supervisor": A_ITEMS, "city_supervisor": ALL_ITEMS, "sysadmin": ALL_ITEMS},
    "supervision.answer": {
        "reviewer": {"i_led_lead"},
        "lead": {"i_led_lead"},  # its department's item, not the other department's of the one-thing it leads
        "department_head": {"i_led_lead"},
        "sysadmin": ALL_ITEMS,
    },
    "catalog.view_drafts": {
        "catalog_admin": A_THINGS,
        "supervisor": A_THINGS,
        "city_supervisor": ALL_THINGS,
        "sysadmin": ALL_THINGS,
    },
    "catalog.edit": {"catalog_admin": A_THINGS, "sysadmin": ALL_THINGS},
    "catalog.publish": {"catalog_admin": A_THINGS, "sysadmin": ALL_THINGS},
    "catalog.import": {"catalog_admin": A_THINGS, "sysadmin": ALL_THINGS},
    # 好差评 and complaints: the applicant rates and complains about their own case; the window opens the rating
    # screen in its region; the department the step rated belongs to handles the 差评 (this world's window and
    # certificate window have no department: they handle none); supervisors see their region's
    "rating.rate": {"applicant": {"a_led"}},
    "rating.window_screen": {"window": A_CASES, "sysadmin": ALL_CASES},
    "rating.rectify": {
        "reviewer": {"r_lead"},
        "lead": {"r_lead"},
        "department_head": {"r_lead"},
        "sysadmin": ALL_RECTIFICATIONS,
    },
    "rating.supervise": {
        "supervisor": A_RECTIFICATIONS,
        "city_supervisor": ALL_RECTIFICATIONS,
        "sysadmin": ALL_RECTIFICATIONS,
    },
    "complaint.file": {"applicant": {"a_led"}},
    "complaint.handle": {
        "reviewer": {"c_lead"},
        "lead": {"c_lead"},
        "department_head": {"c_lead"},
        "supervisor": A_COMPLAINTS,
        "city_supervisor": ALL_COMPLAINTS,
        "sysadmin": ALL_COMPLAINTS,
    },
    "complaint.supervise": {
        "supervisor": A_COMPLAINTS,
        "city_supervisor": ALL_COMPLAINTS,
        "sysadmin": ALL_COMPLAINTS,
    },
    "catalog.export": {  # asked of a region
        "catalog_admin": {"A"},
        "supervisor": {"A"},
        "window": {"A"},
        "lead": {"A"},
        "city_supervisor": {"A", "B", "CITY"},
        "sysadmin": {"A", "B", "CITY"},
    },
}

KIND_OF_ACTION = {
    **dict.fromkeys(
        ["case.view", "case.materials", "case.review", "case.change_application", "inspection.organise"], "case"
    ),
    **dict.fromkeys(["result.deliver", "result.archive"], "case"),
    **dict.fromkeys(["task.view", "task.data", "task.decide", "task.urge"], "item"),
    **dict.fromkeys(["supervision.escalate", "supervision.answer"], "item"),
    "supervision.view": "region",
    "licence.revoke": "licence",
    "document.revoke_centre": "centre_document",
    "document.revoke_item": "item_document",
    **dict.fromkeys(
        ["catalog.view_drafts", "catalog.edit", "catalog.publish", "catalog.import", "case.file_walk_in"], "one_thing"
    ),
    "catalog.export": "region",
    **dict.fromkeys(["rating.rate", "rating.window_screen", "complaint.file"], "case"),
    **dict.fromkeys(["rating.rectify", "rating.supervise"], "rectification"),
    **dict.fromkeys(["complaint.handle", "complaint.supervise"], "complaint"),
}

_numbers = itertools.count(1)


class World:
    """The objects of the module doc, by name, grouped by kind; `users` by role."""

    def __init__(self) -> None:
        city = Region.objects.create(code="T9900", name="测试市", level="city")
        a = Region.objects.create(code="T990001", name="甲县", level="county", parent=city)
        b = Region.objects.create(code="T990002", name="乙县", level="county", parent=city)
        lead_dept = Department.objects.create(region=a, code="LEAD_DEPT", name="甲县牵头局")
        other_dept = Department.objects.create(region=a, code="OTHER_DEPT", name="甲县另一局")
        b_dept = Department.objects.create(region=b, code="B_DEPT", name="乙县某局")
        things = {
            "ot_a": self._one_thing("T-A", a, lead_dept),
            "ot_a2": self._one_thing("T-A2", a, other_dept),
            "ot_b": self._one_thing("T-B", b, b_dept),
        }
        applicant = self._user("door_applicant", AccountKind.NATURAL_PERSON)
        other_applicant = self._user("door_other_applicant", AccountKind.NATURAL_PERSON)
        cases = {
            "a_led": self._case(things["ot_a"], applicant, Channel.ONLINE),
            "a_other": self._case(things["ot_a2"], other_applicant, Channel.ONLINE),
            "a_walk_in": self._case(things["ot_a"], other_applicant, Channel.WINDOW),
            "b": self._case(things["ot_b"], other_applicant, Channel.ONLINE),
        }
        items = {
            "i_led_lead": self._item(cases["a_led"], lead_dept),
            "i_led_other": self._item(cases["a_led"], other_dept),
            "i_other_other": self._item(cases["a_other"], other_dept),
            "i_b": self._item(cases["b"], b_dept),
        }
        licences = {  # asked in memory: nothing lists licences through restrict()
            "l_lead": ELicence(case=cases["a_led"], department=lead_dept),
            "l_b": ELicence(case=cases["b"], department=b_dept),
        }
        self.objects: dict[str, dict[str, object]] = {
            "case": cases,
            "item": items,
            "licence": licences,
            "centre_document": {
                "d_centre_a": CaseDocument(case=cases["a_led"], kind=DocumentKind.RECEIPT),
                "d_centre_b": CaseDocument(case=cases["b"], kind=DocumentKind.RECEIPT),
            },
            "item_document": {
                "d_item_lead": CaseDocument(
                    case=cases["a_led"], item=items["i_led_lead"], kind=DocumentKind.ACCEPTANCE
                ),
                "d_item_other": CaseDocument(
                    case=cases["a_led"], item=items["i_led_other"], kind=DocumentKind.ACCEPTANCE
                ),
            },
            "one_thing": things,
            "region": {"A": a, "B": b, "CITY": city},
            "rectification": {
                "r_lead": self._rectification(cases["a_led"], lead_dept),
                "r_other": self._rectification(cases["a_led"], other_dept),
                "r_none": self._rectification(cases["a_other"], None),
                "r_b": self._rectification(cases["b"], b_dept),
            },
            "complaint": {
                "c_lead": self._complaint(a, lead_dept),
                "c_other": self._complaint(a, other_dept),
                "c_b": self._complaint(b, b_dept),
            },
        }
        self.users = {
            "window": self._staff("window", StaffRole.WINDOW, a),
            "reviewer": self._staff("reviewer", StaffRole.REVIEWER, a, lead_dept),
            "lead": self._staff("lead", StaffRole.LEAD, a, lead_dept),
            "delivery": self._staff("delivery", StaffRole.DELIVERY, a),
            "catalog_admin": self._staff("catalog_admin", StaffRole.CATALOG_ADMIN, a),
            "supervisor": self._staff("supervisor", StaffRole.SUPERVISOR, a),
            "city_supervisor": self._staff("city_supervisor", StaffRole.SUPERVISOR, city),
            "department_head": self._staff("department_head", StaffRole.DEPARTMENT_HEAD, a, lead_dept),
            "sysadmin": self._staff("sysadmin", StaffRole.SYSADMIN, a),
            "applicant": applicant,
            "nobody": self._user("door_nobody", AccountKind.STAFF),
        }

    @staticmethod
    def _one_thing(code: str, region: Region, lead: Department) -> OneThing:
        return OneThing.objects.create(code=code, name=code, subject="natural", region=region, lead_department=lead)

    @staticmethod
    def _user(username: str, kind: str) -> User:
        return User.objects.create_user(username=username, kind=kind, display_name=username)

    def _staff(self, name: str, role: str, region: Region, department: Department | None = None) -> User:
        user = self._user(f"door_{name}", AccountKind.STAFF)
        RoleAssignment.objects.create(user=user, role=role, region=region, department=department)
        return user

    @staticmethod
    def _case(one_thing: OneThing, applicant: User, channel: str) -> Case:
        n = next(_numbers)
        return Case.objects.create(
            number=f"DOOR{n:04d}",
            one_thing=one_thing,
            region=one_thing.region,
            applicant=applicant,
            filed_by=applicant,
            channel=channel,
            submission_key=f"door-{n}",
            submitted_at=timezone.now(),
        )

    @staticmethod
    def _rectification(case: Case, department: Department | None) -> Rectification:
        n = next(_numbers)
        now = timezone.now()
        rating = Rating.objects.create(
            case=case, contact=f"item:{n}", kind="item", department=department, region=case.region, level=1,
            reasons=["attitude"], channel="online", rated_at=now,
        )  # fmt: skip
        return Rectification.objects.create(
            rating=rating, case=case, region=case.region, department=department, opened_at=now,
            verify_due_on=now.date(), answer_due_on=now.date(),
        )  # fmt: skip

    @staticmethod
    def _complaint(region: Region, department: Department) -> Complaint:
        return Complaint.objects.create(
            region=region, department=department, name="投诉人", text="窗口态度差", filed_at=timezone.now(),
            due_on=timezone.now().date(),
        )  # fmt: skip

    @staticmethod
    def _item(case: Case, department: Department) -> CaseItem:
        n = next(_numbers)
        service_item = ServiceItem.objects.create(
            code=f"DOOR-SI-{n}", name=f"事项{n}", region=department.region, department=department
        )
        one_thing_item = OneThingItem.objects.create(
            one_thing=case.one_thing, service_item=service_item, department=department
        )
        return CaseItem.objects.create(
            case=case,
            one_thing_item=one_thing_item,
            service_item=service_item,
            department=department,
            name=service_item.name,
            distributed_at=timezone.now() - dt.timedelta(hours=1),
        )


@pytest.fixture
def world(db) -> World:
    return World()


def test_every_action_of_the_door_has_its_expected_row():
    """An action added to GRANTS without saying here who may take it fails; so does a row for an action gone."""
    assert set(GRANTS) == set(EXPECTED)
    assert set(KIND_OF_ACTION) == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_may_and_restrict_give_each_role_exactly_its_scope(world, action, role):
    user = world.users[role]
    objects = world.objects[KIND_OF_ACTION[action]]
    expected = EXPECTED[action].get(role, set())
    allowed = {name for name, obj in objects.items() if may(user, action, obj)}
    assert allowed == expected, f"may({role}, {action}): {sorted(allowed)} instead of {sorted(expected)}"
    saved = {name: obj for name, obj in objects.items() if obj.pk is not None}
    if saved:
        model = type(next(iter(saved.values())))
        pks = {obj.pk: name for name, obj in saved.items()}
        found = {
            pks[pk] for pk in restrict(user, action, model.objects.filter(pk__in=pks)).values_list("pk", flat=True)
        }
        assert found == expected & set(saved), f"restrict({role}, {action}): {sorted(found)}"
    assert holds(user, action) == bool(expected), f"holds({role}, {action})"


def test_anonymous_may_do_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    for action, kind in KIND_OF_ACTION.items():
        assert not holds(anonymous, action)
        for obj in world.objects[kind].values():
            assert not may(anonymous, action, obj), action


def test_a_superuser_may_do_everything(world):
    root = User.objects.create_superuser(username="door_root", password="x", kind=AccountKind.STAFF)
    for action, kind in KIND_OF_ACTION.items():
        assert all(may(root, action, obj) for obj in world.objects[kind].values()), action


def test_what_the_roles_grant_is_read_once_per_request(world, django_assert_num_queries):
    """The roles (one query) and the regions below them (one per level) are read once; later questions are free."""
    user = User.objects.get(pk=world.users["city_supervisor"].pk)
    case = world.objects["case"]["b"]
    with django_assert_num_queries(3):  # the roles; the counties below the city; the level below them (none)
        assert may(user, "case.view", case)
    with django_assert_num_queries(0):
        assert may(user, "case.view", world.objects["case"]["a_led"])
        assert holds(user, "task.view")
