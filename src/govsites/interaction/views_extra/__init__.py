"""Admin pages of the interaction columns: channels, surveys, interviews and the knowledge base
(under ``/admin/interaction/columns/``, namespace ``interaction_extra``)."""
