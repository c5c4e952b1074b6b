"""Make the audit trail append-only in the database itself.

PostgreSQL refuses UPDATE and DELETE on portal_event (TRUNCATE, used only by test flushes and
an operator's deliberate purge, is not a row operation). SQLite refuses UPDATE; it keeps
DELETE because Django's test flush on SQLite deletes rows.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION portal_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_event_append_only
    BEFORE UPDATE OR DELETE ON portal_event
    FOR EACH ROW EXECUTE FUNCTION portal_event_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS portal_event_append_only ON portal_event;
DROP FUNCTION IF EXISTS portal_event_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER portal_event_no_update BEFORE UPDATE ON portal_event
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS portal_event_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
