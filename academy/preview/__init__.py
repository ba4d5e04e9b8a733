"""``academy preview``: an author's own course folder served on their laptop,
read-only, with the answer keys and the problems of the newest files on the
pages. Only the preview app (``academy.app.create_preview_app``) registers
its blueprint; ``academy serve`` has none of it."""
