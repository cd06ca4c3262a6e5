"""DRF's throttles for the API, with the site's own client and settings
(claims/limits.py): the address the trusted proxy reports, counted in the shared
cache, at the rates of CLAIMTRACKER_LIMIT_RATES read at each request, lifted by
CLAIMTRACKER_LIMITS=0."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from claims.limits import client_address


class SiteRates:
    def get_rate(self):
        return settings.CLAIMTRACKER_LIMIT_RATES[self.scope]

    def get_ident(self, request):
        return client_address(request)

    def allow_request(self, request, view):
        if not settings.CLAIMTRACKER_LIMITS:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AnonThrottle(SiteRates, AnonRateThrottle):
    """Anonymous clients of the API, by address."""


class UserThrottle(SiteRates, UserRateThrottle):
    """Signed-in clients of the API, by account (none today: the API takes no
    credentials)."""
