"""Ovens become their own rows (several ovens, sq ft or rack positions); the one capacity
setting becomes the first oven, so a shop's plan is unchanged by the upgrade."""

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


def settings_capacity_to_first_oven(apps, schema_editor):
    """One oven with the capacity the shop had set (120 sq ft when it never set one)."""
    CompanySettings = apps.get_model("powdercoat", "CompanySettings")
    Oven = apps.get_model("powdercoat", "Oven")
    company = CompanySettings.objects.filter(pk=1).first()
    capacity = company.oven_capacity_sqft if company is not None else Decimal("120")
    Oven.objects.create(name="Oven", capacity=capacity, capacity_unit="sqft")


def first_oven_to_settings_capacity(apps, schema_editor):
    """Back to one setting: the first square-foot oven's capacity, if there is one."""
    CompanySettings = apps.get_model("powdercoat", "CompanySettings")
    Oven = apps.get_model("powdercoat", "Oven")
    oven = Oven.objects.filter(capacity_unit="sqft").order_by("position", "name", "pk").first()
    if oven is not None:
        CompanySettings.objects.filter(pk=1).update(oven_capacity_sqft=oven.capacity)


class Migration(migrations.Migration):
    dependencies = [
        ("powdercoat", "0025_status_link"),
    ]

    operations = [
        migrations.CreateModel(
            name="Oven",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("name", models.CharField(max_length=60, unique=True, verbose_name="name")),
                (
                    "capacity",
                    models.DecimalField(
                        decimal_places=1,
                        default=Decimal("120"),
                        help_text="How much one cure cycle holds, counted in the unit below.",
                        max_digits=7,
                        validators=[django.core.validators.MinValueValidator(Decimal("0.1"))],
                        verbose_name="capacity per cycle",
                    ),
                ),
                (
                    "capacity_unit",
                    models.CharField(
                        choices=[
                            ("sqft", "Square feet of part surface"),
                            ("positions", "Rack positions (one part each)"),
                        ],
                        default="sqft",
                        help_text="Square feet suit a walk-in oven filled by area; rack positions suit an oven loaded on a rack with a fixed number of hooks, one part on each.",
                        max_length=12,
                        verbose_name="counted in",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Switch off while the oven is down: the plan then loads the other ovens.",
                        verbose_name="in use",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="When ovens are equally free the plan fills the lower number first.",
                        verbose_name="order",
                    ),
                ),
            ],
            options={
                "verbose_name": "oven",
                "verbose_name_plural": "ovens",
                "ordering": ("position", "name"),
            },
        ),
        migrations.RunPython(settings_capacity_to_first_oven, first_oven_to_settings_capacity),
        migrations.RemoveConstraint(
            model_name="companysettings",
            name="settings_oven_capacity_positive",
        ),
        migrations.AddConstraint(
            model_name="oven",
            constraint=models.CheckConstraint(
                condition=models.Q(("capacity__gt", 0)), name="oven_capacity_positive"
            ),
        ),
        migrations.RemoveField(
            model_name="companysettings",
            name="oven_capacity_sqft",
        ),
    ]
