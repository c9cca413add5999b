"""The interaction platform (INT-01…06): messages with working-day deadlines, error reports,
surveys, interviews and the knowledge base. The public service (``govsites.public``) writes
submissions; the back office (admin views here) handles them through the actions in
``interaction.actions``; replies and results reach the static sites through the publisher's
output providers (``interaction.outputs``). See docs/interaction.md.
"""
