"""The run's history keeps counts and the first problems; the whole report goes to its file."""

from django.db import migrations, models

PROBLEMS_KEPT = 100


def keep_first_problems(apps, schema_editor):
    Import = apps.get_model("wordpress", "Import")
    for run in Import.objects.iterator():
        problems = [
            entry
            for entry in run.problems
            if entry.get("outcome") not in {"imported", "updated", "unchanged"} or entry.get("reason")
        ]
        run.problem_count = len(problems)
        run.problems = problems[:PROBLEMS_KEPT]
        run.save(update_fields=["problems", "problem_count"])


class Migration(migrations.Migration):
    dependencies = [
        ("wordpress", "0002_page_identity"),
    ]

    operations = [
        migrations.RenameField(model_name="import", old_name="report", new_name="problems"),
        migrations.AlterField(
            model_name="import",
            name="problems",
            field=models.JSONField(blank=True, default=list, verbose_name="first problems"),
        ),
        migrations.AddField(
            model_name="import",
            name="problem_count",
            field=models.PositiveIntegerField(default=0, verbose_name="problems"),
        ),
        migrations.AddField(
            model_name="import",
            name="report_file",
            field=models.CharField(blank=True, max_length=500, verbose_name="report file"),
        ),
        migrations.RunPython(keep_first_problems, migrations.RunPython.noop),
    ]
