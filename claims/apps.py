from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "claims"

    def ready(self):
        # sources cannot import claims; its writes announce themselves instead, and
        # the deriving module stamps the claims whose pages show the change.
        from claims.pipeline import derive, services
        from sources import services as source_services

        source_services.changed.connect(
            derive.on_sources_changed, dispatch_uid="claims-derive-sources"
        )
        source_services.checking.connect(
            derive.on_document_checking, dispatch_uid="claims-check-documents"
        )
        # A merge of two sources moves the figures that name the duplicate.
        source_services.merge_checking.connect(
            services.on_source_merge_checking, dispatch_uid="claims-check-merges"
        )
        source_services.merging.connect(
            services.on_source_merging, dispatch_uid="claims-move-merged-figures"
        )
