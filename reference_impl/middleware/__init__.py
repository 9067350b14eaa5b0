"""Pure ASGI middleware (no `BaseHTTPMiddleware`): request context and body limits."""
