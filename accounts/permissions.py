"""The one door (issue 12, STYLE.md §10): who may do what, to which objects, written once.

`GRANTS` maps each action to the roles that may perform it and the scope each role's grant covers:

| scope | the objects it covers |
|---|---|
| ANY | every object (system administrators) |
| REGION | the objects of the role's region and of the regions below it |
| DEPARTMENT | the objects of the role's own department (an item, a licence, a department's document) |
| LEAD | the objects of the one-things the role's department leads (牵头部门), in the role's region and below |
| WALK_IN | the cases filed at the window (帮办代办) of the role's region and below |
| APPLICANT | the applicant's own cases (the applicant is a role here: `APPLICANT`) |

A system administrator's region is everywhere; a superuser holds every action everywhere.

From the table come the three things everything else asks (views, services, templates, template tags):
- `restrict(user, action, queryset)`: the objects the user may act on, as one query filter (`Permit.q`);
- `may(user, action, obj)`: whether the user may act on this object — the same rule read on the object's own fields
  (`Permit.allows`; a test checks both answers agree for every role, action and object);
- `offered(user, obj, machine, status, permissions)`: the actions a page shows, allowed by the object's state table
  and by `may`.

Which field of an object is its region, department, lead department, applicant and channel is said once per model in
`SUBJECTS` (by model label, so this module imports no domain app). What a user's roles grant for an action is read
once per request (`permit`: one query for the roles, one per level of regions below them), kept on the user object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet, prefetch_related_objects

from regions.models import Region

from .choices import StaffRole
from .models import User

APPLICANT = "applicant"  # the applicant themself, as a role of the table (not a RoleAssignment)


class Scope(StrEnum):
    ANY = "any"
    REGION = "region"
    DEPARTMENT = "department"
    LEAD = "lead"
    WALK_IN = "walk_in"
    APPLICANT = "applicant"


@dataclass(frozen=True)
class Grant:
    roles: frozenset[str]
    scope: Scope


def grant(scope: Scope, *roles: str) -> Grant:
    return Grant(frozenset(str(r) for r in roles), scope)


_W, _R, _L, _D = StaffRole.WINDOW, StaffRole.REVIEWER, StaffRole.LEAD, StaffRole.DELIVERY
_C, _S, _A = StaffRole.CATALOG_ADMIN, StaffRole.SUPERVISOR, StaffRole.SYSADMIN
_H = StaffRole.DEPARTMENT_HEAD

GRANTS: dict[str, tuple[Grant, ...]] = {
    # the catalog (清单管理)
    "catalog.view_drafts": (grant(Scope.REGION, _C, _S), grant(Scope.ANY, _A)),
    "catalog.edit": (grant(Scope.REGION, _C), grant(Scope.ANY, _A)),
    "catalog.publish": (grant(Scope.REGION, _C), grant(Scope.ANY, _A)),
    "catalog.import": (grant(Scope.REGION, _C), grant(Scope.ANY, _A)),
    "catalog.export": (grant(Scope.REGION, _C, _S, _W, _L), grant(Scope.ANY, _A)),
    # cases (办件)
    "case.view": (
        grant(Scope.REGION, _W, _D, _S),
        grant(Scope.LEAD, _L),
        grant(Scope.APPLICANT, APPLICANT),
        grant(Scope.ANY, _A),
    ),
    # every material file of a case (the lead department and the certificate window see only their own items'
    # files, through the tasks' door: 最小必要)
    "case.materials": (grant(Scope.REGION, _W, _S), grant(Scope.APPLICANT, APPLICANT), grant(Scope.ANY, _A)),
    "case.review": (grant(Scope.REGION, _W), grant(Scope.ANY, _A)),  # 形式审查、收件、补正告知、扫描
    "case.file_walk_in": (grant(Scope.REGION, _W), grant(Scope.ANY, _A)),  # 窗口收件、帮办代办
    # the application itself (its answers, its delivery choice, withdrawing it): the applicant, or the window for a
    # case it filed for them
    "case.change_application": (grant(Scope.APPLICANT, APPLICANT), grant(Scope.WALK_IN, _W, _A)),
    # the departments' tasks (联办事项)
    "task.view": (
        grant(Scope.DEPARTMENT, _R, _L, _H),
        grant(Scope.LEAD, _L),
        grant(Scope.REGION, _S, _W, _D),
        grant(Scope.ANY, _A),
    ),
    # the item's form values and materials (数据最小化): not the lead's one-thing-wide view (it follows progress,
    # not another department's data: bank cards, medical invoices…)
    "task.data": (grant(Scope.DEPARTMENT, _R, _L, _H), grant(Scope.REGION, _S, _W, _D), grant(Scope.ANY, _A)),
    "task.decide": (grant(Scope.DEPARTMENT, _R, _L), grant(Scope.ANY, _A)),  # 受理、审批、补充材料、指派
    "task.urge": (  # 催办
        grant(Scope.REGION, _S, _W),
        grant(Scope.LEAD, _L),
        grant(Scope.ANY, _A),
    ),
    "inspection.organise": (grant(Scope.LEAD, _L),),  # 联合勘验: the lead department only
    # results (办理结果)
    "licence.revoke": (grant(Scope.DEPARTMENT, _R, _L), grant(Scope.ANY, _A)),  # the issuing department
    "document.revoke_centre": (grant(Scope.REGION, _W), grant(Scope.ANY, _A)),  # the centre's own documents
    "document.revoke_item": (grant(Scope.DEPARTMENT, _R, _L), grant(Scope.ANY, _A)),  # an item's documents
    "result.deliver": (grant(Scope.REGION, _D, _W), grant(Scope.ANY, _A)),  # 发证窗口送达
    "result.archive": (grant(Scope.REGION, _W), grant(Scope.LEAD, _L), grant(Scope.ANY, _A)),  # 归档
    # 好差评 and complaints (evaluation/): the applicant rates and complains about their own case; the window opens
    # the rating screen for a case of its region; the department responsible for the step rated (谁办理、谁负责: the
    # centre's window and certificate staff for intake and delivery) handles the 差评 and complaints routed to it;
    # supervisors follow both in their region and record responsibility for upheld complaints (000 第二十二条)
    "rating.rate": (grant(Scope.APPLICANT, APPLICANT),),
    "rating.window_screen": (grant(Scope.REGION, _W), grant(Scope.ANY, _A)),
    "rating.rectify": (grant(Scope.DEPARTMENT, _R, _L, _W, _D, _H), grant(Scope.ANY, _A)),
    "rating.supervise": (grant(Scope.REGION, _S), grant(Scope.ANY, _A)),
    "complaint.file": (grant(Scope.APPLICANT, APPLICANT),),
    "complaint.handle": (
        grant(Scope.DEPARTMENT, _R, _L, _W, _D, _H),  # the department's head too: the complaint is about its people
        grant(Scope.REGION, _S),
        grant(Scope.ANY, _A),
    ),
    "complaint.supervise": (grant(Scope.REGION, _S), grant(Scope.ANY, _A)),
    # supervision (电子监察): the figures and the dashboard of a region (asked of a region); 大数据局 staff who read
    # them are given the supervisor role
    "supervision.view": (grant(Scope.REGION, _S), grant(Scope.ANY, _A)),
    "supervision.escalate": (grant(Scope.REGION, _S), grant(Scope.ANY, _A)),  # 督办 a late item, close a 督办
    # the department answers a 督办 of its item: its reviewers, its lead role, its head
    "supervision.answer": (grant(Scope.DEPARTMENT, _R, _L, _H), grant(Scope.ANY, _A)),
}

# action -> every role any of its grants names (the navigation asks "does this user hold one of them somewhere")
ACTION_ROLES: dict[str, frozenset[str]] = {
    action: frozenset().union(*(g.roles for g in grants)) - {APPLICANT} for action, grants in GRANTS.items()
}


@dataclass(frozen=True)
class Subject:
    """Where a model keeps what scopes ask about: paths ("a__b") to its region, department, lead department, applicant
    and channel ("" when it has none). The region path may be "" for a Region itself ("pk")."""

    region: str
    department: str = ""
    lead: str = ""
    applicant: str = ""
    channel: str = ""


SUBJECTS: dict[str, Subject] = {
    "regions.Region": Subject(region="pk"),
    "catalog.OneThing": Subject(region="region", lead="lead_department"),
    "cases.Case": Subject(region="region", lead="one_thing__lead_department", applicant="applicant", channel="channel"),
    "cases.CaseItem": Subject(
        region="case__region",
        department="department",
        lead="case__one_thing__lead_department",
        applicant="case__applicant",
        channel="case__channel",
    ),
    "results.ELicence": Subject(
        region="case__region", department="department", lead="case__one_thing__lead_department"
    ),
    "documents.CaseDocument": Subject(
        region="case__region", department="item__department", lead="case__one_thing__lead_department"
    ),
    "evaluation.Rectification": Subject(region="region", department="department"),
    "evaluation.Complaint": Subject(region="region", department="department"),
}

WINDOW_CHANNEL = "window"  # cases.choices.Channel.WINDOW (this module imports no domain app)


def subject_of(model: type[Model] | Model) -> Subject:
    return SUBJECTS[model._meta.label]


def _id_path(path: str) -> str:
    return "pk" if path == "pk" else f"{path}_id"


def _value(obj: Any, path: str) -> Any:
    """The id at the end of `path` on `obj` (region -> obj.region_id; case__region -> obj.case.region_id)."""
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return None
    if last == "channel":
        return getattr(obj, last)
    return getattr(obj, f"{last}_id")


def regions_below(region_ids: Iterable[int]) -> frozenset[int]:
    """These regions and every region below them (one query per level)."""
    roots = set(region_ids)
    return _Subtree(roots).below(roots) if roots else frozenset()


@dataclass(frozen=True)
class Permit:
    """What a user's roles grant for one action: everywhere, or the union of what each scope covers."""

    action: str
    everywhere: bool = False
    regions: frozenset[int] = frozenset()  # REGION: these regions (with the ones below)
    departments: frozenset[int] = frozenset()  # DEPARTMENT
    led: tuple[tuple[int, frozenset[int]], ...] = ()  # LEAD: (department, regions)
    walk_in_everywhere: bool = False  # WALK_IN held by a system administrator
    walk_in_regions: frozenset[int] = frozenset()  # WALK_IN
    applicant: int | None = None  # APPLICANT: the user's own id

    @property
    def anywhere(self) -> bool:
        """Whether the user may perform the action on anything at all (the navigation's question)."""
        return bool(
            self.everywhere
            or self.regions
            or self.departments
            or self.led
            or self.walk_in_everywhere
            or self.walk_in_regions
            or self.applicant
        )

    def q(self, subject: Subject, prefix: str = "") -> Q | None:
        """The objects the permit covers as a filter on a model shaped as `subject`; None means every object."""
        if self.everywhere:
            return None
        p = f"{prefix}__" if prefix else ""
        condition = Q(pk__in=[])
        if self.regions:
            condition |= Q(**{f"{p}{_id_path(subject.region)}__in": sorted(self.regions)})
        if self.departments and subject.department:
            condition |= Q(**{f"{p}{_id_path(subject.department)}__in": sorted(self.departments)})
        if subject.lead:
            for department, regions in self.led:
                condition |= Q(
                    **{
                        f"{p}{_id_path(subject.lead)}": department,
                        f"{p}{_id_path(subject.region)}__in": sorted(regions),
                    }
                )
        if subject.channel and (self.walk_in_everywhere or self.walk_in_regions):
            walk_in = Q(**{f"{p}{subject.channel}": WINDOW_CHANNEL})
            if not self.walk_in_everywhere:
                walk_in &= Q(**{f"{p}{_id_path(subject.region)}__in": sorted(self.walk_in_regions)})
            condition |= walk_in
        if self.applicant is not None and subject.applicant:
            condition |= Q(**{f"{p}{_id_path(subject.applicant)}": self.applicant})
        return condition

    def allows(self, obj: Model) -> bool:
        """The same rule as `q`, read on the object's fields (no query when its relations are loaded)."""
        if self.everywhere:
            return True
        subject = subject_of(obj)
        region = _value(obj, subject.region)
        if region in self.regions:
            return True
        if subject.department and self.departments and _value(obj, subject.department) in self.departments:
            return True
        if subject.lead and self.led:
            lead = _value(obj, subject.lead)
            if any(lead == department and region in regions for department, regions in self.led):
                return True
        walk_in = self.walk_in_everywhere or region in self.walk_in_regions
        if subject.channel and walk_in and _value(obj, subject.channel) == WINDOW_CHANNEL:
            return True
        return bool(
            self.applicant is not None and subject.applicant and _value(obj, subject.applicant) == self.applicant
        )


