"""The registry's admin views inside the Wagtail admin (all in Chinese); URLs in :mod:`.urls`."""
