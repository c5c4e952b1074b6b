"""Every audit event action the stations app records is declared, with a label for people."""

import ast
from pathlib import Path

import stations
from portal import vocabulary
from stations.vocabulary import Action

STORED = {
    "reception_record",
    "reception_update",
    "reception_lock",
    "reception_unlock",
    "matter_solved",
    "matter_unsolved",
    "shifts_generate",
    "contact_visit_record",
    "deputy_import_create",
    "deputy_import_update",
    "deputy_group_import_create",
    "deputy_create",
    "deputy_update",
    "station_create",
    "station_update",
}


def test_the_stored_action_codes_stay_the_same():
    # Existing events carry these strings: a renamed value would orphan them.
    assert set(Action.values) == STORED


def test_every_action_is_registered_with_a_label_that_is_not_its_code():
    for action in Action:
        assert action.value in vocabulary.known_actions()
        assert vocabulary.action_label(action.value) not in ("", action.value)


def test_the_app_records_no_action_as_a_free_string():
    """``action=`` in the app's code names an ``Action`` member, never a string literal."""
    root = Path(stations.__file__).parent
    literals = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call) or getattr(call.func, "attr", "") == "add_argument":
                continue  # argparse's action= is not an audit event
            for keyword in call.keywords:
                value = keyword.value
                if keyword.arg == "action" and isinstance(value, ast.Constant):
                    literals.append(f"{path.name}:{value.lineno}")
    assert literals == []
