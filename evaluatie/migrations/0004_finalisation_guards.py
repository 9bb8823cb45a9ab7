from django.db import migrations, models


def refuse_duplicate_final_evaluations(apps, schema_editor):
    """Name the final evaluations the constraint would refuse, instead of an
    integrity error: which copy is the valid one is for people to decide, and a
    final evaluation is never changed by a migration."""
    Tussenevaluatie = apps.get_model("evaluatie", "Tussenevaluatie")
    duplicates = (
        Tussenevaluatie.objects.filter(status="definitief")
        .values("programma_id", "peildatum")
        .annotate(count=models.Count("id"))
        .filter(count__gt=1)
    )
    if duplicates:
        listed = "; ".join(
            f"programme id {d['programma_id']}, peildatum {d['peildatum']}: "
            f"{d['count']} final evaluations"
            for d in duplicates
        )
        raise RuntimeError(
            "One final evaluation per programme and peildatum cannot be enforced: "
            f"{listed}. Decide with the records manager which one stands, before "
            "migrating."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluatie", "0003_text_limits"),
    ]

    operations = [
        migrations.RunPython(
            refuse_duplicate_final_evaluations, migrations.RunPython.noop
        ),
        migrations.AddConstraint(
            model_name="tussenevaluatie",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "definitief")),
                fields=("programma", "peildatum"),
                name="evaluatie_een_definitieve_per_peildatum",
                violation_error_message=(
                    "Van dit programma is al een definitieve tussenevaluatie met "
                    "deze peildatum."
                ),
            ),
        ),
    ]
