"""Error pages in the reader's language, and headers that keep pages local."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError

from .extensions import db

# What the 500 page falls back to when even the template cannot be shown
# (the database is gone, a template is broken): plain, in the four languages.
PLAIN_SERVER_ERROR = (
    "Something went wrong on the server. Your earlier answers are saved; please try again in a minute.\n"
    "Máy chủ gặp sự cố. Các câu trả lời trước của bạn vẫn được lưu; vui lòng thử lại sau một phút.\n"
    "服务器出错了。你之前的答案已保存；请一分钟后再试。\n"
    "حدث خطأ في الخادم. إجاباتك السابقة محفوظة؛ يُرجى المحاولة مرة أخرى بعد دقيقة.\n"
)

# Everything a page loads comes from this server; nothing else is allowed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def init_app(app) -> None:
    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(405)
    def method_not_allowed(error):
        return render_template("errors/404.html"), 405

    @app.errorhandler(413)
    def too_large(error):
        return render_template("errors/400.html", reason="too-large"), 413

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/400.html", reason="expired-form"), 400

    @app.errorhandler(500)
    def server_error(error):
        # The failed request may have left the session mid-transaction: roll
        # it back first, or showing the page (which loads the user) fails too.
        try:
            db.session.rollback()
        except Exception:  # the connection itself is gone
            current_app.logger.exception("rolling back after an error failed")
        try:
            return render_template("errors/500.html"), 500
        except Exception:
            current_app.logger.exception("the error page could not be shown")
            return PLAIN_SERVER_ERROR, 500, {"Content-Type": "text/plain; charset=utf-8"}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint and request.endpoint != "static" and "Cache-Control" not in response.headers:
            signed = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
            response.headers["Cache-Control"] = "no-store" if signed else "private, max-age=0"
        return response
