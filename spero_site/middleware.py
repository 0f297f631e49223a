from django.db import DatabaseError, connection
from django.http import JsonResponse

HEALTH_CHECK_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answers /healthz first, before host validation and the HTTPS redirect, so that a load
    balancer calling a container by its IP address over plain HTTP learns whether the app can
    reach its database: 200 when it can, 503 when it cannot."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_CHECK_PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            response = JsonResponse({"status": "error", "database": "unreachable"}, status=503)
        else:
            response = JsonResponse({"status": "ok"})
        response["Cache-Control"] = "no-store"
        return response
