"""One table per state machine (issue 12, STYLE.md §5).

A `StateMachine` lists every action of one kind of object — the people's and the platform's own (stop, release,
withdraw, derive) — with the states it may start in and the states it may leave the object in. The services ask it
before they change anything (`check`, `move`), pages ask it what to offer (`allowed`), and the tests compare each
table with a matrix written out by hand.

`guard_transitions()` (on in the test settings: STATE_GUARD) watches the status field of every registered model: a
save that moves an object from one state to another that no action of its table allows raises
`UnlistedTransition` — so a code path that changes a status behind its table's back fails the test that runs it.
Each machine's module registers its model with `register(model, field, machine)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.db.models.signals import post_init, post_save, pre_save
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str

from .errors import ConflictError

STAYS = "="  # in `targets`: the action leaves the state as it was (a note, an urge, a scan…)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]  # the states it may start in
    targets: frozenset[str]  # the states it may leave the object in (STAYS: unchanged)
    system: bool = False  # the platform's own action, never offered to a person

    def moves(self) -> set[tuple[str, str]]:
        return {(s, s if t == STAYS else t) for s in self.sources for t in self.targets}


def action(name: str, sources: Iterable[str], targets: Iterable[str] = (STAYS,), *, system: bool = False) -> Transition:
    return Transition(str(name), frozenset(map(str, sources)), frozenset(map(str, targets)), system)


@dataclass
class StateMachine:
    """The states of one kind of object and every action on it."""

    name: str  # what the refusal calls the object: "case", "item", …
    states: type[models.TextChoices]
    transitions: tuple[Transition, ...]
    action_labels: Mapping[str, StrOrPromise] = field(default_factory=dict)
    refusal: StrOrPromise = ""  # "%(status)s" and "%(action)s"; default: a generic sentence

    def __post_init__(self) -> None:
        known = {str(s) for s in self.states}
        self._by_action: dict[str, Transition] = {}
        for t in self.transitions:
            if t.action in self._by_action:
                raise ValueError(f"{self.name}: action {t.action!r} listed twice")
            unknown = (t.sources | (t.targets - {STAYS})) - known
            if unknown:
                raise ValueError(f"{self.name}: action {t.action!r} names unknown states {sorted(unknown)}")
            self._by_action[t.action] = t
        self._moves = frozenset(m for t in self.transitions for m in t.moves())

    # ------------------------------------------------------------------ questions

    @property
    def actions(self) -> list[str]:
        return list(self._by_action)

    def transition(self, action: str) -> Transition:
        return self._by_action[str(action)]

    def allowed(self, state: str, *, people_only: bool = False) -> frozenset[str]:
        """The actions that may start in `state` (people_only: not the platform's own)."""
        return frozenset(a for a, t in self._by_action.items() if state in t.sources and not (people_only and t.system))

    def is_allowed(self, state: str, action: str) -> bool:
        t = self._by_action.get(str(action))
        return t is not None and state in t.sources

    def moves(self) -> frozenset[tuple[str, str]]:
        """Every (from, to) pair some action allows, staying put included (what the guard checks each save)."""
        return self._moves

    # ------------------------------------------------------------------ doing

    def check(self, state: str, action: str) -> None:
        """Refuse, naming the state, an action the state does not allow (ConflictError: 409 in the API)."""
        if not self.is_allowed(state, action):
            raise ConflictError(self._refusal(state, action))

    def move(self, obj: models.Model, action: str, to: str | None = None, *, attr: str = "status") -> str:
        """Check `action` in the object's current state and put the object in `to` (None: it stays); returns the
        state before. `to` must be one of the action's targets. The caller saves the object."""
        before = getattr(obj, attr)
        self.check(before, action)
        target = before if to is None else str(to)
        allowed = {before if x == STAYS else x for x in self.transition(action).targets}
        if target not in allowed:
            raise ValueError(f"{self.name}: {action!r} cannot end in {target!r} from {before!r}")
        setattr(obj, attr, target)
        return before

    def _refusal(self, state: str, action: str) -> str:
        label = str(self.action_labels.get(str(action)) or action)
        text = self.refusal or _("This cannot be done now: it is “%(status)s”; “%(action)s” is not possible then.")
        return text % {"status": self.states(state).label if state in self.states.values else state, "action": label}


# ---------------------------------------------------------------- the guard


class UnlistedTransition(AssertionError):
    """A status changed in a way no action of its table allows."""


_REGISTRY: dict[type[models.Model], list[tuple[str, StateMachine]]] = {}
_LOADED = "_statemachine_loaded"


def register(model: type[models.Model], attr: str, machine: StateMachine) -> None:
    """The model's `attr` moves by `machine`; checked on every save while settings.STATE_GUARD is on."""
    from django.conf import settings

    entries = _REGISTRY.setdefault(model, [])
    if all(a != attr for a, _m in entries):
        entries.append((attr, machine))
    if getattr(settings, "STATE_GUARD", False):
        guard_transitions()


def _remember(sender, instance, **kwargs) -> None:
    entries = _REGISTRY.get(sender)
    if entries and instance.pk is not None:
        instance.__dict__[_LOADED] = {attr: instance.__dict__.get(attr) for attr, _m in entries}


def _check(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    entries = _REGISTRY.get(sender)
    loaded = instance.__dict__.get(_LOADED)
    if raw or not entries or loaded is None:
        return  # a new object starts where its creator puts it
    for attr, machine in entries:
        if update_fields is not None and attr not in update_fields:
            continue
        before, after = loaded.get(attr), getattr(instance, attr)
        if before is None or before == after:
            continue
        if (before, after) not in machine.moves():
            raise UnlistedTransition(
                f"{sender.__name__}.{attr}: {before!r} → {after!r} is allowed by no action of the {machine.name} table"
            )


def _saved(sender, instance, **kwargs) -> None:
    if sender in _REGISTRY:
        _remember(sender, instance)


def guard_transitions() -> None:
    """Check every save of a registered model against its table (see the module doc)."""
    for model in _REGISTRY:
        post_init.connect(_remember, sender=model, dispatch_uid=f"statemachine-init-{model._meta.label}")
        pre_save.connect(_check, sender=model, dispatch_uid=f"statemachine-check-{model._meta.label}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"statemachine-saved-{model._meta.label}")
