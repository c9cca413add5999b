# Blind indexes get plain indexes (no LIKE-pattern twin on PostgreSQL). The indexes that
# ``db_index=True`` created until now are dropped by name (names are deterministic); installs
# migrated after the field's default changed never had them, hence IF EXISTS.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0001_initial'),
        ('registry', '0001_initial'),
    ]

    operations = [
        migrations.RunSQL(
            [f"DROP INDEX IF EXISTS {name}" for name in (
                "privacy_personalrecord_phone_index_52af62e9", "privacy_personalrecord_phone_index_52af62e9_like",
                "privacy_personalrecord_id_number_index_f7a34530",
                "privacy_personalrecord_id_number_index_f7a34530_like",
                "privacy_personalrecord_email_index_39ae409b", "privacy_personalrecord_email_index_39ae409b_like",
            )],
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='personalrecord',
            index=models.Index(fields=['phone_index'], name='privacy_pers_phone_index'),
        ),
        migrations.AddIndex(
            model_name='personalrecord',
            index=models.Index(fields=['id_number_index'], name='privacy_pers_id_number_index'),
        ),
        migrations.AddIndex(
            model_name='personalrecord',
            index=models.Index(fields=['email_index'], name='privacy_pers_email_index'),
        ),
    ]
