"""The /claims/ pages: the readers' list and claim pages, and their downloads."""

from claims.interchange.urls import export_patterns
from claims.reader.urls import claim_patterns

app_name = "claims"

urlpatterns = [*export_patterns, *claim_patterns]
