"""Accounts from the shell."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..auth.models import ROLES
from ..auth.services import AccountError, create_user, find_user, normalise_username, unlock
from ..extensions import db
from .database import needs_database

# The shell speaks English: these are for the admin at the console.
_ACCOUNT_PROBLEMS = {
    "bad-username": "a username is 2 to 64 letters, digits, dots, hyphens or underscores",
    "password-too-short": "the password must have at least 8 characters",
    "password-too-common": "this password is one of the most common ones; please choose another",
}


@click.group("users")
def users_group():
    """Manage accounts from the shell."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option("--name", "display_name", default="", help="Display name (any script); default: the username.")
@click.option("--language", default="en", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of a prompt.")
@with_appcontext
@needs_database
def users_create_command(username, role, display_name, language, password_stdin):
    """Create an account; the password is asked for (or read from stdin)."""
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(username, password, display_name, role=role, language=language)
    except AccountError as exc:
        if exc.code == "username-taken":
            raise click.ClickException(f"the username {username!r} is taken") from None
        raise click.ClickException(_ACCOUNT_PROBLEMS.get(exc.code, exc.code)) from None
    db.session.commit()
    click.echo(f"created {user.role} {user.username}")


@users_group.command("unlock")
@click.argument("username")
@with_appcontext
def users_unlock_command(username):
    """Lift the sign-in lock after too many wrong passwords."""
    if find_user(username) is None:
        raise click.ClickException(f"there is no account {username!r}")
    lifted = unlock(username)
    db.session.commit()
    click.echo(f"unlocked {normalise_username(username)}" if lifted else f"{normalise_username(username)} was not locked")
