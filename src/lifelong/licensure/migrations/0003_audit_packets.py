# Audit packets: a zip of one license cycle's proof, built by the background worker.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import lifelong.licensure.models


class Migration(migrations.Migration):
    dependencies = [
        ("licensure", "0002_reminders_and_calendar_feeds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditPacket",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("cycle_end", models.DateField(verbose_name="cycle ending on")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting for the worker"),
                            ("building", "Building"),
                            ("ready", "Ready"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("progress_done", models.PositiveIntegerField(default=0)),
                ("progress_total", models.PositiveIntegerField(default=0)),
                ("error", models.TextField(blank=True)),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=255,
                        upload_to=lifelong.licensure.models.audit_packet_upload_to,
                    ),
                ),
                ("size", models.PositiveBigIntegerField(blank=True, null=True)),
                ("task_id", models.CharField(blank=True, max_length=64)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("expires_at", models.DateTimeField()),
                (
                    "license",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="audit_packets",
                        to="licensure.license",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="audit_packets",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        fields=["owner", "license", "cycle_end"], name="audit_packet_cycle"
                    ),
                    models.Index(fields=["expires_at"], name="audit_packet_expiry"),
                ],
            },
        ),
    ]
