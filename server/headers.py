"""Security headers on every answer, and no caching of API answers.

The app shell has no inline script, so the policy allows scripts from this origin only. The
API's answers hold health and criminal records (and tokens, from login): no cache may keep them.
HSTS is sent when the request arrived over HTTPS, directly or through a proxy that says so
(`X-Forwarded-Proto`, trusted only when PULIH_PROXY_COUNT says how many proxies stand in front).
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
ALWAYS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def install_security_headers(app: Flask) -> None:
    """Add the headers to every answer of `app`."""

    @app.after_request
    def _secure(response: Response) -> Response:
        for name, value in ALWAYS.items():
            response.headers.setdefault(name, value)
        if request.scheme == "https":  # ProxyFix sets it from trusted proxies
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response
