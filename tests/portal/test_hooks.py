"""The core's one-way hooks: an app announces, the apps that registered hear it."""

import pytest

from portal import hooks


@pytest.fixture
def no_receivers(monkeypatch):
    """An empty registry for this test (the apps' own receivers come back after it)."""
    monkeypatch.setattr(hooks, "_receivers", {})


def test_receivers_are_called_once_each_in_order_with_the_keywords(no_receivers):
    heard = []

    def first(**kwargs):
        heard.append(("first", kwargs))
        return "one"

    def second(**kwargs):
        heard.append(("second", kwargs))

    hooks.register(hooks.ISSUE_SETTLED, first)
    hooks.register(hooks.ISSUE_SETTLED, second)
    hooks.register(hooks.ISSUE_SETTLED, first)  # ready() run again: still called once
    answers = hooks.emit(hooks.ISSUE_SETTLED, actor=None, issue_id=7, resolved=True)
    kwargs = {"actor": None, "issue_id": 7, "resolved": True}
    assert heard == [("first", kwargs), ("second", kwargs)]
    assert answers == ["one", None]
    hooks.unregister(hooks.ISSUE_SETTLED, first)
    assert hooks.receivers(hooks.ISSUE_SETTLED) == [second]


def test_a_hook_without_receivers_returns_nothing(no_receivers):
    assert hooks.emit(hooks.ISSUE_PARTICIPANTS, user=None) == []


def test_an_undeclared_hook_is_refused():
    with pytest.raises(LookupError):
        hooks.register("issue_setled", print)
    with pytest.raises(LookupError):
        hooks.emit("issue_setled")
