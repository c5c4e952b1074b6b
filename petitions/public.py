"""The citizens' pages of an issue after it was sent (no account): the tracking page with
the rating, and the published results. The issue form itself is ``public_form``.

What these pages show of an issue is deliberately little: its own state, history and
replies (the supervision group's result too) to whoever holds its tracking code and the
phone's last 4 digits, or the citizen's own tracking link (``tracking``); never the
citizen's name or full phone; and for published results, only the published title and
outcome. The rating is written only by ``workflow.petition_rate``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from petitions import steps, tracking, workflow
from petitions.forms_public import RatingForm, TrackForm
from petitions.models import Petition, PetitionReply
from petitions.vocabulary import CLOSE_OUTCOMES, Action
from portal import events, ratelimit, vocabulary
from portal.errors import DomainError

RESULTS_PAGE_SIZE = 20
State = Petition.State

# The events a citizen sees, in the words of the vocabulary; the others (hand-backs, a return
# from supervision, staff bookkeeping) are not shown, and no event's note is ever shown.
PUBLIC_ACTIONS = frozenset(Action) - {Action.HAND_BACK, Action.RETURN}
REASON_STATES = {State.REJECTED, State.DUPLICATE, State.CLOSED_UNRESOLVED}
# What the citizen reads: the unit's reply, the office's answer and, for an issue closed with
# its supervision matter (办结销号), the group's result (督事结果).
PUBLIC_REPLY_KINDS = (
    PetitionReply.Kind.REPLY,
    PetitionReply.Kind.DIRECT_ANSWER,
    PetitionReply.Kind.SUPERVISION,
)


def find_petition(code: str, digits: str) -> Petition | None:
    """Return the issue with tracking ``code`` when ``digits`` are its phone's last 4
    (an issue without a phone needs the code alone)."""
    petition = Petition.objects.filter(tracking_code=code).select_related("region").first()
    if petition is None:
        return None
    if petition.citizen_phone and not constant_time_compare(petition.citizen_phone[-4:], digits):
        return None
    return petition


def public_history(petition: Petition) -> tuple[list[tuple], set[str]]:
    """Return ``(time, label)`` of the events a citizen may see, oldest first, and the
    actions of all its events (for its steps, ``steps.issue_steps``)."""
    rows = (
        events.history(petition)
        .select_related(None)
        .only("created_at", "action", "to_state")
        .order_by("id")
    )
    history, actions = [], set()
    for event in rows:
        actions.add(event.action)
        if event.action not in PUBLIC_ACTIONS:
            continue
        if event.action == Action.CLOSE:  # the citizen reads how it ended
            label = CLOSE_OUTCOMES.get(event.to_state)
        else:
            label = vocabulary.action_label(event.action)
        if label:
            history.append((event.created_at, label))
    return history, actions


def public_replies(petition: Petition):
    """Return the replies addressed to the citizen (never a unit's hand-back)."""
    return (
        PetitionReply.objects.filter(petition=petition, kind__in=PUBLIC_REPLY_KINDS)
        .select_related("department")
        .only("round", "kind", "text", "created_at", "department__name")
        .order_by("id")
    )


def published_results():
    return (
        Petition.objects.filter(published=True)
        .select_related("region")
        .only("id", "published_title", "category", "closed_at", "region__name")
        .order_by("-closed_at", "-id")
    )


# --- tracking and rating -----------------------------------------------------------


def _looked_up(request, form: TrackForm) -> tuple[Petition | None, int]:
    """Return the issue ``form`` names and the status to answer with.

    Every look-up counts against the limits, the right ones too: otherwise a guesser over
    the limit would still tell a hit from a miss. A code that strangers tried too often is
    locked for everyone; its citizen still gets in with their tracking link, which these
    limits never block (``track_link``), and the message says so.
    """
    code = form.cleaned_data["code"]
    code_key = code if code.isascii() and code.isalnum() else "malformed"
    if not ratelimit.hit("track_ip", ratelimit.client_ip(request)):
        form.add_error(None, _("Too many look-ups. Please wait 10 minutes and try again."))
        return None, 429
    if not ratelimit.hit("track_code", code_key):
        minutes = settings.RATE_LIMITS["track_code"][1] // 60
        form.add_error(None, _(
            "This tracking code was tried too many times, so it is locked for up to %(minutes)d "
            "minutes. Open your issue with the link in the text message we sent you or on your "
            "receipt page: it works at any time."
        ) % {"minutes": minutes})  # fmt: skip
        return None, 429
    petition = find_petition(code, form.cleaned_data["digits"])
    if petition is None:
        form.add_error(
            None,
            _("No issue matches this tracking code and these digits. Check both and try again."),
        )
        return None, 200
    return petition, 200


def _render_status(request, petition, track_form=None, rating_form=None, *, rated=False, token=""):
    """Show the issue; its rating form posts back where it came from: with code and digits
    to ``rate``, or to the tracking link."""
    rate_url = (
        reverse("petitions:track_link", args=[petition.tracking_code, token])
        if token
        else reverse("petitions:rate")
    )
    history, actions = public_history(petition)
    context = {
        "petition": petition,
        "track_form": track_form,
        "rate_url": rate_url,
        "history": history,
        "steps": steps.issue_steps(petition, actions),
        # The unit's deadline for its reply (答复期限), while it has the issue.
        "reply_due": petition.due_on if petition.state == State.FORWARDED else None,
        "replies": public_replies(petition),
        "public_reason": petition.public_reason if petition.state in REASON_STATES else "",
        # A refused rating keeps its form and error even when the state has moved on.
        "rating_form": rating_form
        if rating_form is not None and rating_form.errors
        else (RatingForm() if petition.state == State.REPLIED else None),
        "rated": rated,
    }
    response = render(request, "petitions/public_status.html", context)
    add_never_cache_headers(response)
    if token:  # the link's secret leaves in no Referer header
        response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    """Look an issue up by its tracking code and the phone's last 4 digits."""
    if request.method != "POST":
        form = TrackForm(initial={"code": request.GET.get("code", "")[:20]})
        return render(request, "petitions/public_track.html", {"form": form})
    form = TrackForm(request.POST)
    petition, status = _looked_up(request, form) if form.is_valid() else (None, 200)
    if petition is None:
        return render(request, "petitions/public_track.html", {"form": form}, status=status)
    return _render_status(request, petition, form)


@require_POST
def rate(request):
    """Record the citizen's rating of the latest reply, after checking code and digits."""
    form = TrackForm(request.POST)
    petition, status = _looked_up(request, form) if form.is_valid() else (None, 200)
    if petition is None:
        return render(request, "petitions/public_track.html", {"form": form}, status=status)
    return _rate(request, petition, form=form)


@require_http_methods(["GET", "HEAD", "POST"])
def track_link(request, code: str, token: str):
    """Open an issue with its citizen's tracking link, and take the rating posted from it.

    The secret is checked before any query, without the phone digits and outside the
    per-code limit, so that strangers' guesses at the code never lock its citizen out. A
    wrong secret counts against the address's look-ups like a wrong code and is a 404.
    """
    if not tracking.token_matches(code, token):
        if ratelimit.hit("track_ip", ratelimit.client_ip(request)):
            status = 404
            problem = _(
                "This tracking link is not valid. Copy the whole link from the text message or "
                "the receipt page, or look the issue up with its tracking code."
            )
        else:
            status = 429
            problem = _("Too many look-ups. Please wait 10 minutes and try again.")
        form = TrackForm(initial={"code": code[:20]})
        context = {"form": form, "problem": problem}
        return render(request, "petitions/public_track.html", context, status=status)
    petition = get_object_or_404(Petition.objects.select_related("region"), tracking_code=code)
    if request.method != "POST":
        return _render_status(request, petition, token=token)
    return _rate(request, petition, token=token)


def _rate(request, petition: Petition, *, form=None, token=""):
    """Record the rating posted for ``petition``, found by code and digits or by its link."""
    rating_form = RatingForm(request.POST)
    if not rating_form.is_valid():
        return _render_status(request, petition, form, rating_form, token=token)
    try:
        petition = workflow.petition_rate(
            actor=None,
            petition_id=petition.pk,
            rating=rating_form.cleaned_data["rating"],
            comment=rating_form.cleaned_data["comment"],
        )
    except DomainError as error:
        field = error.field if error.field in ("rating", "comment") else None
        rating_form.add_error(field, error.message)
        petition.refresh_from_db()
        return _render_status(request, petition, form, rating_form, token=token)
    return _render_status(request, petition, form, rated=True, token=token)


# --- published results ---------------------------------------------------------------


@require_safe
def results(request):
    """List the published results, newest closure first."""
    page = Paginator(published_results(), RESULTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "petitions/public_results.html", {"page": page})


@require_safe
def result(request, pk: int):
    """Show one published result: its published title and outcome only."""
    petition = get_object_or_404(published_results().only(
        "id", "published_title", "published_summary", "category", "closed_at", "region__name"
    ), pk=pk)  # fmt: skip
    return render(request, "petitions/public_result.html", {"petition": petition})
