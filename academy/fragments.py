"""Parts of pages rendered once and kept in memory.

Much of a page is the same for everyone who reads it in one language: the
menu's links, the offline texts, a lesson's pager. Rendering them costs more
than the rest of the page (dozens of translations and URLs), so a template
marks such a part and names what it depends on::

    {% call cached("pager", course.id, course.version, view.lesson.key, lang) %}
      ...
    {% endcall %}

The first request renders the part; the next ones reuse its HTML. The key
always includes the interface language (``ui_language`` of the page) and the
path the application is served under; the template adds everything else the
part shows (a course's ``version`` changes with every edit of its files).
Nothing that belongs to one person or one request may be inside a cached
part: no CSRF token, no name, no state, no path of the request.

The cache holds at most ``MAX_ENTRIES`` parts per application (then it starts
again) and is off when templates are reloaded on change (debug).
"""

from __future__ import annotations

from flask import has_request_context, request
from jinja2 import pass_context

MAX_ENTRIES = 4096


class FragmentCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._parts: dict[tuple, str] = {}

    def __len__(self) -> int:
        return len(self._parts)

    def clear(self) -> None:
        self._parts.clear()

    def render(self, key: tuple, render) -> str:
        part = self._parts.get(key)
        if part is None:
            part = render()
            if len(self._parts) >= self.max_entries:
                self._parts.clear()
            self._parts[key] = part
        return part


def init_app(app) -> None:
    cache = app.extensions["academy.fragments"] = FragmentCache()

    @pass_context
    def cached(context, name: str, *values, caller):
        if app.jinja_env.auto_reload:  # templates change under the developer's hands
            return caller()
        language = context.get("ui_language")
        root = request.script_root if has_request_context() else ""
        key = (name, language.code if language is not None else None, root, *values)
        return cache.render(key, caller)

    app.jinja_env.globals["cached"] = cached