NOTHING = Permit("")


def _assignments(user: User) -> list:
    prefetch_related_objects([user], "roles")  # once per request: every later question reuses it
    return list(user.roles.all())


def permit(user: User | AnonymousUser | None, action: str) -> Permit:
    """What `user`'s roles grant for `action` (kept on the user object for the rest of the request)."""
    grants = GRANTS[action]
    if user is None or not user.is_authenticated:
        return NOTHING
    assert isinstance(user, User)
    cache: dict[str, Permit] = user.__dict__.setdefault("_permits", {})
    if action in cache:
        return cache[action]
    result = Permit(action, everywhere=True) if user.is_superuser else _permit(user, action, grants)
    cache[action] = result
    return result


def _permit(user: User, action: str, grants: tuple[Grant, ...]) -> Permit:
    assignments = _assignments(user) if user.is_staff_member else []
    regions: set[int] = set()
    departments: set[int] = set()
    led: dict[int, set[int]] = {}
    walk_in: set[int] = set()
    walk_in_everywhere = False
    applicant = None
    for g in grants:
        if g.scope == Scope.APPLICANT:
            if APPLICANT in g.roles and user.is_applicant:
                applicant = user.pk
            continue
        for a in assignments:
            if a.role not in g.roles:
                continue
            everywhere = a.role == StaffRole.SYSADMIN
            if g.scope == Scope.ANY:
                return Permit(action, everywhere=True)
            if g.scope == Scope.REGION:
                if everywhere:
                    return Permit(action, everywhere=True)
                regions.add(a.region_id)
            elif g.scope == Scope.DEPARTMENT and a.department_id:
                departments.add(a.department_id)
            elif g.scope == Scope.LEAD and a.department_id:
                led.setdefault(a.department_id, set()).add(a.region_id)
            elif g.scope == Scope.WALK_IN:
                if everywhere:
                    walk_in_everywhere = True
                else:
                    walk_in.add(a.region_id)
    tree = _Subtree(regions | walk_in | set().union(*led.values()))
    return Permit(
        action,
        regions=tree.below(regions),
        departments=frozenset(departments),
        led=tuple((d, tree.below(r)) for d, r in sorted(led.items())),
        walk_in_everywhere=walk_in_everywhere,
        walk_in_regions=tree.below(walk_in),
        applicant=applicant,
    )


