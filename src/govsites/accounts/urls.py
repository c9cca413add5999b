"""Admin URLs of authentication, added under /admin/ by the ``register_admin_urls`` hook."""

from django.urls import include, path

from . import views

mfa_urls = [
    path("verify/", views.VerifyView.as_view(), name="verify"),
    path("setup/", views.SetupView.as_view(), name="setup"),
    path("recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery_codes"),
]

account_security_urls = [
    path("lockouts/", views.LockoutsView.as_view(), name="lockouts"),
    path("second-factors/", views.SecondFactorsView.as_view(), name="second_factors"),
]

urlpatterns = [
    path("mfa/", include((mfa_urls, "govsites_mfa"))),
    path("account-security/", include((account_security_urls, "govsites_accounts"))),
]
