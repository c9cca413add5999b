"""Settings shared by every deployment shape.

Engine-specific choices (database, storage, task backend, secrets) live in ``embedded`` (one
machine, no external services) and ``production`` (configured only from the environment).
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent

INSTALLED_APPS = [
    "govsites.accounts",
    "govsites.audit",
    "govsites.privacy",  # SEC-08: encrypted personal data (docs/privacy.md)
    "govsites.policy",
    "govsites.registry",
    "govsites.content",
    "govsites.media",
    "govsites.publishing",
    "govsites.security",
    "govsites.workdays",  # the official working-day calendar (docs/workdays.md)
    "govsites.interaction",
    "govsites.monitoring",  # supervision: crawler, checks, findings, scoring (docs/monitoring/)
    "govsites.reports",  # supervision reports: monthly, quarterly, annual (docs/reports.md)
    "govsites.public",  # the public service (SEC-01; its own settings: govsites.settings.public)
    "govsites.demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "ninja",  # serves the API docs' Swagger UI from our static files, not a CDN (CSP: script-src 'self')
    "django_tasks",
    "django_tasks_db",
    # SEC-02: lockout after repeated login failures, TOTP second factor with recovery codes
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # Django's widget templates for FORM_RENDERER below
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CSP and Permissions-Policy (govsites.security.headers; docs/security.md "Headers, uploads and CI checks")
    "govsites.security.headers.AdminCSPMiddleware",
    "govsites.security.headers.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # SEC-03: request origin for audit entries; audits admin/API changes nothing else audited
    "govsites.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # SEC-02 (govsites.accounts.middleware; docs/security.md#authentication)
    "govsites.accounts.middleware.AdminNetworkMiddleware",
    "govsites.accounts.middleware.IdleSessionMiddleware",
    "govsites.accounts.middleware.SecondFactorMiddleware",
    "govsites.accounts.middleware.PasswordExpiryMiddleware",
    # django-axes: must stay the last middleware
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govsites.urls"
# Widgets render through TEMPLATES, so templates/wagtailadmin/widgets can replace Wagtail's inline
# <script> set-up (refused by the CSP) with data that static/govsites/csp-init.js runs.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "govsites.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # length, classes and history come from the policy profile's [security] section
    {"NAME": "govsites.accounts.passwords.ProfileMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "govsites.accounts.passwords.CharacterClassValidator"},
    {"NAME": "govsites.accounts.passwords.KnownWeakPasswordValidator"},
    {"NAME": "govsites.accounts.passwords.PasswordHistoryValidator"},
]
# django-axes first: it refuses locked-out accounts and addresses before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Chinese for everyone, whatever the browser asks for (no LocaleMiddleware); an admin user may
# still pick English in their Wagtail profile.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_I18N_ENABLED = False
# CON-09: an edit after any review step sends the item through every step again.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

WAGTAIL_SITE_NAME = "政府网站集约化平台"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Images and documents of the library, one collection per site (govsites.media, docs/media.md).
WAGTAILIMAGES_IMAGE_MODEL = "media.SiteImage"
WAGTAILDOCS_DOCUMENT_MODEL = "media.SiteDocument"
WAGTAILIMAGES_IMAGE_FORM_BASE = "govsites.media.forms.SiteImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "govsites.media.forms.SiteDocumentForm"
# No SVG (it can carry scripts) and no AVIF/HEIC (not every visitor's browser shows them).
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 64_000_000
# Each extension's content is checked too (govsites.media.validators.DOCUMENT_FORMATS).
WAGTAILDOCS_EXTENSIONS = ["pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "txt", "csv", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
# Every download goes through Wagtail's serve view, where internal documents are checked.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

LOGIN_URL = "wagtailadmin_login"

# Authentication (SEC-02; docs/security.md#authentication). Limits come from the profile.
# Lockout per account and per address: either one over the limit locks.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "govsites.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "govsites.accounts.lockout.cool_off"
AXES_LOCKOUT_CALLABLE = "govsites.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "govsites.accounts.lockout.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# TOTP second factor for every account that may use the admin (False only in test settings).
GOVSITES_REQUIRE_MFA = True
OTP_TOTP_ISSUER = "政府网站集约化平台"
# CIDR ranges allowed to reach /admin/ and /api/; empty = no restriction.
GOVSITES_ADMIN_ALLOWED_NETWORKS: list[str] = []
# Refuse to start with default/weak passwords or admins without a second factor (production: True).
GOVSITES_ENFORCE_ACCOUNT_CHECKS = False

# Uploads of registry spreadsheets are read in memory; keep them bounded (REG bulk onboarding).
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Strict"

# Content-Security-Policy of everything Django answers (django-csp 4; docs/security.md "Headers, uploads and CI checks"):
# no inline or foreign scripts; Wagtail's few inline init scripts are replaced by data attributes.
# The admin does not call out to releases.wagtail.org (CSP connect-src 'self'; no outside calls).
WAGTAIL_ENABLE_UPDATE_CHECK = False
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# Which policy profile this deployment follows (national, shanxi, chongqing); see govsites.policy.
GOVSITES_POLICY_PROFILE = "national"
# Where the national reporting system adapter sends reports (see govsites.registry.reporting).
GOVSITES_NATIONAL_REPORTER = "govsites.registry.reporting.LocalNationalReporter"
# The built-in front server (`govsites front_serve`) the publishing admin links each site to; "" = none.
GOVSITES_FRONT_PREVIEW_URL = ""
# The public service (govsites.public) the static sites' interaction forms post to, and its
# origin, which the fronts' CSP allows as a form target (docs/interaction.md).
GOVSITES_PUBLIC_URL = "http://127.0.0.1:8002"


def url_origin(url: str) -> str:
    """``https://hd.example.gov.cn/gz/`` → ``https://hd.example.gov.cn`` ('' for no URL)."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# SEC-08: personal data (keys are set by embedded/production; docs/privacy.md). Error reports
# hide personal-data POST fields and the key settings; log handlers mask phone/ID/e-mail.
GOVSITES_PII_KEYS = ""
GOVSITES_PII_INDEX_KEY = ""
DEFAULT_EXCEPTION_REPORTER_FILTER = "govsites.privacy.reporting.PersonalDataExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "govsites.privacy.logging.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_personal_data"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
