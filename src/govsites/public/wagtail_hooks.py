from wagtail import hooks


@hooks.register("register_scheduled_jobs")
def scheduled_jobs():
    import datetime as dt

    from govsites.scheduling import Job

    from .housekeeping import prune

    return [Job("public.prune", dt.timedelta(hours=1), prune, command="public_prune")]
