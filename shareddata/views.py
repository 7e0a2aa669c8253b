from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import AccountKind
from catalog.models import DataElement, MaterialType
from core.errors import UserFacingError
from oneform.choices import display_value

from . import related, services
from .choices import ConsentScope, RelatedPerson
from .forms import PartyConsentForm
from .models import ApplicantProfileValue, PartyConsent, SharedDataEvent

# What each source is; what it supplies, and about whom, is read from the data dictionary and shareddata.related.
SCOPE_DESCRIPTIONS = {
    ConsentScope.POPULATION: gettext_lazy(
        "Your identity, household registration and family relations, held by the public security organs."
    ),
    ConsentScope.MARKET: gettext_lazy("Your enterprise's registration, held by the market regulation authority."),
    ConsentScope.E_LICENCE: gettext_lazy(
        "Electronic certificates and licences issued to you; they replace paper copies of those documents."
    ),
    ConsentScope.HEALTH: gettext_lazy(
        "Birth registrations and certificates, death certificates, delivery records and only-child certificates, held "
        "by the health authority."
    ),
    ConsentScope.CIVIL_AFFAIRS: gettext_lazy(
        "Marriage registration, social assistance and welfare benefits, held by the civil affairs authority."
    ),
    ConsentScope.SOCIAL_SECURITY: gettext_lazy(
        "Social insurance registration, contributions and benefits, held by the social insurance agency."
    ),
    ConsentScope.HOUSING_FUND: gettext_lazy(
        "Housing provident fund accounts, held by the housing provident fund centre."
    ),
    ConsentScope.DISABILITY: gettext_lazy(
        "Disability certificates (category and level), held by the disabled persons' federation."
    ),
    ConsentScope.EDUCATION: gettext_lazy("Kindergarten and school enrolment records, held by the education authority."),
    ConsentScope.REAL_ESTATE: gettext_lazy(
        "Real-estate titles and the property they cover, held by the real-estate registration agency."
    ),
    ConsentScope.TAX: gettext_lazy(
        "Your enterprise's tax registration, basic deposit account, finance officer and tax devices, held by the tax "
        "authority."
    ),
    ConsentScope.CONSTRUCTION: gettext_lazy(
        "Your construction projects and the loads of their reviewed construction drawings, held by the construction "
        "project approval system."
    ),
    ConsentScope.VEHICLE: gettext_lazy("Vehicles registered to you, held by the traffic police vehicle registry."),
    ConsentScope.PROFILE: gettext_lazy(
        "What you typed in your earlier applications on this platform: kept and offered again only while you "
        "consent; withdrawing erases it."
    ),
}
HISTORY_LENGTH = 50
# What a consent given on this page is for; shown before the applicant consents, stored with the consent.
CONSENT_PURPOSE = gettext_lazy("Pre-fill my application forms and replace materials with shared data.")


def _applicant(request: HttpRequest):
    """The logged-in applicant; staff accounts have no consents to manage ("not found")."""
    if not request.user.is_applicant:
        raise Http404
    return request.user


