"""The ``academy`` subcommands, one module per domain. They call the same
service functions as the web views, and each one that writes commits once.
``academy preview`` (preview.py) is not among them: cli.py adds it to the
``academy`` program, because it must run without the configured app."""

from .backups import backup_command, restore_command
from .certificates import certificates_group
from .content import check_command, stamp_command
from .courses import courses_group
from .server import serve_command
from .sync import sync_group
from .translations import translations_group
from .users import users_group

COMMANDS = (check_command, stamp_command, courses_group, serve_command, backup_command, restore_command, users_group,
            translations_group, certificates_group, sync_group)
