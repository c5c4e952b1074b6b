"""Public pages of supervision matters: the closed matters that the office has published
(事结公示), in the published words only — never a citizen, a member's phone or a photo."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from supervision.models import Matter

PAGE_SIZE = 20


def published():
    return (
        Matter.objects.filter(published=True, state=Matter.State.CLOSED)
        .select_related("region")
        .only("id", "published_title", "published_summary", "closed_at", "round", "region__name")
        .order_by("-closed_at", "-id")
    )


@require_safe
def results(request):
    page = Paginator(published(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/public_results.html", {"page": page})


@require_safe
def result(request, pk: int):
    return render(
        request, "supervision/public_result.html", {"matter": get_object_or_404(published(), pk=pk)}
    )
