import sqlite3

from academy.auth import services as accounts


def test_the_version_is_printed(app):
    from click.testing import CliRunner

    from academy.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("academy ")


def test_a_backup_is_a_complete_copy_of_the_database(app, make_user, tmp_path):
    make_user("kept", display_name="Đặng Văn Kiên")
    target = tmp_path / "backup.sqlite3"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("select display_name from users where username = 'kept'").fetchone() == ("Đặng Văn Kiên",)


def test_a_backup_never_overwrites_a_file(app, tmp_path):
    target = tmp_path / "existing.sqlite3"
    target.write_text("precious")
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and target.read_text() == "precious"


def test_the_setup_token_is_offered_only_while_there_is_no_admin(app, make_user):
    assert accounts.issue_setup_token() is not None
    make_user("chief", role="admin")
    assert accounts.issue_setup_token() is None


def test_the_interfaces_are_read_and_loopback_is_left_out_of_the_lan_addresses():
    import sys

    from academy.commands.server import _interface_addresses, lan_addresses

    if sys.platform.startswith("linux"):
        assert "127.0.0.1" in _interface_addresses()
    assert all(not address.startswith("127.") for address in lan_addresses())
