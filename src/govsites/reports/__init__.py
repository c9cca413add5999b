"""Supervision reports (SUP-01, SUP-02): the monthly census report, the quarterly bulletin and the
annual supervision report, built from what the monitor, the registry, the security records and
the interaction platform stored; rendered as HTML with server-side SVG charts and as XLSX with
native Excel charts; published on the supervising government's portal; due dates per profile
with reminders (docs/reports.md)."""
