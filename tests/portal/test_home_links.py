"""The public home page links every public page, and every link it has opens."""

import html
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = (
    "petitions:new", "petitions:track", "petitions:results", "stations:list",
    "supervision:results", "voting:index", "voting:propose",
)  # fmt: skip


def test_the_home_page_links_every_public_page_and_each_opens(client):
    response = client.get("/")
    page = html.unescape(response.content.decode())
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    links = set(re.findall(r'href="([^"#]+)"', main))
    for name in PUBLIC_PAGES:
        assert reverse(name) in links, name
    for link in links:
        assert client.get(link).status_code == 200, link
    assert page.split("<title>", 1)[1].startswith("首页 · ")
