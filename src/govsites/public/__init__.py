"""The public service (SEC-01): the one dynamic thing citizens talk to.

Deployed apart from the admin (``govsites.settings.public``, ``govsites.public.wsgi``) with its
own URLs and a database role that may only read channels and write submissions. Static site
pages post their forms here; docs/public-service.md describes deployment and design.
"""
