"""Proposed and candidate livelihood projects in the keyword search (``portal.search``): a
proposal by its title, description and the reason it was not taken up (screened on its
cycle's page), a candidate by its title and description (an adopted one on its project page,
the others on their cycle's page)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import access, search
from voting.models import Candidate, Proposal
from voting.queries_tables import proposal_rows


def candidates_for(user):
    """Return the candidate projects ``user`` sees (without the staff table's figures)."""
    return access.visible(user, Candidate.objects.select_related("cycle"))


def _candidate_url(candidate) -> str:
    if candidate.outcome == Candidate.Outcome.ADOPTED:
        return reverse("voting_desk:project", args=[candidate.pk])
    return reverse("voting_desk:cycle", args=[candidate.cycle_id])


search.register(
    search.Searchable(
        key="proposals", label=_("Project proposals"), model=Proposal,
        texts=lambda p: [p.title, p.description, p.decline_reason], rows=proposal_rows,
        title=lambda p: p.title, body=lambda p: p.description,
        url=lambda p: reverse("voting_desk:cycle", args=[p.cycle_id]),
        list_url="voting_desk:proposal_list", order=50,
    )
)  # fmt: skip

search.register(
    search.Searchable(
        key="candidates", label=_("Candidate projects"), model=Candidate,
        texts=lambda c: [c.title, c.description], rows=candidates_for,
        title=lambda c: f"{c.number}. {c.title}", body=lambda c: c.description,
        url=_candidate_url, list_url="voting_desk:candidate_list", order=60,
    )
)  # fmt: skip
