"""The migration operation that gives a searchable model its GIN index on PostgreSQL.

The index is on exactly the expression ``portal.search.matching`` filters on
(``to_tsvector('simple', COALESCE(search_text, ''))``), so the planner uses it. Other
databases (the embedded SQLite setup) get nothing: they match whole words with LIKE."""

from django.db import migrations

EXPRESSION = "to_tsvector('simple'::regconfig, COALESCE(\"search_text\", ''))"


class AddSearchIndex(migrations.operations.base.Operation):
    reversible = True

    def __init__(self, model_name: str, name: str):
        self.model_name = model_name
        self.name = name

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = to_state.apps.get_model(app_label, self.model_name)._meta.db_table
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{self.name}" ON "{table}" USING gin ({EXPRESSION})'
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{self.name}"')

    def describe(self):
        return f"Create the search index {self.name} on {self.model_name} (PostgreSQL)"

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"model_name": self.model_name, "name": self.name})
