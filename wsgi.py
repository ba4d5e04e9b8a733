"""For a WSGI server of the admin's choice: ``waitress-serve --call academy:create_app``
works too; this module is for servers that want a module-level ``app``."""

from academy import create_app

app = create_app()
