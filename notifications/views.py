"""The applicant's inbox, and the developer outbox (every message, for development and the demo)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .links import case_links, message_html
from .models import Message

PAGE_SIZE = 50
# Login codes are not kept in the inbox: they are useless once logged in, and the inbox is shown on screen.
KINDS_NOT_IN_INBOX = ("otp",)


def dev_outbox_enabled() -> bool:
    """The developer outbox exists only while DEBUG is on (never in production, whatever else is set)."""
    return bool(settings.DEBUG)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """My messages: site messages (站内信) and copies of the SMS sent to me, newest first."""
    rows = Message.objects.filter(recipient=request.user).exclude(kind__in=KINDS_NOT_IN_INBOX)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    links = case_links(request.user, (m.case_number for m in page))
    for m in page:
        m.case_url = links.get(m.case_number)
        m.body_html = message_html(m.body, m.case_number, m.case_url)
    return render(request, "notifications/inbox.html", {"page": page})


def outbox(request: HttpRequest) -> HttpResponse:
    """Every message, newest first, for a logged-in system administrator while DEBUG is on; anyone else, and
    everyone without DEBUG, gets 404. Login codes are never shown (the template hides the body of "otp" messages):
    the page must not be a way to log in as somebody else."""
    if not dev_outbox_enabled() or not request.user.is_superuser:
        raise Http404
    rows = Message.objects.select_related("recipient")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page})
