"""The versioned JSON API under /api/v1/, documented at /api/v1/openapi.json.

Each app adds its router here; the routers call the same services as the HTML views.
"""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Sozialamt Termine & Kundenzentrum",
    version="1",
    urls_namespace="api-v1",
    docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
    description="Öffnungszeiten, freie Termine, Buchungen und Wartenummern.",
)

api.add_router("/", "booking.api.router")
api.add_router("/", "kundenzentrum.api.router")
api.add_router("/", "stats.api.router")
