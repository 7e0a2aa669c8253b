"""Form values the law makes equal to another value of the same form (由本表其他信息生成).

One table, `DERIVATIONS`: each rule fills one data element from others of the same form, as an editable default
(never authoritative, never locked; PrefillSource.DERIVED, shown as "由本表其他信息生成"), and only where no account,
profile or source value filled it. Every rule cites why the two are the same. Nothing here reads a source: the
inputs are what `services.prefill_for` already found for the applicant, under the same consent rules.

Not a rule (looked at and refused, so that nobody adds them by analogy):
- utility.works_unit_* ← the enterprise: the spec (data/specs/xinxiang_utilities.yaml, 外线工程联合审批) names the
  utility company that builds the outside works (or the project's construction unit) as the declaring unit, not the
  user; for low-voltage small enterprises the power company builds and pays for it.
- utility.service_address ← premises.address: often the same place, but no rule makes it so.
- food.safety_manager_* ← the legal representative: 食品安全法第四十四条 requires a separate 食品安全管理人员.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Derivation:
    target: str  # data element key filled
    inputs: tuple[str, ...]  # data element keys read
    compute: Callable[[dict[str, str]], str]  # inputs (all present) -> value; "" for none
    reason: str  # why the law makes them the same (shown in docs/shared-data.md)


def _copy(key: str) -> Callable[[dict[str, str]], str]:
    return lambda values: values[key]


DERIVATIONS: tuple[Derivation, ...] = (
    Derivation(
        "fire.responsible_name",
        ("legal_person.name",),
        _copy("legal_person.name"),
        "消防法第十六条第二款：单位的主要负责人是本单位的消防安全责任人；《机关、团体、企业、事业单位消防安全管理规定》"
        "（公安部令第61号）第四条：法人单位的法定代表人是单位的消防安全责任人。",
    ),
    Derivation(
        "fire.manager_name",
        ("legal_person.name",),
        _copy("legal_person.name"),
        "公安部令第61号第七条：未确定消防安全管理人的单位，消防安全管理工作由单位消防安全责任人负责实施"
        "（即法定代表人，见上条）；已确定管理人的单位改填其姓名。",
    ),
    Derivation(
        "fire.manager_mobile",
        ("legal_person.name", "legal_person.mobile"),
        _copy("legal_person.mobile"),
        "同上：管理人未另行确定时即消防安全责任人（法定代表人），其手机号码为法定代表人手机号码。",
    ),
    Derivation(
        "fire.building_area",
        ("premises.area",),
        _copy("premises.area"),
        "投入使用、营业前消防安全检查（消防法第十五条）的场所就是本表申请经营的场所；其建筑面积即不动产登记簿"
        "（或房屋租赁登记备案）记载的经营场所建筑面积。",
    ),
    Derivation(
        "utility.power_business",
        ("utility.user_category",),
        lambda values: "新装" if values["utility.user_category"] == "新建工程建设项目" else "",
        "《供电营业规则》：增容是已有用电户增加用电容量；新建工程建设项目尚无用电户，用电业务只能是新装。",
    ),
)
_BY_TARGET = {d.target: d for d in DERIVATIONS}


def inputs_for(keys: Iterable[str]) -> set[str]:
    """The keys the derivations of these targets read."""
    return {i for key in keys if key in _BY_TARGET for i in _BY_TARGET[key].inputs}


def derive_values(keys: Iterable[str], known: dict[str, str]) -> dict[str, str]:
    """target -> value for the asked keys that `known` does not fill and whose inputs it all has."""
    found = {}
    for key in keys:
        rule = _BY_TARGET.get(key)
        if rule is None or known.get(key) or not all(known.get(i) for i in rule.inputs):
            continue
        if value := rule.compute({i: known[i] for i in rule.inputs}):
            found[key] = value
    return found


# ---------------------------------------------------------------- values a one-thing settles (OneThing.form_values)


def applicable_rules(rules: Sequence[Mapping], answers: Mapping[str, str]) -> list[Mapping]:
    """The one-thing's form-value rules that hold for these questionnaire answers: those without a condition and
    those whose `when` ("question.option") is answered so; for one element, the first that holds."""
    found: dict[str, Mapping] = {}
    for rule in rules:
        when = rule.get("when") or ""
        question, _, option = when.partition(".")
        if when and answers.get(question) != option:
            continue
        found.setdefault(rule["element"], rule)
    return list(found.values())


def settled_inputs(rules: Sequence[Mapping], keys: Iterable[str]) -> set[str]:
    """The keys the `same_as` rules for these targets read."""
    asked = set(keys)
    return {r["same_as"] for r in rules if r["element"] in asked and r.get("same_as")}


def settled_values(
    rules: Sequence[Mapping], keys: Iterable[str], known: Mapping[str, str], locked: Iterable[str] = ()
) -> dict[str, tuple[str, bool, str]]:
    """target -> (value, settled by an answer, the rule's reason) for the asked keys, from the rules that hold (`applicable_rules`): a
    fixed value, or the value of another element of the same form (`same_as`) where that one is known.

    A value an answer settles (a rule with `when`) is the answer's: it replaces what a source or the profile
    suggested (not a locked, authoritative value) and is shown locked — to change it, change the answer. A rule
    without a condition only fills what nothing else filled, as an editable default."""
    asked = set(keys)
    fixed = set(locked)
    found = {}
    for rule in rules:
        key = rule["element"]
        by_answer = bool(rule.get("when"))
        if key not in asked or key in fixed or (known.get(key) and not by_answer):
            continue
        value = known.get(rule["same_as"], "") if rule.get("same_as") else str(rule.get("value") or "")
        if value:
            found[key] = (value, by_answer, str(rule.get("reason") or ""))
    return found
