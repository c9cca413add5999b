"""Images and documents of the library, one Wagtail collection per hosted site (issue #3).

See docs/media.md: how tenancy works (per-site groups holding Wagtail collection permissions),
the upload rules and the settings.
"""
