"""Counterfeit (look-alike) government sites, SEC-07.

``permutations`` invents the domains an impostor would register (typos in the manner of dnstwist,
government-flavoured suffixes, pinyin of the site's name); ``dns`` finds which of them exist;
``similarity`` compares what they serve with the real home page and spots pages that claim a
government identity; ``scan`` runs the whole thing and returns :class:`~.scan.Suspect` records
that the supervisor turns into cases (``security.actions.RecordCounterfeitCase``).
"""
