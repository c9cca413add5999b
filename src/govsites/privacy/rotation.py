"""Re-encrypt every encrypted field of every model with the current key (``pii_rotate_keys``).

Batches of rows in primary-key order, one transaction per batch with the rows locked: a crash or
Ctrl-C loses at most the batch in progress, and running again skips every value already sealed
with the current key (idempotent, resumable). Blind indexes are recomputed on the way, so a new
``GOVSITES_PII_INDEX_KEY`` is rolled out by the same command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from . import crypto, masking
from .fields import encrypted_fields, index_fields


@dataclass
class ModelReport:
    label: str
    rows: int = 0
    reencrypted: int = 0  # rows with at least one value re-sealed
    reindexed: int = 0  # rows whose blind index changed
    current: int = 0  # rows already up to date
    values: int = 0  # values re-sealed


def encrypted_models() -> list[type[models.Model]]:
    return [
        model for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed and encrypted_fields(model)
    ]


def rotate_model(model, *, batch_size: int = 500, dry_run: bool = False,
                 progress: Callable[[ModelReport], None] | None = None) -> ModelReport:
    fields = encrypted_fields(model)
    indexes = index_fields(model)
    report = ModelReport(model._meta.label)
    current = crypto.keyring().current
    raw = {f"_raw_{f.attname}": Cast(f.attname, models.TextField()) for f in fields}
    index_names = [indexes[f.name].attname for f in fields if f.name in indexes]
    manager = model._base_manager
    last = None
    while True:
        with transaction.atomic():
            batch = manager.order_by("pk")
            if last is not None:
                batch = batch.filter(pk__gt=last)
            rows = list(
                batch.select_for_update().annotate(**raw).values_list("pk", *raw, *index_names)[:batch_size]
            )
            for row in rows:
                pk, tokens = row[0], row[1 : 1 + len(fields)]
                stored = dict(zip(index_names, row[1 + len(fields) :], strict=True))
                report.rows += 1
                update: dict[str, str] = {}
                resealed = reindexed = False
                for field, token in zip(fields, tokens, strict=True):
                    plain = None
                    if token and crypto.key_id_of(token) != current:
                        plain = crypto.decrypt(field.kind, token)
                        update[field.attname] = plain
                        report.values += 1
                        resealed = True
                    index = indexes.get(field.name)
                    if index is not None:
                        if plain is None:
                            plain = crypto.decrypt(field.kind, token) if token else ""
                        digest = crypto.blind_index(field.kind, masking.normalise(field.kind, plain))
                        if digest != (stored.get(index.attname) or ""):
                            update[index.attname] = digest
                            reindexed = True
                if update:
                    report.reencrypted += resealed
                    report.reindexed += reindexed
                    if not dry_run:
                        manager.filter(pk=pk).update(**update)
                else:
                    report.current += 1
        if not rows:
            break
        last = rows[-1][0]
        if progress:
            progress(report)
    return report


def rotate_all(**kwargs) -> list[ModelReport]:
    return [rotate_model(model, **kwargs) for model in encrypted_models()]
