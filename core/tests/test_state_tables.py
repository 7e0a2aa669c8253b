"""Each state table against a matrix written out here by hand (issue 12): what every action may start in and what it
may leave the object in. A change to a table that is not also made here fails; so does a status that moves behind
its table's back (the guard, on in the test settings)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from approvals.rules import INSPECTION
from cases.rules import CASE, ITEM, MATERIAL
from catalog.rules import ONE_THING
from core.statemachine import StateMachine, UnlistedTransition
from documents.rules import DOCUMENT
from evaluation.rules import COMPLAINT, RECTIFICATION
from results.rules import LICENCE
from supervision.rules import ESCALATION

# action: "source states -> target states" ("=" stays); states and actions by their stored values
EXPECTED = {
    "case": {
        "request_correction": "submitted -> correction",
        "correct_values": "correction -> =",
        "replace_material": "correction -> =",
        "resubmit": "correction -> submitted",
        "receive": "submitted -> received",
        "attach_scan": "submitted received in_progress -> =",
        "distribute": "received -> =",
        "supply_deferred": "received in_progress -> =",
        "release_deferral": "received in_progress completed partially_completed not_accepted withdrawn -> =",
        "withdraw": "submitted correction received in_progress -> withdrawn partially_completed",
        "item": "received in_progress -> = in_progress completed partially_completed not_accepted",
        "clock_warning": "submitted received in_progress -> =",
        "clock_overdue": "submitted received in_progress -> =",
        "book_inspection": "received in_progress -> =",
        "record_inspection": "received in_progress -> =",
        "cancel_inspection": "received in_progress withdrawn partially_completed -> =",
        "issue_licence": "in_progress completed partially_completed -> =",
        "revoke_licence": "in_progress completed partially_completed not_accepted withdrawn -> =",
        "choose_delivery": "submitted correction received in_progress completed partially_completed not_accepted withdrawn -> =",
        "results_ready": "received in_progress completed partially_completed not_accepted withdrawn -> =",
        "deliver": "received in_progress completed partially_completed not_accepted withdrawn -> =",
        "archive": "completed partially_completed not_accepted withdrawn -> =",
        "issue_document": "submitted correction received in_progress completed partially_completed not_accepted withdrawn -> =",
        "revoke_document": "submitted correction received in_progress completed partially_completed not_accepted withdrawn -> =",
        "note": "submitted correction received in_progress completed partially_completed not_accepted withdrawn -> =",
        "rate": "received in_progress completed partially_completed not_accepted withdrawn -> =",
        "rectification": "received in_progress completed partially_completed not_accepted withdrawn -> =",
        "complaint": "submitted correction received in_progress completed partially_completed not_accepted withdrawn -> =",
    },
    "item": {
        "distribute": "awaiting_receipt -> queued",
        "accept_item": "queued -> accepted pre_review",
        "refuse_item": "queued -> refused",
        "approve_item": "accepted -> approved",
        "deny_item": "pre_review accepted -> denied",
        "pause_item": "accepted -> supplement",
        "resume_item": "supplement -> accepted",
        "assign_item": "queued pre_review accepted supplement -> =",
        "urge_item": "queued pre_review accepted supplement -> =",
        "release_item": "pre_review -> accepted",
        "stop_item": "awaiting_receipt queued pre_review accepted supplement -> stopped",
        "withdraw": "awaiting_receipt queued pre_review accepted supplement -> withdrawn",
        "clock_warning": "queued pre_review accepted -> =",
        "clock_overdue": "queued pre_review accepted -> =",
    },
    "material": {
        "receive": "missing -> deferred",
        "attach_scan": "paper -> uploaded",
        "replace_material": "uploaded paper exempt committed missing -> uploaded",
        "supply_deferred": "deferred -> uploaded",
        "release_deferral": "deferred -> released",
    },
    "inspection": {
        "record_inspection": "planned -> done",
        "cancel_inspection": "planned -> cancelled",
    },
    "document": {
        "supersede_document": "current -> superseded",
        "revoke_document": "current superseded -> revoked",
    },
    "licence": {
        "revoke_licence": "valid -> revoked",
    },
    "one_thing": {
        "edit": "listed draft -> =",
        "publish": "listed draft -> published",
        "retire": "listed published -> retired",
        "new_version": "published retired -> =",
        "delete_draft": "draft -> =",
        "supersede": "published -> superseded",
    },
    "rectification": {
        "verify": "open -> verified",
        "rectify": "verified -> answered",
        "explain": "verified -> answered",
        "call_back": "answered -> called_back",
        "rerate": "called_back -> closed",
        "close": "called_back -> closed",
    },
    "complaint": {
        "answer": "open -> answered upheld",
        "record_responsibility": "upheld -> closed",
    },
    "escalation": {  # 督办 (supervision/rules.py)
        "answer": "open -> answered",
        "close": "open answered -> closed",
        "end": "open answered -> closed",
    },
}
SYSTEM = {  # the platform's own actions: never offered to a person
    "case": {"distribute", "release_deferral", "clock_warning", "clock_overdue", "issue_licence", "results_ready",
             "issue_document"},
    "item": {"distribute", "release_item", "stop_item", "withdraw", "clock_warning", "clock_overdue"},
    "material": {"release_deferral"},
    "inspection": set(),
    "document": {"supersede_document"},
    "licence": set(),
    "one_thing": {"supersede"},
    "rectification": set(),
    "complaint": set(),
    "escalation": {"end"},
}  # fmt: skip
MACHINES = [CASE, ITEM, MATERIAL, INSPECTION, DOCUMENT, LICENCE, ONE_THING, RECTIFICATION, COMPLAINT, ESCALATION]


def written_out(machine: StateMachine) -> dict[str, tuple[set[str], set[str]]]:
    rows = {}
    for act, text in EXPECTED[machine.name].items():
        sources, targets = text.split(" -> ")
        rows[act] = (set(sources.split()), set(targets.split()))
    return rows


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_each_table_is_the_matrix_written_out(machine):
    actual = {t.action: (set(t.sources), set(t.targets)) for t in machine.transitions}
    assert actual == written_out(machine)
    assert {t.action for t in machine.transitions if t.system} == SYSTEM[machine.name]


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_what_people_may_do_leaves_out_the_platforms_own_actions(machine):
    for state in machine.states:
        people = machine.allowed(state, people_only=True)
        assert not people & SYSTEM[machine.name]
        assert people | (machine.allowed(state) & SYSTEM[machine.name]) == machine.allowed(state)


def test_the_case_table_lets_results_be_delivered_and_archived_once_the_case_ended():
    """Before: the case table said COMPLETED allows nothing, while results delivered and archived in that state."""
    assert {"deliver", "archive", "choose_delivery"} <= CASE.allowed("completed")
    assert "archive" not in CASE.allowed("in_progress")


def test_a_refusal_names_the_state_and_the_action():
    from core.errors import ConflictError

    with pytest.raises(ConflictError, match="已撤回"):
        CASE.check("withdrawn", "receive")


@pytest.mark.django_db
def test_a_status_changed_behind_the_tables_back_is_caught(user_named):
    from approvals.tests.conftest import restaurant_case
    from cases.models import Case

    case = Case.objects.get(pk=restaurant_case().pk)  # received
    case.status = "submitted"  # no action takes a received case back to submitted
    with pytest.raises(UnlistedTransition, match="received.*submitted"):
        case.save(update_fields=["status"])
    case.status = "in_progress"  # an item's change may (CaseAction.ITEM)
    case.save(update_fields=["status"])


SERVICE_MODULES = [
    "cases/actions/common.py",
    "cases/actions/filing.py",
    "cases/actions/review.py",
    "cases/actions/withdrawal.py",
    "approvals/services.py",
    "results/services.py",
    "documents/services.py",
    "catalog/services.py",
    "supervision/services.py",
    "catalog/excel.py",
    "catalog/loading.py",
    "evaluation/services.py",
]


@pytest.mark.parametrize("path", SERVICE_MODULES)
def test_services_assign_statuses_only_through_their_tables(path):
    """No `x.status = …` / `x.state = …` in the services outside object creation: every change goes through
    `<TABLE>.move(obj, action, to)`, which checks the action in the object's state first."""
    tree = ast.parse((Path(__file__).resolve().parents[2] / path).read_text(encoding="utf-8"))
    offending = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef) or (path, function.name) in NOT_A_CHANGE:
            continue
        for node in ast.walk(function):
            for target in node.targets if isinstance(node, ast.Assign) else []:
                for t in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(t, ast.Attribute) and t.attr in ("status", "state"):
                        offending.append((function.name, node.lineno, ast.unparse(t)))
    assert offending == []


# Functions that set a status without changing anything: filing creates the case's materials in the state it finds
# them in; the public verification page shows a document revoked by its trail as revoked (never saved).
NOT_A_CHANGE = {("cases/actions/filing.py", "do_submit_case"), ("documents/services.py", "verify_document")}
