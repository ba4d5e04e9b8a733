"""The ``academy`` command. The same commands are on ``flask --app academy``;
each one is defined in ``academy/commands/``. ``academy preview`` is the
one exception: it builds an app of its own and must not load the configured
one (commands/preview.py)."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from . import __version__
from .app import create_app
from .commands.preview import preview_command


def _print_version(ctx, param, value):
    if value and not ctx.resilient_parsing:
        click.echo(f"academy {__version__}")
        ctx.exit()


main = FlaskGroup(
    name="academy",
    create_app=lambda: create_app(),
    add_version_option=False,
    set_debug_flag=False,
    params=[click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True,
                         callback=_print_version, help="Show the version and exit.")],
    help="Academy: training for people who work in global supply chains.",
)

main.add_command(preview_command)
