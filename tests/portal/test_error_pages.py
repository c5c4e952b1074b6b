"""The error pages (portal/errorpages.py): Chinese, in the product's look, each with a way
back; the 500 page without the database; the CSRF failure page; the favicon."""

import html
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.utils import translation

from portal import context_processors, errorpages
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def site_name() -> str:
    with translation.override("zh-hans"):
        return str(context_processors.site(None)["site_name"])


def title_of(page: str) -> str:
    return page.split("<title>", 1)[1].split("</title>", 1)[0].strip()


@pytest.fixture
def failing(settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    settings.DEBUG = False


def test_a_missing_page_is_a_chinese_404_with_the_way_home(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = text(response)
    assert title_of(page) == f"页面不存在 · {site_name()}"
    assert "<h1>页面不存在</h1>" in page and 'lang="zh-hans"' in page
    assert 'href="/">返回首页</a>' in page
    assert "/desk/" not in page.split("<main", 1)[1]  # no desk for a citizen
    assert "portal/site.css" in page  # the product's look


def test_a_signed_in_reader_of_a_404_gets_back_to_the_desk(client):
    client.force_login(UserFactory())
    page = text(client.get("/no-such-page/"))
    assert 'href="/desk/">返回我的工作台</a>' in page.split("<main", 1)[1]


def test_a_refusal_is_a_chinese_403_that_says_why(client, failing):
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    page = text(response)
    assert title_of(page) == f"无权访问 · {site_name()}"
    with translation.override("zh-hans"):
        assert translation.gettext("Only congress office staff see this page.") in page
    assert 'href="/">返回首页</a>' in page
    assert "/accounts/login/?next=/test-errors/forbidden/" in page  # a way in for staff
    client.force_login(UserFactory())
    signed_in = text(client.get("/test-errors/forbidden/"))
    assert 'href="/desk/">返回我的工作台</a>' in signed_in


def test_a_crash_is_a_chinese_500_with_the_way_home(client, failing):
    client.raise_request_exception = False
    response = client.get("/test-errors/boom/")
    assert response.status_code == 500
    page = text(response)
    assert title_of(page) == f"服务暂时不可用 · {site_name()}"
    assert "请几分钟后再试" in page and 'href="/">返回首页</a>' in page
    assert "/desk/" not in page.split("<main", 1)[1]
    assert "RuntimeError" not in page and "a bug" not in page


def test_a_crash_of_a_signed_in_reader_offers_the_desk(client, failing):
    client.raise_request_exception = False
    client.force_login(UserFactory())
    page = text(client.get("/test-errors/boom/"))
    assert 'href="/desk/">返回我的工作台</a>' in page


def test_the_500_page_reads_no_database(django_assert_num_queries, settings):
    request = RequestFactory().get("/somewhere/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "whatever"
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = errorpages.server_error(request)
    page = text(response)
    assert response.status_code == 500 and "服务暂时不可用" in page and 'href="/desk/"' in page


def test_the_500_page_answers_even_when_its_template_fails(monkeypatch):
    def broken(name):
        raise RuntimeError("no templates")

    monkeypatch.setattr(errorpages, "get_template", broken)
    with translation.override("zh-hans"):
        response = errorpages.server_error(RequestFactory().get("/"))
    page = text(response)
    assert response.status_code == 500 and "服务暂时不可用" in page and 'href="/"' in page


def test_a_bad_request_is_a_chinese_400(client):
    response = client.get("/", HTTP_HOST="bad host name")  # DisallowedHost: a 400
    assert response.status_code == 400
    page = text(response)
    assert title_of(page) == f"请求无效 · {site_name()}" and 'href="/">返回首页</a>' in page


def test_a_failed_csrf_check_is_a_chinese_page_with_the_way_back():
    browser = Client(enforce_csrf_checks=True)
    form_page = "http://testserver/accounts/login/?next=/desk/"
    response = browser.post(
        "/accounts/login/?next=/desk/", {"username": "a", "password": "b"}, HTTP_REFERER=form_page
    )
    assert response.status_code == 403
    page = text(response)
    assert title_of(page) == f"页面已过期 · {site_name()}"
    assert f'href="{form_page}">重新打开此页面</a>' in page
    assert 'href="/">返回首页</a>' in page
    assert "CSRF" not in page.split("<main", 1)[1]  # no jargon for the reader
    # Another site's page is no way back: home only.
    elsewhere = browser.post("/accounts/logout/", HTTP_REFERER="https://evil.example/")
    assert elsewhere.status_code == 403 and "evil.example" not in text(elsewhere)
    assert "重新打开此页面" not in text(elsewhere)


def test_the_favicon_answers_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/portal/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
    emblem = finders.find("portal/favicon.svg")
    assert emblem and "<svg" in Path(emblem).read_text(encoding="utf-8")
