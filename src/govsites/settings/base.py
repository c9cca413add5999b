"""Settings shared by every deployment shape.

Engine-specific choices (database, storage, task backend, secrets) live in ``embedded`` (one
machine, no external services) and ``production`` (configured only from the environment).
"""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent

INSTALLED_APPS = [
    "govsites.accounts",
    "govsites.audit",
    "govsites.policy",
    "govsites.registry",
    "govsites.content",
    "govsites.media",
    "govsites.publishing",
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
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "govsites.urls"
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "govsites.accounts.passwords.CharacterClassValidator"},
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

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# Which policy profile this deployment follows (national, shanxi, chongqing); see govsites.policy.
GOVSITES_POLICY_PROFILE = "national"
# Where the national reporting system adapter sends reports (see govsites.registry.reporting).
GOVSITES_NATIONAL_REPORTER = "govsites.registry.reporting.LocalNationalReporter"
# The built-in front server (`govsites front_serve`) the publishing admin links each site to; "" = none.
GOVSITES_FRONT_PREVIEW_URL = ""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
