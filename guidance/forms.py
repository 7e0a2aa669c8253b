"""The guide's state travels in the query string, so a notice can be bookmarked, shared and printed.

    q.<question key>=<option key>   one parameter per answered question (the radios' names)
    skip=<item code>                an optional item the applicant does not want handled (ServiceItem.code)
    shown=<item code>, item=<code>  what the guide form sends: each optional item offered as a checkbox, and the
                                    ticked ones; shown and not ticked means skipped. Items that become applicable
                                    later are not in `shown`, so they start selected.
    lic=<e-licence type>            an e-licence the applicant holds (电子证照), e.g. lic=营业执照

`GuideQuery.canonical` writes the short form (q., skip, lic) from a computed notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.http import urlencode

from catalog.models import OneThing
from core.errors import UserFacingError

from .services import PersonalNotice, build_notice

ANSWER_PREFIX = "q."
MAX_VALUES = 50  # per parameter; a query string is not a place for more


@dataclass
class GuideQuery:
    answers: dict[str, str] = field(default_factory=dict)
    skipped_codes: set[str] = field(default_factory=set)
    licences: set[str] = field(default_factory=set)

    @classmethod
    def from_querydict(cls, data: QueryDict) -> GuideQuery:
        answers = {
            key.removeprefix(ANSWER_PREFIX): value.strip()
            for key, value in data.items()
            if key.startswith(ANSWER_PREFIX) and len(key) > len(ANSWER_PREFIX)
        }
        shown = set(data.getlist("shown")[:MAX_VALUES])
        ticked = set(data.getlist("item")[:MAX_VALUES])
        skipped = set(data.getlist("skip")[:MAX_VALUES]) | (shown - ticked)
        licences = {v.strip() for v in data.getlist("lic")[:MAX_VALUES] if v.strip()}
        return cls(answers=dict(list(answers.items())[:MAX_VALUES]), skipped_codes=skipped, licences=licences)

    def deselected_pks(self, one_thing: OneThing) -> set[int]:
        """Item codes → the one-thing's item ids; codes of other one-things are ignored."""
        return {it.pk for it in one_thing.items.all() if it.service_item.code in self.skipped_codes}

    def notice(
        self, one_thing: OneThing, *, held_licence_types: set[str] | frozenset[str] | None = None
    ) -> tuple[PersonalNotice, str]:
        """The notice for this query, and the refusal message if it asked for something not allowed.

        A refused deselection (a mandatory item) is dropped so a page can still show the notice with the message.
        `held_licence_types` defaults to the licences ticked in the query.
        """
        held = self.licences if held_licence_types is None else held_licence_types
        deselected = self.deselected_pks(one_thing)
        try:
            return build_notice(one_thing, self.answers, deselected_items=deselected, held_licence_types=held), ""
        except UserFacingError as exc:
            optional = {it.pk for it in one_thing.items.all() if not it.mandatory}
            notice = build_notice(
                one_thing, self.answers, deselected_items=deselected & optional, held_licence_types=held
            )
            return notice, exc.message

    @staticmethod
    def canonical(notice: PersonalNotice) -> str:
        """The short query string for a computed notice: counted answers, skipped items, held e-licences."""
        pairs: list[tuple[str, str]] = [(ANSWER_PREFIX + k, v) for k, v in notice.answers.items()]
        pairs += [("skip", code) for code in notice.deselected_codes]
        pairs += [("lic", t) for t in sorted(notice.held_licence_types)]
        return urlencode(pairs)