class _Subtree:
    """The regions below `roots`, read once (one query per level) and shared by every scope of a permit."""

    def __init__(self, roots: set[int]) -> None:
        self.children: dict[int, set[int]] = {}
        frontier = set(roots)
        seen = set(roots)
        while frontier:
            rows = list(Region.objects.filter(parent_id__in=frontier).order_by().values_list("pk", "parent_id"))
            frontier = set()
            for pk, parent in rows:
                self.children.setdefault(parent, set()).add(pk)
                if pk not in seen:
                    seen.add(pk)
                    frontier.add(pk)

    def below(self, roots: set[int]) -> frozenset[int]:
        found = set(roots)
        stack = list(roots)
        while stack:
            for child in self.children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return frozenset(found)


M = TypeVar("M", bound=Model)


def holds(user: User | AnonymousUser | None, action: str) -> bool:
    """Whether `user` holds `action` anywhere at all — the navigation's question, answered from the roles alone (no
    query when the request loaded them; the regions below are not read)."""
    if user is None or not user.is_authenticated:
        return False
    assert isinstance(user, User)
    if user.is_superuser:
        return True
    grants = GRANTS[action]
    if user.is_applicant and any(APPLICANT in g.roles for g in grants):
        return True
    if not user.is_staff_member:
        return False
    return any(
        a.role in g.roles and (g.scope not in (Scope.DEPARTMENT, Scope.LEAD) or a.department_id)
        for a in _assignments(user)
        for g in grants
    )


