"""Publishing: renders each hosted site to static files and pushes them to the front targets.

Pipeline (docs/publishing.md): content changes queue :class:`~.models.PublishRequest` rows →
:mod:`.planning` works out exactly which outputs a change affects → :mod:`.render` turns loaded
content (:mod:`.loading`) into bytes through the Jinja2 templates → :mod:`.pipeline` compares them
with the site's manifest, stores new objects (:mod:`.store`), applies the delta atomically to every
front target (:mod:`.targets`) and records the release. :mod:`.integrity` watches the targets.
"""
