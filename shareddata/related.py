"""Whom each section of the one form is about, relative to the applicant, and which shared data may fill it.

Forms ask mostly about other people: a newborn and its parents, a school-age child, a family member with a
disability, a deceased relative. `Family` finds that person through the sources themselves, and only among the
applicant's own: their newborn (a birth the health authority registered with them as a parent, not yet in the
population registry), their child (the population
registry's family relations), the family member with a disability registered in their household (the 居民户口簿
showing the relation is what the 残疾人服务 spec accepts as proof of guardianship), a deceased close relative (a
death certificate of a spouse, parent or child).

Minimal necessity (最小必要), on top of consent per source (`services.prefill_for`):
- Only the sections in `SECTIONS` are filled, and only with elements `can_fill` allows: the population registry
  supplies a person's own record (name, ID number, gender, birth date, ethnicity, household address), so a section
  about another person gets exactly those, renamed (mother.name from the mother's applicant.name); a newborn has
  no population record yet, only its householder-to-be, and no certificate number or name until 首签.
- The applicant, and those they act for (their newborn and minor child as parent, a ward as guardian, a deceased
  close relative as next of kin — 个人信息保护法 第四十九条), are read from every source the applicant consents to.
  A living adult other than the applicant — the newborn's other parent — only by identity (name and ID number from
  the population registry): their medical and insurance records are theirs to consent to.
- Finding the person reads sources too, so it needs consent as well: family relations and households the
  population registry, a birth (with the registry, to tell a newborn from an older child) or a death the health
  authority, a disability the disabled persons' federation.
  Without it, the section stays empty.
- An enterprise's own records: its registration (市场主体库), premises (不动产登记 / 房屋租赁登记备案), vehicle
  (机动车登记), and a construction project it builds (工改系统) — the last only for a form that asks which project
  the connection is for (utility.project_name): a shop's connection is not the project's.
- The other party to a marriage being registered (spouse.*) is no registry's relative of the applicant before the
  marriage: their section is filled only from their own consent, given from their own account for this applicant
  and this one-thing (共同申请, services.party_values), never from the applicant's consents.
- Not filled: agents and everything else the applicant decides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.choices import AccountKind
from core.validators import birth_date_from_id_number

from .choices import DEPARTMENT_SCOPES, ConsentScope, RelatedPerson, Relation
from .sources import BirthRecord, Relative, SharedDataSource

# form section (DataElement.section) -> whom it is about, by account kind
SECTIONS: dict[str, dict[str, str]] = {
    AccountKind.NATURAL_PERSON: {
        "applicant": RelatedPerson.SELF,
        "retiree": RelatedPerson.SELF,  # 退休: the applicant retires
        "guardian": RelatedPerson.SELF,  # the applicant is the student's or the disabled person's guardian
        "newborn": RelatedPerson.NEWBORN,
        "father": RelatedPerson.NEWBORN,
        "mother": RelatedPerson.NEWBORN,
        "student": RelatedPerson.CHILD,
        "disabled": RelatedPerson.WARD,
        "deceased": RelatedPerson.DECEASED,
    },
    AccountKind.LEGAL_PERSON: {
        "enterprise": RelatedPerson.SELF,
        "legal_person": RelatedPerson.SELF,
        "tax": RelatedPerson.SELF,
        "social_insurance": RelatedPerson.SELF,  # the enterprise's own registration as an employer
        "housing_fund": RelatedPerson.SELF,
        "premises": RelatedPerson.SELF,  # the enterprise's own premises (不动产登记 or 房屋租赁登记备案 in its name)
        "vehicle": RelatedPerson.SELF,  # the vehicle registered to the enterprise (机动车登记)
        "utility": RelatedPerson.SELF,  # a construction project it is the construction unit of (工改系统)
    },
}
# The population registry's record of a person: applicant.<field> (see LocalDemoSource / demo_data.yaml)
PERSON_FIELDS = ("name", "id_number", "gender", "birth_date", "ethnicity", "hukou_address", "residence_address")
SCHOOL_AGES = range(6, 16)  # compulsory education (义务教育): six on 31 August of the year of entry, up to fifteen


def sections_for(kind: str) -> dict[str, str]:
    return SECTIONS.get(kind, {})


def can_fill(key: str, source: str, section: str, kind: str) -> bool:
    """Whether pre-filling may ever supply this element (whose dictionary source is `source`) for this account kind."""
    if section not in sections_for(kind):
        return False
    field = key.split(".", 1)[1] if "." in key else ""
    if source == ConsentScope.POPULATION:
        if section == "newborn":
            return key == "newborn.householder_name"  # not registered yet: no ID number, no record
        return field in PERSON_FIELDS
    if source == ConsentScope.MARKET:
        return section in ("enterprise", "legal_person")
    if section == "newborn":
        return source == ConsentScope.HEALTH  # the birth registration (and certificate, once issued)
    return source in DEPARTMENT_SCOPES


def school_age(id_number: str, today: datetime.date) -> bool:
    """Of compulsory-education age on 31 August of the coming school year (this year's until then, else next)."""
    year = today.year if today <= datetime.date(today.year, 8, 31) else today.year + 1
    born = birth_date_from_id_number(id_number)
    age = year - born.year - ((born.month, born.day) > (8, 31))
    return age in SCHOOL_AGES


@dataclass(frozen=True)
class Person:
    id_number: str
    own: bool  # the applicant or someone they act for: every consented source; else identity only


class Family:
    """The applicant's related persons, found through the consented sources; every lookup asked once."""

    def __init__(self, source: SharedDataSource, applicant_id: str, consented: set[str], *, has_ward_section: bool):
        self.source = source
        self.applicant_id = applicant_id
        self.consented = consented
        self.has_ward_section = has_ward_section  # the form is about a disabled person (残疾人服务)
        self._cache: dict[tuple, object] = {}

    def _ask(self, key: tuple, call):
        if key not in self._cache:
            self._cache[key] = call()
        return self._cache[key]

    # ------------------------------------------------------------ what the sources say

    def relatives(self) -> list[Relative]:
        if ConsentScope.POPULATION not in self.consented:
            return []
        return self._ask(("relatives",), lambda: self.source.relatives_of(self.applicant_id))

    def birth(self) -> BirthRecord | None:
        """The newborn: the birth registered with the applicant as a parent whose child is not yet in the population
        registry as their child (出生登记 is what 新生儿出生 is for) — the newest, if only one was born that day."""
        if ConsentScope.HEALTH not in self.consented or ConsentScope.POPULATION not in self.consented:
            return None  # without the registry nobody can tell a newborn from an older child
        births = self._ask(("births",), lambda: self.source.births_to(self.applicant_id))
        registered = {
            birth_date_from_id_number(r.id_number).isoformat() for r in self.relatives() if r.relation == Relation.CHILD
        }
        new = [b for b in births if b.values.get("newborn.birth_date") not in registered]
        if not new or (
            len(new) > 1 and new[1].values.get("newborn.birth_date") == new[0].values.get("newborn.birth_date")
        ):
            return None  # none, or twins: which one is this form about?
        return new[0]

    def record(self, scope: str, id_number: str, section: str) -> dict[str, str]:
        """What `scope` holds about the person, as elements of `section` (population: their record, renamed)."""
        if scope == ConsentScope.POPULATION:
            person = self._ask(("person", id_number), lambda: self.source.lookup_person(id_number)) or {}
            return {
                f"{section}.{field}": person[f"applicant.{field}"]
                for field in PERSON_FIELDS
                if person.get(f"applicant.{field}")
            }
        if scope == ConsentScope.MARKET:
            return self._ask(("enterprise", id_number), lambda: self.source.lookup_enterprise(id_number)) or {}
        return (
            self._ask((scope, id_number, section), lambda: self.source.lookup_record(scope, id_number, section)) or {}
        )

    def householder_name(self) -> str:
        """The householder the newborn joins: the parents' household, when every parent named is in the same one."""
        birth = self.birth()
        if birth is None or ConsentScope.POPULATION not in self.consented:
            return ""
        parents = [n for n in (birth.father_id_number, birth.mother_id_number) if n]
        households = [self._ask(("household", n), lambda n=n: self.source.household_of(n)) for n in parents]
        if not households or None in households or len({h.number for h in households}) != 1:
            return ""  # different households: it depends on 随父 or 随母, the applicant's choice
        return households[0].householder_name

    # ------------------------------------------------------------ who each section is about

    def person_for(self, section: str) -> Person | None:
        me = Person(self.applicant_id, own=True)
        if section == "guardian":
            if not self.has_ward_section:
                return me  # 教育入学: the applicant is the student's guardian
            ward = self.ward()
            return me if ward is not None and ward.id_number != self.applicant_id else None
        if section in ("father", "mother"):
            birth = self.birth()
            number = (birth.father_id_number if section == "father" else birth.mother_id_number) if birth else ""
            return Person(number, own=number == self.applicant_id) if number else None
        kind = SECTIONS[AccountKind.NATURAL_PERSON].get(section, RelatedPerson.SELF)
        if kind == RelatedPerson.CHILD:
            return self.school_age_child()
        if kind == RelatedPerson.WARD:
            return self.ward()
        if kind == RelatedPerson.DECEASED:
            return self.deceased()
        return me

    def school_age_child(self) -> Person | None:
        today = timezone.localdate()
        children = [r for r in self.relatives() if r.relation == Relation.CHILD and school_age(r.id_number, today)]
        return Person(children[0].id_number, own=True) if len(children) == 1 else None  # several: which one?

    def ward(self) -> Person | None:
        """The applicant if they hold a disability record, else the one family member in their household who does."""
        if ConsentScope.DISABILITY not in self.consented:
            return None
        if self.record(ConsentScope.DISABILITY, self.applicant_id, "disabled"):
            return Person(self.applicant_id, own=True)
        found = [
            r
            for r in self.relatives()
            if r.same_household and self.record(ConsentScope.DISABILITY, r.id_number, "disabled")
        ]
        return Person(found[0].id_number, own=True) if len(found) == 1 else None

    def deceased(self) -> Person | None:
        """The close relative (spouse, parent, child) with the latest death certificate."""
        if ConsentScope.HEALTH not in self.consented:
            return None
        deaths = [
            (record.get("deceased.death_date", ""), r.id_number)
            for r in self.relatives()
            if (record := self.record(ConsentScope.HEALTH, r.id_number, "deceased"))
        ]
        return Person(max(deaths)[1], own=True) if deaths else None


def related_values(family: Family, elements_by_section: dict[str, list], kind: str) -> dict[str, tuple[str, str]]:
    """key -> (value, source) for the given elements (DataElement rows, grouped by section), as far as known."""
    found: dict[str, tuple[str, str]] = {}
    for section, elements in elements_by_section.items():
        if section == "newborn":
            birth = family.birth()
            for e in elements:
                if e.key == "newborn.householder_name":
                    value = family.householder_name()
                else:
                    value = birth.values.get(e.key, "") if birth and e.source == ConsentScope.HEALTH else ""
                if value:
                    found[e.key] = (value, e.source)
            continue
        person = family.person_for(section) if kind == AccountKind.NATURAL_PERSON else Person(family.applicant_id, True)
        if person is None:
            continue
        for scope in dict.fromkeys(e.source for e in elements):
            if not person.own and scope != ConsentScope.POPULATION:
                continue  # another living adult: identity only
            if scope == ConsentScope.CONSTRUCTION and not any(e.key == "utility.project_name" for e in elements):
                continue  # a connection not for a construction project (a shop's): the project's figures are not its
            record = family.record(scope, person.id_number, section)
            for e in elements:
                if e.source == scope and record.get(e.key):
                    found[e.key] = (str(record[e.key]), scope)
    return found
