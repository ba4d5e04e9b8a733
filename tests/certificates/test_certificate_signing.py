import base64
import json
import os
import stat
import sys
from datetime import date

import pytest

from academy.certificates.signing import (
    FIELDS,
    KEY_FILE_NAME,
    Ed25519PrivateKey,
    PayloadInvalid,
    load_or_create_signing_key,
    public_key_from_text,
    public_key_text,
    sign_payload,
    verify_payload,
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _with_changed_field(payload: str, short_key: str, value) -> str:
    """The payload with one field of its JSON changed and the old signature."""
    prefix, body, signature = payload.split(".")
    data = json.loads(_unb64(body))
    data[short_key] = value
    new_body = json.dumps(data, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode()
    return f"{prefix}.{_b64(new_body)}.{signature}"


# -- the key file ----------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_key_file_is_created_readable_by_its_owner_only(tmp_path):
    load_or_create_signing_key(tmp_path)
    mode = stat.S_IMODE(os.stat(tmp_path / KEY_FILE_NAME).st_mode)
    assert mode == 0o600


def test_key_creation_leaves_no_temporary_file(tmp_path):
    load_or_create_signing_key(tmp_path)
    assert os.listdir(tmp_path) == [KEY_FILE_NAME]


def test_the_same_key_is_loaded_on_the_next_start(tmp_path):
    first = load_or_create_signing_key(tmp_path)
    second = load_or_create_signing_key(tmp_path)
    assert public_key_text(first) == public_key_text(second)


def test_the_data_folder_is_created_when_missing(tmp_path):
    load_or_create_signing_key(tmp_path / "instance" / "data")
    assert (tmp_path / "instance" / "data" / KEY_FILE_NAME).is_file()


def test_public_key_text_is_a_prefixed_base64url_of_32_bytes(signing_key):
    text = public_key_text(signing_key)
    assert text.startswith("ed25519:")
    assert len(_unb64(text.removeprefix("ed25519:"))) == 32


def test_public_key_text_reads_back_as_the_same_key(signing_key):
    text = public_key_text(signing_key)
    assert public_key_text(public_key_from_text(text)) == text


def test_public_key_text_of_a_private_key_is_that_of_its_public_key(signing_key):
    assert public_key_text(signing_key) == public_key_text(signing_key.public_key())


# -- signing and verifying -------------------------------------------------

@pytest.mark.parametrize("language", ["en", "vi", "zh", "ar"])
def test_payload_round_trips_names_in_any_script(language, make_fields, signing_key):
    fields = make_fields(language)
    payload = sign_payload(fields, signing_key)
    assert verify_payload(payload, signing_key.public_key()) == fields


def test_payload_verifies_with_the_public_key_text(make_fields, signing_key):
    payload = sign_payload(make_fields(), signing_key)
    fields = verify_payload(payload, public_key_text(signing_key))
    assert fields["completed_on"] == date(2025, 3, 15)


def test_payload_without_a_cohort_verifies_with_cohort_none(make_fields, signing_key):
    payload = sign_payload(make_fields(cohort_name=None), signing_key)
    assert verify_payload(payload, signing_key.public_key())["cohort_name"] is None


def test_payload_is_compact_ascii(make_fields, signing_key):
    payload = sign_payload(make_fields("ar"), signing_key)
    assert payload.isascii() and payload.startswith("AC1.")
    assert len(payload) < 500


def test_signing_refuses_a_missing_field(make_fields, signing_key):
    fields = make_fields()
    del fields["course_title"]
    with pytest.raises(ValueError, match="course_title"):
        sign_payload(fields, signing_key)


def test_signing_refuses_an_unknown_field(make_fields, signing_key):
    with pytest.raises(ValueError, match="grade"):
        sign_payload(make_fields(grade="A"), signing_key)


_SHORT = {"verification_code": "c", "certificate_id": "i", "learner_name": "n",
          "course_id": "k", "course_title": "t", "content_version": "v",
          "completed_on": "d", "language": "l", "organisation_name": "o",
          "cohort_name": "h", "course_titles": "p"}


def test_every_field_is_covered_by_the_tampering_test():
    assert set(_SHORT) == set(FIELDS)


@pytest.mark.parametrize("field", FIELDS)
def test_tampering_with_any_field_fails_verification(field, make_fields, signing_key):
    payload = sign_payload(make_fields("vi"), signing_key)
    new_value = "2026-01-01" if field == "completed_on" else "Nguyễn Văn B"
    tampered = _with_changed_field(payload, _SHORT[field], new_value)
    with pytest.raises(PayloadInvalid, match="bad signature"):
        verify_payload(tampered, signing_key.public_key())


def test_adding_a_cohort_to_a_payload_without_one_fails(make_fields, signing_key):
    payload = sign_payload(make_fields(cohort_name=None), signing_key)
    tampered = _with_changed_field(payload, "h", "VIP cohort")
    with pytest.raises(PayloadInvalid):
        verify_payload(tampered, signing_key.public_key())


def test_a_changed_signature_fails_verification(make_fields, signing_key):
    payload = sign_payload(make_fields(), signing_key)
    last = "A" if payload[-2] != "A" else "B"
    with pytest.raises(PayloadInvalid, match="bad signature"):
        verify_payload(payload[:-2] + last + payload[-1], signing_key.public_key())


def test_a_payload_signed_with_another_key_fails(make_fields, signing_key):
    payload = sign_payload(make_fields(), Ed25519PrivateKey.generate())
    with pytest.raises(PayloadInvalid, match="bad signature"):
        verify_payload(payload, signing_key.public_key())


@pytest.mark.parametrize("payload", [
    "",
    "AC1",
    "AC1.abc",
    "AC1.a.b.c",
    "XX9.e30.AAAA",
    "AC1.not*base64.AAAA",
    "AC1.e30.A",
    "AC1.e30." + "A" * 86,
    "https://academy.example.org/verify/7KQ2-MX9P",
])
def test_a_malformed_payload_raises_payload_invalid(payload, signing_key):
    with pytest.raises(PayloadInvalid):
        verify_payload(payload, signing_key.public_key())


def test_payload_invalid_says_why(signing_key):
    with pytest.raises(PayloadInvalid) as raised:
        verify_payload("AC1.abc", signing_key.public_key())
    assert raised.value.reason.startswith("malformed")


def test_signed_data_that_is_not_certificate_fields_is_malformed(signing_key):
    signed_part = "AC1." + _b64(b'{"x":"y"}')
    signature = _b64(signing_key.sign(signed_part.encode()))
    with pytest.raises(PayloadInvalid, match="malformed"):
        verify_payload(f"{signed_part}.{signature}", signing_key.public_key())
