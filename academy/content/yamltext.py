"""YAML where every scalar is text, with the line of every key kept.

Course files are written by people: ``text: No`` must stay the string "No" and
``text: 1.5`` the string "1.5". So no implicit typing happens at all; fields
that are numbers or booleans are converted explicitly by the caller, which
can then name the line and what was expected.
"""

from __future__ import annotations

import bisect

import yaml


class _TextLoader(yaml.SafeLoader):
    pass


# No implicit resolvers: every plain scalar resolves to a string.
_TextLoader.yaml_implicit_resolvers = {}


class YMap(dict):
    """A mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]


class YSeq(list):
    line: int
    item_lines: list[int]


# The YAML reader's own words name its grammar ("expected <block end>"); an
# author gets what went wrong and what to do first, the reader's words after.
_PLAIN_REASONS = (
    ("expected <block end>", "this line is not indented like the lines above it; "
                             "line it up, with spaces, with the key or list item it belongs to"),
    ("mapping values are not allowed here", 'a value contains ": "; put the whole value in quotes, '
                                            'such as "Step 1: prepare"'),
    ("could not find expected ':'", 'a key has no ":" after it; write it as key: value'),
    ("expected ',' or ']'", 'a list opened with "[" is not closed; close it with "]" on the same line'),
    ("expected ',' or '}'", 'a "{" is not closed; close it with "}" on the same line'),
    ("found unexpected end of stream", "a quotation mark opened on this line is never closed; "
                                       "close it at the end of the value"),
    ("found character '\\t' that cannot start any token", "a tab is used to indent; indent with spaces"),
    ("expected a single document in the stream", 'a line "---" starts a second YAML document here; '
                                                 "remove it (each question needs a quiz block of its own)"),
)


def plain_reason(reason: str) -> str:
    for start, plain in _PLAIN_REASONS:
        if reason.startswith(start):
            return f"{plain} (the YAML reader says: {reason})"
    return reason


class YamlProblem(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def parse_yaml(text: str, first_line: int = 1):
    """Parse ``text`` whose first line is line ``first_line`` of its file."""
    newlines = [i for i, char in enumerate(text) if char == "\n"]

    def line_of(mark) -> int:
        # Count "\n" only: YAML also breaks lines at U+0085, U+2028 and U+2029,
        # which neither Markdown nor an author's editor does.
        return first_line + bisect.bisect_left(newlines, mark.index)

    try:
        node = yaml.compose(text, Loader=_TextLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # An unclosed bracket or quote, or a key without ":", is found on a
        # later line; the author's mistake is where YAML started reading it.
        context = exc.context or ""
        if exc.context_mark is not None and (
            context.startswith(("while scanning a", "while parsing a flow")) or mark.index >= len(text.rstrip())
        ):
            mark = exc.context_mark
        line = line_of(mark) if mark is not None else first_line
        reason = exc.problem or exc.context or "invalid YAML"
        if context and not context.startswith("while") and exc.problem:  # "expected X", "but found Y"
            reason = f"{context}, {exc.problem}"
        raise YamlProblem(line, f"invalid YAML: {plain_reason(reason)}") from None
    except yaml.reader.ReaderError as exc:
        line = first_line + bisect.bisect_left(newlines, exc.position)
        raise YamlProblem(line, f"invalid YAML: the character U+{exc.character:04X} is not allowed") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(first_line, f"invalid YAML: {exc}") from None
    if node is None:
        return None
    budget = [_MAX_NODES]
    try:
        return _convert(node, line_of, budget)
    except RecursionError:
        raise YamlProblem(first_line, "invalid YAML: nested too deeply") from None


# Aliases can make a tiny document expand enormously; people never need that.
_MAX_NODES = 20_000


def _convert(node, line_of, budget: list[int]):
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlProblem(line_of(node.start_mark), "invalid YAML: too many values (aliases expanding?)")
    line = line_of(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        result = YMap()
        result.line = line
        result.key_lines = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(line_of(key_node.start_mark), "a key must be plain text")
            key = key_node.value
            key_line = line_of(key_node.start_mark)
            if key == "<<":
                raise YamlProblem(key_line, "YAML merge keys (<<) are not supported")
            if key in result:
                raise YamlProblem(key_line, f'"{key}" appears twice')
            result[key] = _convert(value_node, line_of, budget)
            result.key_lines[key] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        result = YSeq(_convert(item, line_of, budget) for item in node.value)
        result.line = line
        result.item_lines = [line_of(item.start_mark) for item in node.value]
        return result
    return node.value
