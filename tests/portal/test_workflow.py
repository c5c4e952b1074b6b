"""Roles over regions: granted and revoked through the workflow, audited, checked."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404

from portal import access, workflow
from portal.errors import DomainError
from portal.models import Department, Event


def test_leader_grants_a_role_within_the_subtree(world):
    leader = world.users["viewer"]
    access.grant_role(leader, world.regions["countyA"], access.Role.LEADER)
    newcomer = world.users["deputy"]
    workflow.region_role_grant(
        actor=leader, user=newcomer, region=world.regions["townA2"], role=access.Role.STAFF
    )
    access.forget(newcomer)
    assert access.can(newcomer, access.MANAGE, world.depts["townA2"])
    event = Event.objects.get(action="region_role_grant")
    assert (event.actor, event.region, event.to_state, event.data) == (
        leader,
        world.regions["townA2"],
        "staff",
        {"user": "m_deputy"},
    )


def test_staff_without_approve_cannot_grant(world):
    with pytest.raises(PermissionDenied):
        workflow.region_role_grant(
            actor=world.users["county"],
            user=world.users["deputy"],
            region=world.regions["townA1"],
            role="staff",
        )
    assert not Event.objects.filter(action="region_role_grant").exists()


def test_grant_in_a_foreign_region_is_404(world):
    leader = world.users["county"]
    access.grant_role(leader, world.regions["countyA"], access.Role.LEADER)
    with pytest.raises(Http404):
        workflow.region_role_grant(
            actor=leader, user=world.users["deputy"], region=world.regions["countyB"], role="staff"
        )


def test_a_new_role_replaces_the_old_one(world):
    user = world.users["county"]
    workflow.region_role_grant(
        actor=None, user=user, region=world.regions["countyA"], role="viewer"
    )
    access.forget(user)
    assert access.roles_of(user) == [(world.regions["countyA"], "viewer")]
    assert not access.can(user, access.MANAGE, world.depts["countyA"])
    assert Event.objects.get(action="region_role_grant").from_state == "staff"


def test_unknown_role_and_missing_role_are_domain_errors(world):
    with pytest.raises(DomainError):
        workflow.region_role_grant(
            actor=None, user=world.users["deputy"], region=world.regions["townA1"], role="king"
        )
    with pytest.raises(DomainError):
        workflow.region_role_revoke(
            actor=None, user=world.users["deputy"], region=world.regions["townA1"]
        )


def test_grant_role_command(world, capsys):
    call_command("grant_role", "m_deputy", world.regions["townA1"].code[:9], "viewer")
    assert "甲一镇 · 查看人员" in capsys.readouterr().out
    deputy = world.users["deputy"]
    access.forget(deputy)
    assert (
        access.visible(deputy, Department.objects.all())
        .filter(pk=world.depts["villageA1"].pk)
        .exists()
    )
    call_command("grant_role", "m_deputy", world.regions["townA1"].code, "--revoke")
    with pytest.raises(CommandError):
        call_command("grant_role", "nobody", "3302", "staff")
    with pytest.raises(CommandError):
        call_command("grant_role", "m_deputy", "9999", "staff")
    with pytest.raises(CommandError):
        call_command("grant_role", "m_deputy", world.regions["townA1"].code, "--revoke")
    assert Event.objects.filter(action="region_role_revoke").count() == 1
