"""Supervision (监管): crawl every site of the registry, check it against the national inspection
indicators, file findings and follow them to closure, score sites and write the reports.

The pipeline runs one way: ``crawler`` (fetch pages, politely) → ``checks`` (one module per
family, pure functions over what was fetched, yielding :class:`~govsites.monitoring.types.Observation`)
→ findings (stored, assigned, re-checked) → scoring and reports. ``types`` holds the values that pass
between the stages; ``checks.catalogue`` names every check type once.
"""
