"""Demo data, production settings and the Chinese catalogue."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from portal import access
from portal.demo.core import DEMO_PASSWORD
from portal.models import Department, Event, Region, RegionUserObjectPermission, User

ROOT = Path(__file__).resolve().parents[2]


def _snapshot():
    return (
        list(Region.objects.values_list("id", "code", "name", "path")),
        list(Department.objects.values_list("id", "region_id", "name", "kind")),
        list(
            User.objects.values_list(
                "id", "username", "password", "kind", "region_id", "department_id"
            )
        ),
        list(
            RegionUserObjectPermission.objects.values_list(
                "id", "user_id", "content_object_id", "permission_id"
            )
        ),
        Event.objects.count(),
    )


def test_seed_demo_is_idempotent(seeded_demo, db):
    # seeded_demo: ``seed_demo`` on the empty database, once for the module (tests/conftest.py)
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first


def _sign_in(client, username):
    """Sign in through the sign-in page, as a person does (and as the lockout counts)."""
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("username", "sees", "does_not_see"),
    [
        ("city_staff", ["象山县交通运输局", "江北区交通运输局", "石浦镇人民政府"], []),
        (
            "county_staff",
            ["象山县交通运输局", "石浦镇人民政府", "大徐镇人民政府"],
            ["江北区交通运输局", "宁波市交通运输局"],
        ),
        ("shipu_staff", ["石浦镇人民政府"], ["大徐镇人民政府", "象山县交通运输局"]),
        ("daxu_staff", ["大徐镇人民政府"], ["石浦镇人民政府"]),
        ("jiangbei_staff", ["江北区交通运输局", "甬江街道办事处"], ["象山县交通运输局"]),
        ("dept_traffic", ["象山县交通运输局"], ["象山县教育局", "石浦镇人民政府"]),
        ("deputy_shipu", [], ["石浦镇人民政府"]),
    ],
)
def test_demo_accounts_sign_in_with_their_scope(
    client, seeded_demo, db, username, sees, does_not_see
):
    _sign_in(client, username)
    user = User.objects.get(username=username)
    names = set(access.visible(user, Department.objects.all()).values_list("name", flat=True))
    assert set(sees) <= names
    assert not names & set(does_not_see)


def test_demo_admin_is_superuser(client, seeded_demo, db):
    _sign_in(client, "admin")
    assert client.get("/admin/portal/region/").status_code == 200


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings_production",
        "SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-only-" + "x" * 20,
        "ALLOWED_HOSTS": "renda.example.cn",
        "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_a_missing_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings_production", PORTAL_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_chinese_catalogue_is_complete_and_compiled():
    import gettext

    import polib

    po = polib.pofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()] + [
        e.msgid for e in po.fuzzy_entries()
    ]
    assert untranslated == []
    with open(ROOT / "locale/zh_Hans/LC_MESSAGES/django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled._catalog.get(key) == entry.msgstr, f".mo is stale for {entry.msgid!r}"


def test_no_migration_is_missing(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
