"""A hub's pages: the boxes it accepts bundles from, uploading a bundle by
hand, and the address a box pushes its bundles to. On a box they do not
exist (404)."""

from __future__ import annotations


from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import admin_required
from ..config import sync_bundle_limit
from ..extensions import csrf, db
from ..messages import SYNC_REASONS, message_for, sync_result_message
from ..web import ConfirmForm, allow_larger_bodies
from . import hub
from .forms import RegisterBoxForm, UploadBundleForm
from .identity import box_key, display_fingerprint, public_key_text
from .models import HubBox, HubBundle

bp = Blueprint("sync", __name__)
allow_larger_bodies(bp, {"sync.push": sync_bundle_limit, "sync.boxes": sync_bundle_limit})  # a box's bundle

STATUS_CODES = {"applied": 200, "duplicate": 200, "kept-aside": 202, "fork": 409, "refused": 422}


@bp.before_request
def _hub_only() -> None:
    """Every page of this blueprint is a hub's: a box has none of them."""
    if current_app.config.get("ROLE") != "hub":
        abort(404)


def _ack_path(record_id: int):
    return current_app.config["DATA_DIR"] / "sync" / "acks" / f"{record_id}.json"


def _import(data: bytes) -> tuple[hub.ImportResult, bytes]:
    """Import, commit, and keep the acknowledgement for the box to fetch."""
    result = hub.import_bundle(data, current_app.config["DATA_DIR"])
    db.session.commit()
    ack = hub.acknowledgement(result, box_key(current_app.config["DATA_DIR"]))
    path = _ack_path(result.record_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ack)
    return result, ack


@bp.post("/sync/bundles")
@csrf.exempt  # a box, not a browser: the bundle's own signature is its credential
def push():
    """A box sends a bundle as the request body; the answer is the signed
    acknowledgement (also when the bundle is refused or kept aside)."""
    result, ack = _import(request.get_data(cache=False))
    return Response(ack, status=STATUS_CODES[result.status], mimetype="application/json")


@bp.route("/admin/sync", methods=["GET", "POST"])
@admin_required
def boxes():
    register, upload = RegisterBoxForm(), UploadBundleForm()
    if register.register_box.data and register.validate_on_submit():
        try:
            box = hub.register_box(register.fingerprint.data, register.name.data)
        except hub.HubError as exc:
            register.fingerprint.errors.append(message_for(exc))
        else:
            kept = hub.retry_kept(current_app.config["DATA_DIR"])
            db.session.commit()
            flash(_("The box “%(name)s” is registered.", name=box.name), "info")
            for result in kept:
                flash(sync_result_message(result), "info")
            return redirect(url_for("sync.boxes"))
    if upload.import_bundle.data and upload.validate_on_submit():
        result, _ack = _import(upload.file.data.read())
        flash(sync_result_message(result), "info" if result.status in ("applied", "duplicate") else "error")
        return redirect(url_for("sync.boxes"))
    recent = db.session.scalars(select(HubBundle).order_by(HubBundle.id.desc()).limit(20)).all()
    registered = hub.boxes()
    names = {box.id: box.name for box in registered}
    status = 422 if (register.register_box.data and register.errors) or (upload.import_bundle.data and upload.errors) else 200
    return render_template("sync/boxes.html", boxes=registered, register=register, upload=upload, recent=recent,
                           names=names, fingerprint=display_fingerprint, confirm=ConfirmForm(),
                           hub_key=public_key_text(box_key(current_app.config["DATA_DIR"])),
                           reason_text=lambda code: str(SYNC_REASONS.get(code, code))), status


@bp.post("/admin/sync/boxes/<box_id>/revoke")
@admin_required
def revoke(box_id: str):
    box = db.session.get(HubBox, box_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    hub.revoke_box(box)
    db.session.commit()
    flash(_("The box “%(name)s” is revoked: its bundles are kept aside from now on.", name=box.name), "info")
    return redirect(url_for("sync.boxes"))


@bp.get("/admin/sync/acknowledgements/<int:record_id>.json")
@admin_required
def acknowledgement(record_id: int):
    """The acknowledgement of a bundle uploaded here, to carry to its box."""
    path = _ack_path(record_id)
    if db.session.get(HubBundle, record_id) is None or not path.is_file():
        abort(404)
    return Response(path.read_bytes(), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="acknowledgement-{record_id}.json"'})
