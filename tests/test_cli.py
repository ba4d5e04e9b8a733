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


def serve_and_record(app, monkeypatch, *args, lan=("192.168.1.20",)):
    """Run `academy serve ARGS` up to the point where waitress would start;
    returns (the command's output, the SERVE_URL the app had then)."""
    import waitress

    from academy.commands import server

    seen = {}
    monkeypatch.setattr(server, "lan_addresses", lambda: list(lan))
    monkeypatch.setattr(waitress, "serve", lambda served, **options: seen.update(url=served.config.get("SERVE_URL")))
    result = app.test_cli_runner().invoke(args=["serve", *args])
    assert result.exit_code == 0, result.output
    return result.output, seen["url"]


def test_serve_on_all_interfaces_keeps_the_lan_address_it_prints_for_certificates(app, monkeypatch):
    output, url = serve_and_record(app, monkeypatch)
    assert url == "http://192.168.1.20:8080/" and "  http://192.168.1.20:8080/" in output


def test_serve_on_one_address_keeps_that_address_for_certificates(app, monkeypatch):
    _output, url = serve_and_record(app, monkeypatch, "--host", "10.0.0.5", "--port", "8000")
    assert url == "http://10.0.0.5:8000/"


def test_serve_without_a_lan_address_keeps_localhost(app, monkeypatch):
    _output, url = serve_and_record(app, monkeypatch, lan=())
    assert url == "http://localhost:8080/"


def test_serve_says_which_address_certificates_print(app, monkeypatch):
    app.config["PUBLIC_URL"] = "https://academy.example.org/"
    output, _url = serve_and_record(app, monkeypatch)
    assert "Certificates and join sheets point at https://academy.example.org/" in output


def test_a_backup_is_readable_by_the_owner_only(app, tmp_path):
    import os
    import stat

    previous = os.umask(0o022)
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup.sqlite3")])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(tmp_path / "backup.sqlite3").st_mode) == 0o600
