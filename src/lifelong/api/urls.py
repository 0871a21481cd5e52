"""The JSON API: one NinjaAPI instance mounting each app's router.

OpenAPI at ``/api/openapi.json``, interactive docs at ``/api/docs`` (Swagger UI served from
django-ninja's own static files: nothing from a CDN, no inline script, so it works offline and
under the site's Content-Security-Policy).
"""

from ninja import NinjaAPI, Swagger

from lifelong.accounts.api import router as organizations_router
from lifelong.api.auth import api_auth
from lifelong.credits.api import router as credits_router
from lifelong.growth.api import router as growth_router
from lifelong.licensure.api import router as licensure_router
from lifelong.literature.feed_api import router as research_router
from lifelong.supervision.api import router as supervision_router
from lifelong.supervision.mentorship_api import router as mentorship_router
from lifelong.wellbeing.api import router as wellbeing_router

api = NinjaAPI(
    title="Lifelong API",
    version="1",
    description="Licenses, CE activities, compliance verdicts, rule sets, research and "
    "well-being self-checks. Authenticate with "
    "a personal access token (`Authorization: Bearer lfl_…`, created with `lifelong token "
    "create`) or, from the browser, with your session (unsafe methods then need the CSRF "
    "token in `X-CSRFToken`). See docs/api.md.",
    # Every operation needs a token or a session; with session auth the docs page also hands
    # Swagger UI the CSRF token for "Try it out".
    auth=api_auth,
    docs=Swagger(settings={"validatorUrl": None}),
    urls_namespace="api",
)
api.add_router("/", licensure_router)
api.add_router("/", credits_router)
api.add_router("/", research_router)
api.add_router("/", wellbeing_router)
api.add_router("/", growth_router)
api.add_router("/", organizations_router)
api.add_router("/", supervision_router)
api.add_router("/", mentorship_router)
