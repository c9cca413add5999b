"""``calendar_year_loaded(sender=CalendarYear, year=int, replaced=bool, actor=Actor)``: sent after
the commit that loaded (or re-loaded) a year. The arithmetic's cache listens; an app that stores
computed deadlines may listen too, to recompute those that fall in that year."""

from django.dispatch import Signal

calendar_year_loaded = Signal()
