from govsites.accounts.models import Role, RoleAssignment
from govsites.registry.actions import CompleteChecklistItem, DecideStep, LaunchSite
from govsites.registry.models import Application, StepKind, StepStatus
from tests.conftest import actor


def approver_for(step):
    role = Role.INSTITUTION_HEAD if step.kind == StepKind.INSTITUTION_HEAD else Role.SUPERVISOR
    assignment = RoleAssignment.objects.filter(role=role, institution=step.institution).select_related("user").first()
    assert assignment is not None, f"no approver for {step}"
    return assignment.user


def approve_all(application: Application) -> Application:
    while True:
        step = application.steps.filter(status=StepStatus.PENDING).first()
        if step is None:
            application.refresh_from_db()
            return application
        DecideStep(actor(approver_for(step)), step, approve=True, comment="同意").execute()


SITE_IDENTIFIERS = {
    "site_mark": "DZ-2026-0001",
    "domain_registered": "已注册",
    "icp_filing": "澜ICP备12345678号",
    "public_security_filing": "澜公网安备 99010002000123号",
    "security_test": "检测报告 2026-01",
    "cyberspace_report": "已报备",
}


def complete_launch(site, user):
    from govsites.registry.models import Checklist

    for item in site.checklist_items.filter(checklist=Checklist.LAUNCH):
        reference = SITE_IDENTIFIERS.get(item.key, "")
        if item.key == "site_code":
            reference = f"{site.institution.government.division_code}0099"
        CompleteChecklistItem(actor(user), site, checklist="launch", key=item.key, reference=reference).execute()
    return LaunchSite(actor(user), site).execute()
