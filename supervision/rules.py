"""The 督办's state table (core/statemachine.py): raised open; the department answers (a reason and a new date);
the supervisor closes it, or the platform does once the item has ended. An answered 督办 may be raised again
(a new record: the answer did not hold)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.statemachine import StateMachine, action

from .choices import EscalationAction, EscalationStatus

S = EscalationStatus
A = EscalationAction

ESCALATION = StateMachine(
    "escalation",
    EscalationStatus,
    (
        action(A.ANSWER, [S.OPEN], [S.ANSWERED]),
        action(A.CLOSE, [S.OPEN, S.ANSWERED], [S.CLOSED]),
        action(A.END, [S.OPEN, S.ANSWERED], [S.CLOSED], system=True),  # the item ended (the scan closes it)
    ),
    action_labels={str(a): a.label for a in EscalationAction},
    refusal=gettext_lazy("This 督办 is “%(status)s”: “%(action)s” is not possible now."),
)

# each escalation action -> its grant in accounts/permissions.py
ESCALATION_PERMISSIONS = {A.ANSWER: "supervision.answer", A.CLOSE: "supervision.escalate"}
