"""Pre-publish screening for banned words and commercial advertising (CON-05).

Pure Python, no models: the editorial workflow calls it before submit/publish, the monitoring
of crawled pages reuses it. See README.md in this folder for the data and the rules.
"""

from .dictionaries import DICTIONARY_DIR, Action, DictionaryError
from .engine import Screener, get_screener, screen, screen_html
from .messages import describe, summary
from .results import Finding, ScreeningResult

__all__ = [
    "DICTIONARY_DIR",
    "Action",
    "DictionaryError",
    "Finding",
    "Screener",
    "ScreeningResult",
    "describe",
    "get_screener",
    "screen",
    "screen_html",
    "summary",
]
