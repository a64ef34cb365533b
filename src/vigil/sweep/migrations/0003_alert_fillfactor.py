"""PostgreSQL: room on each page of the alert table for a sweep's updates.

Every sweep moves ``last_seen_as_of`` on every open alert (20,000 at national scale). On full pages each update
writes a new row version into all eight of the table's indexes; with a fifth of each page kept free PostgreSQL
updates in place on the page (a heap-only update: no index touched, as ``last_seen_as_of`` is in none), and the
reconciliation of a national sweep takes about half the time (docs/benchmarks.md). SQLite updates in place anyway.
"""
from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE sweep_alert SET (fillfactor = 70)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE sweep_alert RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("sweep", "0002_alert_closed_reason")]
    operations = [migrations.RunPython(forwards, backwards)]
