"""The interaction back office in the Wagtail admin: the message inbox and page with one form per
step, statistics, and the three-month veto view (docs/interaction.md, "Back office")."""
