"""The admin is the same product as the portal: its name, the way back to the desk, the user
by name with jurisdiction and role, and not one English word on any page a user opens."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.test import RequestFactory

from portal.models import User
from tests.factories import UserFactory

# Words that stay in Latin letters in Chinese text: names of keys (Django's own Chinese reads
# "按住 Control 键或 Mac 上的 Command 键"), file formats, and the calendar data's source.
ALLOWED = {"Excel", "API", "SMS", "PDF", "ID", "Email", "Control", "Command", "Mac"}
DATA_TOKENS = ("chinese-calendar",)
ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")


class VisibleText(HTMLParser):
    """Text a person reads or hears: element text outside scripts and styles, plus the
    attributes screen readers and browsers show (alt, title, aria-label, placeholder, the
    label of a button)."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        values = dict(attrs)
        for name in ("alt", "title", "aria-label", "placeholder"):
            if values.get(name):
                self.parts.append(values[name])
        if tag in ("input", "button") and values.get("type") in ("submit", "button", "reset"):
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_words(html: str) -> set[str]:
    text = visible_text(html)
    # Data is not a label: account names and the calendar's source are what was entered.
    for token in (*User.objects.values_list("username", flat=True), *DATA_TOKENS):
        text = re.sub(rf"(?<![\w-]){re.escape(token)}(?![\w-])", " ", text)
    return {word for word in ENGLISH_WORD.findall(text) if word not in ALLOWED}


def admin_pages(user) -> list[str]:
    """Return the index, and the list and add page of every model ``user`` sees there."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = ["/admin/"]
    for app in admin.site.get_app_list(request):
        urls.append(app["app_url"])
        for model in app["models"]:
            urls.extend(url for url in (model.get("admin_url"), model.get("add_url")) if url)
    return urls


@pytest.fixture
def superuser(db):
    return UserFactory(username="root_admin", full_name="系统管理员甲", is_superuser=True)


def walk(client, user) -> dict[str, set[str]]:
    """Open every page of ``user``'s admin and the first row of each list; return the English
    words found per page."""
    client.force_login(user)
    found: dict[str, set[str]] = {}
    pages = admin_pages(user)
    for url in list(pages):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        words = english_words(response.content.decode())
        if words:
            found[url] = words
        changelist = response.context.get("cl") if response.context else None
        if changelist is not None and changelist.result_list:
            obj = changelist.result_list[0]
            change = f"{url}{obj.pk}/change/"
            response = client.get(change, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code == 200 and (words := english_words(response.content.decode())):
                found[change] = words
    return found


def test_every_admin_page_of_a_superuser_is_in_chinese(client, world, superuser):
    assert walk(client, superuser) == {}


def test_every_admin_page_of_county_staff_is_in_chinese(client, world):
    pages = admin_pages(world.users["county"])
    assert "/admin/portal/department/add/" in pages and "/admin/portal/calendarday/" in pages
    assert walk(client, world.users["county"]) == {}


def test_the_header_names_the_user_with_jurisdiction_and_role_and_leads_to_the_desk(client, world):
    county = world.users["county"]
    county.full_name = "王海燕"
    county.save(update_fields=["full_name"])
    client.force_login(county)
    html = client.get("/admin/").content.decode()
    header = html[html.index('id="header"') : html.index("</header>")]
    assert '<strong class="admin-name">王海燕</strong>' in header
    assert "甲县 · 工作人员" in header  # jurisdiction · role
    assert 'href="/desk/"' in header and "返回我的工作台" in header
    assert "人大代表履职服务平台" in header
    assert county.username not in header and county.username.upper() not in html
    assert "欢迎" not in header and "Welcome" not in html


def test_a_superuser_without_a_role_is_named_as_such(client, superuser):
    client.force_login(superuser)
    header = client.get("/admin/").content.decode().split("</header>")[0]
    assert "系统管理员甲" in header and "系统管理员</span>" in header
    assert "ROOT_ADMIN" not in header and "root_admin" not in header


def test_the_admin_wears_the_portals_colours_and_never_uppercases(client, world):
    client.force_login(world.users["county"])
    html = client.get("/admin/").content.decode()
    assert "/static/portal/admin.css" in html
    assert "admin/css/dark_mode.css" not in html  # one light look, as on the portal
    with open(finders.find("portal/admin.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    for rule in ("--primary: #b71c1c", "--header-bg: #b71c1c", "--breadcrumbs-bg: #f6f4f1",
                 "--link-fg: #b71c1c", "background: #f6f4f1"):  # fmt: skip
        assert rule in css
    no_capitals = css[: css.index("text-transform: none")].rsplit("}", 1)[-1]
    assert "#user-tools" in no_capitals


def test_yes_no_icons_read_in_chinese(client, world):
    client.force_login(world.users["county"])
    html = client.get("/admin/portal/department/").content.decode()
    assert 'alt="是"' in html and 'alt="True"' not in html


def test_the_check_reads_hidden_labels_and_skips_scripts_and_data(db):
    html = (
        '<thead class="visually-hidden"><th>Model name</th></thead><img alt="True">'
        '<input type="submit" value="Search"><a aria-label="Toggle theme">x</a>'
        "<script>var ignored = 'JavaScript';</script><style>.x{color:red}</style>"
        "<td>导出 Excel</td><td>chinese-calendar</td>"
    )
    assert english_words(html) == {"Model", "name", "True", "Search", "Toggle", "theme"}


def test_the_sign_in_and_password_pages_carry_the_platform_name_and_header(client, world):
    html = client.get("/admin/login/").content.decode()
    branding = html[html.index('id="site-name"') : html.index("</header>")]
    assert "人大代表履职服务平台" in branding and "testserver" not in branding
    client.force_login(world.users["county"])
    for url in ("/admin/password_change/", "/admin/password_change/done/"):
        header = client.get(url).content.decode().split("</header>")[0]
        assert 'href="/desk/"' in header and "theme-toggle" not in header, url
