"""Policy ⇄ interpretation links across unpublishing (CON-07).

Links are never deleted or marked broken when either side is unpublished: pages render only the
live counterparts (:func:`prepublish.interpretations_of` / :func:`prepublish.policies_of`), so a
link heals by itself when the item is published again. What cannot heal by itself is a live
major policy left without any live interpretation: the supervisor is told through the audit trail.
"""

from django.dispatch import receiver
from wagtail import hooks
from wagtail.signals import unpublished

from govsites.audit.context import Actor
from govsites.audit.log import record

from .models import Item
from .prepublish import interpretations_of, policies_of

INTERPRETATION_MISSING = "content.item.interpretation_missing"
INTERPRETATION_MISSING_LABEL = "重大政策缺少已发布的解读"


@hooks.register("register_log_actions")
def register_log_actions(actions):
    # The audit model validates actions against Wagtail's registry.
    actions.register_action(INTERPRETATION_MISSING, INTERPRETATION_MISSING_LABEL, INTERPRETATION_MISSING_LABEL)


@receiver(unpublished, sender=Item)
def interpretation_unpublished(sender, instance, **kwargs):
    """Warn about each live major policy that just lost its last live interpretation."""
    for policy in policies_of(instance).filter(is_major_policy=True):
        if interpretations_of(policy).exclude(pk=instance.pk).exists():
            continue
        record(
            Actor.system(),
            policy,
            INTERPRETATION_MISSING,
            reason=f"【CON-07】政策解读《{instance.title}》已撤下，重大政策文件《{policy.title}》已无已发布的解读，请及时补充。",
            data={"interpretation": instance.pk},
            site_id=policy.owning_site_id,
        )
