"""The application factory: configuration, extensions, blueprints, commands."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db_setup, errors, fragments, i18n, library, models, web  # noqa: F401 - models: every table known to Alembic
from .admin.routes import bp as admin_bp
from .assignments.routes import bp as assignments_bp
from .auth.routes import bp as auth_bp
from .catalog.routes import bp as catalog_bp
from .certificates.routes import bp as certificates_bp
from .cohorts.routes import bp as cohorts_bp
from .commands import COMMANDS
from .config import load_config
from .extensions import babel, csrf, login_manager
from .feedback.routes import bp as feedback_bp
from .learn.routes import bp as learn_bp
from .learning_paths.routes import bp as learning_paths_bp
from .offline.routes import bp as offline_bp
from .ops import logs
from .ops.routes import bp as ops_bp
from .paths import resource

BLUEPRINTS = (catalog_bp, auth_bp, learn_bp, admin_bp, cohorts_bp, certificates_bp, assignments_bp, learning_paths_bp,
              feedback_bp, ops_bp, offline_bp)


def create_app(config: dict | None = None) -> Flask:
    app = Flask("academy", static_folder=str(resource("static")), static_url_path="/static")
    load_config(app, config)
    app.session_interface = web.CookieSessions()
    web.sign_form_tokens_uncompressed()

    db_setup.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    fragments.init_app(app)
    library.init_app(app)
    errors.init_app(app)
    logs.init_app(app)
    for command in COMMANDS:
        app.cli.add_command(command)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    if int(app.config["TRUSTED_PROXIES"]):
        # The client's address is the one the trusted proxies forwarded;
        # without this every client would share the proxy's address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["TRUSTED_PROXIES"]))
    return app
