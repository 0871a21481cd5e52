"""The JSON API: one NinjaAPI instance mounting each app's router (OpenAPI at /api/openapi.json)."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Lifelong API",
    version="1",
    description="Licenses, CE activities and compliance. Authenticate with a session or a "
    "personal access token (`Authorization: Bearer lfl_…`).",
)
