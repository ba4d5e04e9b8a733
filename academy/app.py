"""The application factory: configuration, extensions, blueprints, commands."""

from __future__ import annotations

import secrets
from pathlib import Path

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
from .preview.routes import bp as preview_bp
from .programmes.routes import bp as programmes_bp
from .sync.routes import bp as sync_bp

BLUEPRINTS = (catalog_bp, auth_bp, learn_bp, admin_bp, cohorts_bp, certificates_bp, assignments_bp, learning_paths_bp,
              feedback_bp, ops_bp, offline_bp, programmes_bp, sync_bp)


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


#: The preview reads the folder at each request itself (preview/routes.py);
#: in between, the library it read is kept.
PREVIEW_RELOAD_SECONDS = 3600


def create_preview_app(courses_dir: Path, data_dir: Path, token: str, *, only: str | None = None,
                       root: Path | None = None, config: dict | None = None) -> Flask:
    """The app ``academy preview`` serves: Academy with the author's course
    folder (``courses_dir``, or its one course folder ``only``) read as it is
    now, errors and all, the preview's pages and rules (preview/routes.py),
    and a throwaway ``data_dir`` for everything it keeps. Nothing in the
    environment or a data folder's config.py can point it at an admin's
    database, and nothing it does writes to the course folder."""
    data_dir = Path(data_dir)
    app = create_app({
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'academy.sqlite3'}",
        "COURSES_DIR": str(courses_dir),
        "SECRET_KEY": secrets.token_hex(32),  # a new one each run: no cookie outlives the preview
        "SESSION_COOKIE_NAME": "academy-preview",  # cookies do not tell ports apart: leave a local server's alone
        "LOG_TO_FILES": False,
        "SELF_REGISTRATION": False,
        "BACKUP_KEEP": 0,
        "BACKUP_DIR": str(data_dir / "backups"),
        "PREVIEW_TOKEN": token,
        **(config or {}),
    })
    app.extensions["academy.library"] = library.LibraryCache(
        app.config["COURSES_DIR"], app.config["LANGUAGES"], PREVIEW_RELOAD_SECONDS, app.logger,
        newest=True, only=only, root=root,
    )
    app.register_blueprint(preview_bp)
    # Every page of the preview, its refusal pages too: no offline scripts,
    # whose service worker would outlive the preview on the author's laptop.
    app.jinja_env.globals["previewing"] = True
    return app
