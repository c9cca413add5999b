"""Two approvers deciding the same step at the same moment: exactly one decision takes effect."""

import threading

import pytest
from django.db import close_old_connections

from govsites.accounts.models import Role
from govsites.registry.actions import ApplyToOpenSite, DecideStep
from govsites.registry.errors import ConflictError
from govsites.registry.models import ApprovalStep, StepStatus
from tests.conftest import actor
from tests.factories import user


@pytest.mark.django_db(transaction=True)
@pytest.mark.rule("REG-08")
def test_simultaneous_decisions_on_one_step(estate):
    second_head = user("water_deputy", (Role.INSTITUTION_HEAD, estate.water))
    data = {"name": "青岚市水利局网站", "domain": "slj.qinglan.gov.cn", "sponsor_name": "青岚市水利局",
            "responsible_person": "赵敏"}
    application = ApplyToOpenSite(actor(estate.water_manager), estate.water, site_data=data, reason="开设").execute()
    step = application.steps.get(position=0)
    barrier = threading.Barrier(2)
    outcomes = {}

    def decide(name, who, approve):
        try:
            barrier.wait(timeout=10)
            DecideStep(actor(who), ApprovalStep.objects.get(pk=step.pk), approve=approve, comment=name).execute()
            outcomes[name] = "won"
        except ConflictError as exc:
            outcomes[name] = exc.message
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=decide, args=("approve", estate.water_head, True)),
        threading.Thread(target=decide, args=("reject", second_head, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(v == "won" for v in outcomes.values()) == [False, True]
    loser = next(v for v in outcomes.values() if v != "won")
    assert "已被处理" in loser and "未生效" in loser
    step.refresh_from_db()
    winner = next(k for k, v in outcomes.items() if v == "won")
    assert step.status == (StepStatus.APPROVED if winner == "approve" else StepStatus.REJECTED)
    assert step.comment == winner
    # exactly one audit entry for the decision
    from govsites.audit.models import AuditLogEntry

    assert AuditLogEntry.objects.filter(action__in=["registry.step.approve", "registry.step.reject"]).count() == 1
