"""Content: the estate's resource library, site columns, editorial workflow, reposting (issue #3)."""
