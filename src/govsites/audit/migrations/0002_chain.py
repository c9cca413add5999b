"""SEC-03: hash chain fields, the chain head, prune permits; seal existing rows in id order;
then the append-only triggers (SQLite and PostgreSQL)."""

from django.db import migrations, models


def seal_existing(apps, schema_editor):
    """Number and sign the entries written before the chain existed, oldest (lowest id) first."""
    from govsites.audit import chain

    Entry = apps.get_model("audit", "AuditLogEntry")
    Head = apps.get_model("audit", "AuditChainHead")
    db = schema_editor.connection.alias
    key_id, secret = chain.current_key()
    seq, prev, last_id = 0, "", 0
    while True:
        batch = list(Entry.objects.using(db).filter(pk__gt=last_id).order_by("pk")[:2000])
        if not batch:
            break
        for entry in batch:
            seq += 1
            entry.seq, entry.prev_hash, entry.key_id = seq, prev, key_id
            entry.data = chain.normalise_json(entry.data or {})
            entry.changes = chain.normalise_json(entry.changes or {})
            entry.ip_address = chain.normalise_ip(entry.ip_address)
            entry.entry_hash = chain.compute_hash({n: getattr(entry, n) for n in chain.HASHED_FIELDS}, secret)
            prev = entry.entry_hash
        Entry.objects.using(db).bulk_update(
            batch, ["seq", "prev_hash", "key_id", "entry_hash", "data", "changes", "ip_address"], batch_size=500
        )
        last_id = batch[-1].pk
    Head.objects.using(db).update_or_create(pk=1, defaults={"seq": seq, "entry_hash": prev})


def install_triggers(apps, schema_editor):
    from govsites.audit import triggers

    triggers.install(schema_editor.connection)


def uninstall_triggers(apps, schema_editor):
    from govsites.audit import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("entry_hash", models.CharField(blank=True, max_length=64)),
            ],
            options={"verbose_name": "审计链头"},
        ),
        migrations.CreateModel(
            name="PrunePermit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("up_to_seq", models.BigIntegerField()),
            ],
            options={"verbose_name": "审计日志清理许可"},
        ),
        migrations.AlterField(
            model_name="auditlogentry",
            name="content_type",
            field=models.ForeignKey(
                blank=True, db_constraint=False, null=True,
                on_delete=models.deletion.DO_NOTHING, related_name="+",
                to="contenttypes.contenttype", verbose_name="对象类型",
            ),
        ),
        migrations.AddField(
            model_name="auditlogentry", name="seq",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="auditlogentry", name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64, verbose_name="前一条哈希"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditlogentry", name="entry_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64, verbose_name="本条哈希"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditlogentry", name="key_id",
            field=models.CharField(blank=True, default="", editable=False, max_length=32, verbose_name="密钥编号"),
            preserve_default=False,
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditlogentry", name="seq",
            field=models.BigIntegerField(editable=False, unique=True, verbose_name="序号"),
        ),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
