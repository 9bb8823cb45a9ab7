"""Make the audit history append-only in the database (PostgreSQL).

The application never changes or deletes a history row, but a database that
only trusts the application is not an audit trail. On PostgreSQL a trigger on
every history table refuses UPDATE and DELETE, whoever sends them. The one way
around it is the deliberate purge procedure of docs/history.md: a transaction
that states its reason in the setting ``actieprogramma.history_purge_reason``;
every row it changes or removes is copied, with the database user, the time and
that reason, into ``history_purge_log``, which itself refuses any change.

Other databases (SQLite, for development) get no trigger. A tracked model added
later needs a migration that adds its table here; the test suite checks that
every history table has the trigger.
"""

from django.db import migrations

from ._history_tables import HISTORY_TABLES

FUNCTIONS = """
CREATE TABLE history_purge_log (
    id bigserial PRIMARY KEY,
    table_name text NOT NULL,
    operation text NOT NULL,
    old_row jsonb NOT NULL,
    reason text NOT NULL,
    purged_by text NOT NULL DEFAULT session_user,
    purged_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION history_append_only() RETURNS trigger
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

CREATE FUNCTION history_purge_log_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history_purge_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER history_purge_log_frozen
    BEFORE UPDATE OR DELETE ON history_purge_log
    FOR EACH ROW EXECUTE FUNCTION history_purge_log_frozen();
"""

DROP_FUNCTIONS = """
DROP TABLE IF EXISTS history_purge_log;
DROP FUNCTION IF EXISTS history_purge_log_frozen();
DROP FUNCTION IF EXISTS history_append_only();
"""


def _run(schema_editor, sql: str) -> None:
    # Without parameters, so that the '%' of RAISE formats reaches PostgreSQL.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _run(schema_editor, FUNCTIONS)
    for table in HISTORY_TABLES:
        _run(
            schema_editor,
            f"CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION history_append_only()",
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in HISTORY_TABLES:
        _run(schema_editor, f"DROP TRIGGER IF EXISTS history_append_only ON {table}")
    _run(schema_editor, DROP_FUNCTIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("actieprogramma", "0001_roles"),
        ("pijlers", "0001_initial"),
        ("acties", "0001_initial"),
        ("evaluatie", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
