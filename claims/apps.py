from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "claims"

    def ready(self):
        # sources cannot import claims; its writes announce themselves instead, and
        # the deriving module stamps the claims whose pages show the change.
        from claims.pipeline import derive
        from sources import services as source_services

        source_services.changed.connect(
            derive.on_sources_changed, dispatch_uid="claims-derive-sources"
        )
        source_services.checking.connect(
            derive.on_document_checking, dispatch_uid="claims-check-documents"
        )
