"""Keeping the interface catalogs (translations/) whole."""

from __future__ import annotations

import sys

import click

from .. import catalogs


@click.group("translations")
def translations_group():
    """Keep the interface catalogs (translations/) whole."""


@translations_group.command("update")
def translations_update_command():
    """Extract every interface string and add new ones to each language."""
    template = catalogs.extract()
    click.echo(f"{catalogs.write_template(template)}: {len(template)} strings")
    catalogs.update(template)


@translations_group.command("compile")
def translations_compile_command():
    """Compile the .po catalogs into the .mo files the server reads."""
    catalogs.compile_all()


@translations_group.command("check")
def translations_check_command():
    """List every string without a translation; exit 1 if there is any."""
    found = catalogs.problems()
    for line in found:
        click.echo(line)
    if found:
        sys.exit(1)
