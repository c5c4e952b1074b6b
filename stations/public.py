"""Public pages of the liaison stations (no account needed). Being built."""

from django.http import Http404


def station_list(request):
    raise Http404


def station_detail(request, pk):
    raise Http404


def station_poster(request, pk, fmt):
    raise Http404
