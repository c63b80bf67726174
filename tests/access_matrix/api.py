"""Who may open the /api/v1 package's own route (blueprint `api`): the OpenAPI document loads
before anyone logs in. ROUTES as in the other modules of this package."""

ROUTES = {
    "api.openapi_document": "public",
}
PARAMS: dict = {}
POST_ROUTES: dict = {}
