"""The API against its own OpenAPI schema: schemathesis generates requests from
/api/v1/schema/ and sends them to the portal in-process (WSGI), once with county office
staff's token and once anonymously. Every operation of the schema is one test per caller.

Each must answer no server error, nothing outside its schema (status code, content type,
body) and accept no request that breaks the schema. The run is bounded so that CI finishes
in a few minutes and finds the same cases every time: a few generated examples per
operation besides the schema's own examples and boundary cases, derandomized, no shrinking.

``positive_data_acceptance`` is not among the checks: a request the schema allows may still
be refused by the rules, by contract with a 400 (a state that forbids the step, a region
outside the caller's jurisdiction, a reason required when an issue closes unresolved).
"""

import logging

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from portal.demo.core import DEMO_PASSWORD

SCHEMA_URL = "/api/v1/schema/?format=json"

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "max-examples": 10,
            "deterministic": True,  # Hypothesis' derandomize
            "no-shrink": True,
            "database": "none",
            # Credentials come from the caller of the run (a real token, or none).
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
    }
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

# The schema is the one the portal serves; the interactive docs are no API operation.
app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, app, config=CONFIG).exclude(
    path_regex=r"^/api/v1/(schema|docs)/"
)

LOCAL = {
    # Rate-limit counters of this module only, never the portal's Redis; cheap hashes.
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture(scope="module")
def demo_token(seeded_demo, django_db_blocker):
    """County_staff's API token on the demo data, taken as a client takes it. The demo is
    seeded once for the module (tests/conftest.py), in a transaction rolled back at its end:
    each test's own transaction is a savepoint inside it, and so is the token."""
    with django_db_blocker.unblock(), override_settings(**LOCAL):
        answer = Client().post(
            "/api/v1/auth/token/",
            {"username": "county_staff", "password": DEMO_PASSWORD},
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content
        yield answer.json()["token"]


@pytest.fixture(autouse=True)
def _in_process(demo_token, db, settings):
    """Serve requests in this process, on the test's transaction.

    Django closes the database connection around a request when it is not in autocommit,
    which would end the test's transaction: as with Django's test client, it stays open.
    Every rate limit is raised so that the token endpoint and its kind are tested, not
    merely counted. Refused requests are not logged one by one (server errors still are).
    """
    settings.RATE_LIMITS = {
        scope: (1_000_000, window) for scope, (_count, window) in settings.RATE_LIMITS.items()
    }
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    request_log.setLevel(level)


def call_and_validate(case, headers: dict) -> None:
    """Send the case in a savepoint rolled back afterwards, so that every case starts from
    the demo data and a database error in one case cannot spoil the next; then check the
    answer."""
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS, headers=headers)


@pytest.mark.parametrize("actor", ["county_staff", "anonymous"])
@schema.parametrize()
def test_the_api_keeps_to_its_schema(case, actor, demo_token):
    headers = {"Authorization": f"Token {demo_token}"} if actor == "county_staff" else {}
    call_and_validate(case, headers)
