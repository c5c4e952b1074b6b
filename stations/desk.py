"""Signed-in pages of the stations app for deputies and staff. Being built."""

from django.http import Http404


def reception_list(request):
    raise Http404


reception_new = reception_edit = statistics = contact_compliance = archive = archive_export = (
    lambda request, pk=None: (_ for _ in ()).throw(Http404())
)