def only_supervises(user: User | AnonymousUser | None) -> bool:
    """Whether every role `user` holds is 监察人员: their pages only read, and may read from a replica
    (core.routers.replica_reads) — someone who also decides, receives or delivers sees their own writes at once."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return False
    assert isinstance(user, User)
    roles = {a.role for a in _assignments(user)}
    return roles == {StaffRole.SUPERVISOR}


def restrict(user: User | AnonymousUser | None, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """The objects of `queryset` `user` may perform `action` on (one filter; "not found" and "not yours" alike)."""
    condition = permit(user, action).q(subject_of(queryset.model))
    return queryset if condition is None else queryset.filter(condition)


def may(user: User | AnonymousUser | None, action: str, obj: Model) -> bool:
    """Whether `user` may perform `action` on `obj` (the same rule as `restrict`)."""
    return permit(user, action).allows(obj)


def regions_for(user: User | AnonymousUser | None, action: str) -> QuerySet[Region]:
    """The regions in which `user` may perform `action` (every region for a permit that holds everywhere)."""
    p = permit(user, action)
    if p.everywhere or p.walk_in_everywhere:
        return Region.objects.all()
    ids = p.regions | p.walk_in_regions | frozenset().union(*(r for _, r in p.led))
    return Region.objects.filter(pk__in=sorted(ids))


class Machine(Protocol):
    def allowed(self, state: str, *, people_only: bool = ...) -> frozenset[str]: ...


def offered(
    user: User | AnonymousUser | None,
    obj: Model,
    machine: Machine,
    status: str,
    permissions: Mapping[str, str],
) -> frozenset[str]:
    """The actions a page offers on `obj`: those its state table allows a person in `status` and `user` may take
    (`permissions` maps each of the machine's actions to its action in GRANTS; an action not in it is not offered)."""
    return frozenset(
        action
        for action in machine.allowed(status, people_only=True)
        if action in permissions and may(user, permissions[action], obj)
    )