@login_required
def my_consents(request: HttpRequest, party_form=None, status: int = 200) -> HttpResponse:
    """My consents (我的授权): each source, what it supplies, grant or withdraw; my profile; the history."""
    user = _applicant(request)
    scopes = services.scopes_for(user)
    current = services.current_consents(user)
    profile = list(ApplicantProfileValue.objects.filter(user=user))
    elements = DataElement.objects.filter(Q(source__in=scopes) | Q(key__in=[pv.key for pv in profile]))
    sections = related.sections_for(user.kind)
    element_names = {}
    # scope -> whom (RelatedPerson) -> names of the elements pre-filling may take from it about them
    supplies: dict[str, dict[str, list[str]]] = {scope: {} for scope in scopes}
    for key, name, source, section in elements.values_list("key", "name", "source", "section").order_by("key"):
        element_names[key] = name
        if source in supplies and related.can_fill(key, source, section, user.kind):
            supplies[source].setdefault(sections[section], []).append(name)
    licence_types = []
    if ConsentScope.E_LICENCE in supplies:
        licence_types = sorted(
            set(MaterialType.objects.exclude(licence_type="").values_list("licence_type", flat=True))
        )
    whom_labels = {p.value: p.label for p in RelatedPerson}
    if user.kind == AccountKind.LEGAL_PERSON:
        whom_labels[RelatedPerson.SELF] = gettext_lazy("Your enterprise")
    rows = [
        {
            "scope": scope,
            "label": ConsentScope(scope).label,
            "description": SCOPE_DESCRIPTIONS[scope],
            "groups": [
                (whom_labels[whom], names) for whom in RelatedPerson.values if (names := supplies[scope].get(whom))
            ],
            "licence_types": licence_types if scope == ConsentScope.E_LICENCE else [],
            "consent": current.get(scope),
        }
        for scope in scopes
    ]
    return render(
        request,
        "shareddata/consents.html",
        {
            "rows": rows,
            "profile": [(element_names.get(pv.key, pv.key), display_value(pv.value), pv) for pv in profile],
            "events": SharedDataEvent.objects.filter(subject=user).select_related("consent", "party_consent__grantee")[
                :HISTORY_LENGTH
            ],
            "purpose": CONSENT_PURPOSE,
            **_party_context(user, party_form),
        },
        status=status,
    )


def _party_context(user, form=None) -> dict:
    """共同申请: the consents this person gave another applicant, the ones given to them, and the form to give one."""
    if user.kind != AccountKind.NATURAL_PERSON:
        return {}
    one_things = list(services.party_one_things())
    names = {ot.code: ot.name for ot in one_things}
    given = list(PartyConsent.objects.filter(grantor=user, withdrawn_at__isnull=True).select_related("grantee"))
    received = list(PartyConsent.objects.filter(grantee=user, withdrawn_at__isnull=True).select_related("grantor"))
    return {
        "party_form": form or PartyConsentForm(one_things=one_things),
        "party_given": [(c, names.get(c.one_thing_code, c.one_thing_code)) for c in given],
        "party_received": [(c, names.get(c.one_thing_code, c.one_thing_code)) for c in received],
    }


@login_required
@require_POST
def grant_party_consent(request: HttpRequest) -> HttpResponse:
    """The other party consents, from their own account, to the named applicant's form using their data."""
    user = _applicant(request)
    form = PartyConsentForm(request.POST, one_things=list(services.party_one_things()))
    if form.is_valid():
        data = form.cleaned_data
        try:
            consent = services.do_grant_party_consent(
                user,
                applicant_name=data["applicant_name"],
                applicant_id_number=data["applicant_id_number"],
                one_thing_code=data["one_thing"],
                acting_user=user,
            )
        except UserFacingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s's application can now use your information.") % {"name": consent.grantee.display_name},
            )
            return redirect(reverse("shareddata:consents") + "#party")
    return my_consents(request, party_form=form, status=400)


@login_required
@require_POST
def withdraw_party_consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    user = _applicant(request)
    consent = PartyConsent.objects.filter(grantor=user, pk=consent_id).first()
    if consent is None:
        raise Http404  # another person's, or none: the same answer
    try:
        services.do_withdraw_party_consent(consent, acting_user=user)
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You withdrew your consent."))
    return redirect(reverse("shareddata:consents") + "#party")


@login_required
@require_POST
def grant_consent(request: HttpRequest) -> HttpResponse:
    user = _applicant(request)
    scope = request.POST.get("scope", "")
    try:
        consent = services.do_grant_consent(
            user,
            scope,
            acting_user=user,
            purpose=str(CONSENT_PURPOSE),
        )
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("You consented to the use of the %(source)s.") % {"source": consent.get_scope_display()}
        )
    return redirect("shareddata:consents")


@login_required
@require_POST
def withdraw_consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    user = _applicant(request)
    consent = services.find_consent(user, consent_id)
    if consent is None:
        raise Http404
    try:
        services.do_withdraw_consent(consent, acting_user=user)
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("You withdrew your consent to the %(source)s.") % {"source": consent.get_scope_display()}
        )
    return redirect("shareddata:consents")
