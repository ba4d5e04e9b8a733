"""Academy: an offline-first training platform for global supply chains."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

try:
    __version__ = version("academy")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+checkout"


def create_app(config: dict | None = None) -> "Flask":
    # Flask is imported here, not above, so that the content pipeline
    # (academy.content) can be used by an author's CI without loading it.
    from flask import Flask

    from . import cli, db_setup, errors, i18n, library
    from .config import load_config
    from .extensions import babel, csrf, login_manager
    from .paths import resource

    app = Flask(__name__, static_folder=str(resource("static")), static_url_path="/static")
    load_config(app, config)

    db_setup.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    library.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    from .auth import bp as auth_bp
    from .catalog import bp as catalog_bp
    from .learn import bp as learn_bp
    from .admin import bp as admin_bp
    from .certificates import bp as certificates_bp
    from .cohorts import bp as cohorts_bp

    app.register_blueprint(catalog_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(certificates_bp)
    return app
