"""A box's side of syncing: knowing the hub's key, reading the hub's
acknowledgements, and numbering its events again after a fork."""

from __future__ import annotations

import json

from sqlalchemy import func, select, update

from ..certificates.signing import public_key_from_text
from ..domain import DomainError
from ..extensions import db
from ..settings import get_setting, set_setting
from .hub import ACK_FORMAT, signed_ack_text
from .identity import ACK_CONTEXT, fingerprint, public_key_text, verify
from .models import OutboxEvent

HUB_KEY_SETTING = "sync_hub_key"


class AckError(DomainError):
    """An acknowledgement the box cannot trust or use."""


def trust_hub(key_text: str) -> str:
    """Remember the hub's public key (``academy sync identity`` on the hub
    prints it); acknowledgements signed by any other key are refused."""
    try:
        key = public_key_text(public_key_from_text(key_text))
    except ValueError:
        raise AckError("bad-hub-key") from None
    set_setting(HUB_KEY_SETTING, key)
    return key


def read_ack(data: bytes, box_key) -> dict:
    """The acknowledgement's fields, checked: signed by the trusted hub,
    for this box. AckError "no-hub-key", "not-an-ack", "bad-signature",
    "other-box"."""
    hub_key = get_setting(HUB_KEY_SETTING)
    if not hub_key:
        raise AckError("no-hub-key")
    try:
        document = json.loads(data.decode("utf-8"))
        ack, signature = document["ack"], document["signature"]
        if ack.get("format") != ACK_FORMAT:
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise AckError("not-an-ack") from None
    if ack.get("hub_key") != hub_key or not verify(ACK_CONTEXT, signed_ack_text(ack), signature, hub_key):
        raise AckError("bad-signature")
    if ack.get("box_id") != fingerprint(box_key):
        raise AckError("other-box")
    return ack


def apply_ack(ack: dict) -> dict:
    """Take in what the hub says arrived. The next export starts after the
    hub's acknowledged number; after a fork, the events the hub has not
    acknowledged are numbered again after the hub's highest number, and the
    bundle numbers continue after the hub's. Returns what changed."""
    acked = int(get_setting("sync_acked_seq") or 0)
    hub_acked = int(ack.get("acknowledged_seq") or 0)
    changed = {"acknowledged_seq": acked, "renumbered": 0}
    if ack["status"] == "fork":
        changed["renumbered"] = renumber_after(acked, int(ack["max_seq"]))
        changed["acknowledged_seq"] = hub_acked
    elif ack["status"] in ("applied", "duplicate"):
        # The hub's word, even when lower than what the box believed (a hub
        # restored from a backup): the next export sends from there again.
        changed["acknowledged_seq"] = hub_acked
    set_setting("sync_acked_seq", str(changed["acknowledged_seq"]))
    set_setting("sync_exported_seq", str(changed["acknowledged_seq"]))  # --new-only starts after the hub's word
    bundle_no = int(get_setting("sync_bundle_no") or 0)
    if int(ack.get("state_bundle_no") or 0) > bundle_no:
        set_setting("sync_bundle_no", str(ack["state_bundle_no"]))
    db.session.flush()
    return changed


def renumber_after(acked: int, hub_max: int) -> int:
    """Move the events after ``acked`` to numbers after ``hub_max``, in
    their order. Two steps, so that no number is held twice meanwhile."""
    unacked = db.session.scalar(select(func.count(OutboxEvent.id)).where(OutboxEvent.seq > acked)) or 0
    lowest = db.session.scalar(select(func.min(OutboxEvent.seq)).where(OutboxEvent.seq > acked))
    if not unacked or lowest > hub_max:
        return 0
    offset = hub_max + 1 - lowest
    db.session.execute(update(OutboxEvent).where(OutboxEvent.seq > acked).values(seq=-OutboxEvent.seq))
    db.session.execute(update(OutboxEvent).where(OutboxEvent.seq < 0).values(seq=-OutboxEvent.seq + offset))
    db.session.flush()
    return unacked
