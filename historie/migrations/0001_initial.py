"""The audit machinery's two tables and, on PostgreSQL, what keeps history append-only.

The tables existed before they were models: the project's migrations 0002 and
0004 created them with SQL of their own (those migrations are gone; databases
that applied them keep the tables, their rows and their triggers). So the
models enter Django's state here, and the database part creates a table only
where it is missing, replaces the two trigger functions with identical ones,
and (re)creates the two triggers: on a database that has it all, nothing
changes, not a row.

On PostgreSQL a trigger on every history table (``historie.operations``)
refuses UPDATE and DELETE, whoever sends them. The one way around it is the
deliberate purge procedure of docs/history.md: a transaction that states its
reason in the setting ``actieprogramma.history_purge_reason``; every row it
changes or removes is copied, with the database user, the time and that
reason, into the purge log, which itself refuses any change, as the chain's
layout table does. SQLite, for development, gets the tables and no triggers.
"""

from django.db import migrations, models

PURGE_LOG = "history_purge_log"
LAYOUT = "history_chain_layout"

FUNCTIONS = """
CREATE OR REPLACE FUNCTION history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    reason text := coalesce(
        current_setting('actieprogramma.history_purge_reason', true), ''
    );
BEGIN
    IF length(trim(reason)) > 0 THEN
        INSERT INTO history_purge_log (table_name, operation, old_row, reason)
        VALUES (TG_TABLE_NAME, TG_OP, to_jsonb(OLD), reason);
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'See docs/history.md for the logged purge procedure.';
END;
$$;

CREATE OR REPLACE FUNCTION history_purge_log_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history_purge_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

ALTER TABLE history_purge_log
    ALTER COLUMN purged_by SET DEFAULT session_user,
    ALTER COLUMN purged_at SET DEFAULT now();

CREATE OR REPLACE TRIGGER history_purge_log_frozen
    BEFORE UPDATE OR DELETE ON history_purge_log
    FOR EACH ROW EXECUTE FUNCTION history_purge_log_frozen();

CREATE OR REPLACE TRIGGER history_append_only
    BEFORE UPDATE OR DELETE ON history_chain_layout
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
"""

DROP = """
DROP TABLE IF EXISTS history_chain_layout;
DROP TABLE IF EXISTS history_purge_log;
DROP FUNCTION IF EXISTS history_purge_log_frozen();
DROP FUNCTION IF EXISTS history_append_only();
"""


def take_over(apps, schema_editor):
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    for name in ("ChainLayout", "PurgeLogEntry"):
        model = apps.get_model("historie", name)
        if model._meta.db_table not in existing:
            schema_editor.create_model(model)
    if connection.vendor == "postgresql":
        # Without parameters, so that the '%' of RAISE formats reaches PostgreSQL.
        with connection.cursor() as cursor:
            cursor.execute(FUNCTIONS)


def give_back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)
    else:
        for name in ("ChainLayout", "PurgeLogEntry"):
            schema_editor.delete_model(apps.get_model("historie", name))


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ChainLayout",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "table_name",
                                "from_history_id",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("table_name", models.CharField(max_length=100)),
                        ("from_history_id", models.BigIntegerField()),
                        ("columns", models.TextField()),
                    ],
                    options={
                        "db_table": LAYOUT,
                        "ordering": ["table_name", "from_history_id"],
                    },
                ),
                migrations.CreateModel(
                    name="PurgeLogEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("table_name", models.TextField()),
                        ("operation", models.TextField()),
                        ("old_row", models.JSONField()),
                        ("reason", models.TextField()),
                        ("purged_by", models.TextField()),
                        ("purged_at", models.DateTimeField()),
                    ],
                    options={"db_table": PURGE_LOG, "ordering": ["id"]},
                ),
            ],
        ),
        # After the state, so that it can use the models; see the docstring.
        migrations.RunPython(take_over, give_back),
    ]
