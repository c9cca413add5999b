from django.db import migrations

GROUP = "平台用户"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=GROUP)
    admin_ct, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    permission, _ = Permission.objects.get_or_create(
        content_type=admin_ct, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
