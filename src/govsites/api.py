"""The JSON API (django-ninja) at ``/api/v1/``: one NinjaAPI, one router per domain app."""

from ninja import NinjaAPI

from govsites.registry.api import router as registry_router

api = NinjaAPI(
    title="govsites API",
    version="1",
    description="政府网站集约化平台接口。所有操作与管理界面执行相同的规则和权限。",
    urls_namespace="api-v1",
)
api.add_router("/registry/", registry_router)
