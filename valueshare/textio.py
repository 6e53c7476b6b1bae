"""Users' files read safely: only regular files, at most ``MAX_FILE_BYTES``, YAML and JSON without surprises.

Every function here raises ``DealInvalid`` with one problem whose message says what is wrong and where (line and
column), never a traceback, a hang or a crash:

- a file is opened without blocking and refused unless it is a regular file (a named pipe, a device such as
  ``/dev/zero``, a folder), and at most ``MAX_FILE_BYTES`` + 1 bytes are ever read;
- text must be UTF-8; a byte that is not is named with its line and column;
- YAML and JSON are refused when nested deeper than ``MAX_DEPTH`` (libyaml's composer recurses in C and segfaults
  on input nested ~30,000 deep, which would kill a Streamlit server for every user; Python's recurses until a
  RecursionError), when their aliases expand to more than ``MAX_VALUES`` values (a "billion laughs" file), and when
  one section names a key twice (PyYAML and ``json`` keep the last silently, so ``terms: []`` appended to a deal
  would wipe its terms);
- a character YAML does not allow (a control character, NUL) is named with its line and column.

The depth is checked on the parser's event stream, which libyaml produces without recursion, before anything is
composed; reading stops at the first level too deep, so a hostile file costs no more than a legitimate one.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from valueshare.errors import DealInvalid, Problem

#: The largest file valueshare reads: 1 MiB, the same as the app's upload limit (Streamlit's
#: ``server.maxUploadSize = 1``, in MiB). The largest example deal is ~10 kB.
MAX_FILE_BYTES = 1_048_576
#: How deeply sections and lists may nest. A deal nests at most ~10 deep (a consent clause's royalty tiers, a
#: variant's override of a list); 64 leaves room for any hand-written file and none for an attack.
MAX_DEPTH = 64
#: How many values (each scalar, list and section) a file may expand to, aliases counted as what they repeat.
MAX_VALUES = 200_000

#: libyaml's parser when PyYAML has it (ten times faster than the pure-Python one, measured in bench/), else the
#: pure-Python one; both build only plain data, never Python objects.
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"


def _refuse(message: str, source: str | None) -> DealInvalid:
    return DealInvalid([Problem("", message)], source)


# -- files -----------------------------------------------------------------------------------------------------------

def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_file(path: str | Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, refused if larger than ``limit``.

    The file is opened without blocking (a named pipe with no writer would otherwise hang forever) and checked with
    ``fstat`` on the open descriptor, so a link to ``/dev/zero`` is refused as a device, and no more than
    ``limit + 1`` bytes are read whatever the file claims its size is.
    """
    source = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise _refuse(f"cannot read the file ({error.strerror or error})", source) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _refuse(f"this is {_kind_of(mode)}, not a file: give the path of a deal file", source)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise _refuse(f"cannot read the file ({error.strerror or error})", source) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise _refuse(too_large(limit), source)
    return data


def too_large(limit: int = MAX_FILE_BYTES) -> str:
    """The message for a file over the limit.

    >>> too_large()
    'the file is larger than 1 MB (1,048,576 bytes), the most valueshare reads; a deal file is a few kB'
    """
    return (f"the file is larger than {limit / 1_048_576:g} MB ({limit:,} bytes), the most valueshare reads; "
            f"a deal file is a few kB")


def decode(raw: bytes, source: str | None = None, *, kind: str = "YAML") -> str:
    """``raw`` as text (UTF-8, with or without a byte-order mark), refused at the first byte that is not UTF-8."""
    if len(raw) > MAX_FILE_BYTES:
        raise _refuse(too_large(), source)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = line_and_column(raw[:error.start])
        raise _refuse(f"not a text file: the byte 0x{raw[error.start]:02X} at line {line}, column {column} is not "
                      f"UTF-8 (save the file as {kind} in UTF-8)", source) from None


def line_and_column(before: str | bytes) -> tuple[int, int]:
    """Line and column (both from 1) of the character that follows ``before``.

    >>> line_and_column("a: 1\\nb: ")
    (2, 4)
    """
    newline = "\n" if isinstance(before, str) else b"\n"
    line = before.count(newline) + 1  # type: ignore[arg-type]
    column = len(before) - (before.rfind(newline) + 1) + 1  # type: ignore[arg-type]
    return line, column


# -- characters ------------------------------------------------------------------------------------------------------

def describe_character(char: str) -> str:
    """``U+001B (ESCAPE)``: a character as a person can look it up.

    >>> describe_character("\\x85"), describe_character("\\x00")
    ('U+0085 (NEXT LINE)', 'U+0000 (NULL)')
    """
    import unicodedata

    names = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED", 0x0D: "CARRIAGE RETURN",
             0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE", 0x9B: "CONTROL SEQUENCE INTRODUCER"}
    code = ord(char)
    name = names.get(code) or unicodedata.name(char, "")
    if not name:
        name = "a surrogate" if 0xD800 <= code <= 0xDFFF else (
            "a control character" if unicodedata.category(char) == "Cc" else "a non-character")
    return f"U+{code:04X} ({name})"


# -- YAML ------------------------------------------------------------------------------------------------------------

class _Refused(yaml.YAMLError):
    """A problem found while reading YAML, with the place it was found."""

    def __init__(self, problem: str, mark: Any):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


def _key_text(key: Any) -> str:
    text = repr(key) if not isinstance(key, str) else f"'{key}'"
    return text if len(text) <= 60 else text[:57] + "...'"


class _StrictLoader(_BASE_LOADER):
    """The safe loader, refusing a key named twice in one section (YAML itself says keys are unique)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _value in node.value:
                if key_node.tag == _MERGE:  # '<<: *base' merges keys that the section may then override
                    continue
                key = self.construct_object(key_node, deep=False)
                try:
                    first = seen.get(key)
                except TypeError:
                    continue  # an unhashable key: the safe constructor refuses it with its own message
                here = key_node.start_mark
                if first is not None:
                    raise _Refused(f"the key {_key_text(key)} appears twice in one section, first at line "
                                   f"{first.line + 1}, column {first.column + 1} and again at line {here.line + 1}, "
                                   f"column {here.column + 1}; the second would silently replace the first, so keep "
                                   f"one", here)
                seen[key] = here
        return super().construct_mapping(node, deep)


def _check_shape(text: str) -> None:
    """Refuse YAML nested deeper than ``MAX_DEPTH`` or whose aliases expand to more than ``MAX_VALUES`` values,
    from the parser's events (no recursion), stopping at the first level too deep."""
    depth = 0
    values = 0
    # For each open collection: its anchor (or None), the values counted when it opened, the deepest level inside.
    open_: list[list[Any]] = []
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values it expands to, levels it adds)
    for event in yaml.parse(text, Loader=_BASE_LOADER):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            values += 1
            if depth > MAX_DEPTH:
                raise _Refused(f"the sections and lists are nested more than {MAX_DEPTH} deep (a deal needs about "
                               f"10); check the brackets and indentation", event.start_mark)
            open_.append([event.anchor, values - 1, depth])
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, start, deepest = open_.pop()
            if open_:
                open_[-1][2] = max(open_[-1][2], deepest)
            if anchor is not None:
                anchors[anchor] = (values - start, deepest - depth + 1)
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent):
            values += 1
            if event.anchor is not None:
                anchors[event.anchor] = (1, 0)
        elif isinstance(event, yaml.AliasEvent):
            count, levels = anchors.get(event.anchor or "", (1, 0))  # an alias always names its anchor
            values += count
            if depth + levels > MAX_DEPTH:
                raise _Refused(f"the alias *{event.anchor} nests the sections and lists more than {MAX_DEPTH} deep",
                               event.start_mark)
            if open_:
                open_[-1][2] = max(open_[-1][2], depth + levels)
        if values > MAX_VALUES:
            raise _Refused(f"the file holds more than {MAX_VALUES:,} values once its aliases (*name) are expanded; "
                           f"a deal holds a few hundred", event.start_mark)


def _place(text: str, error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        return f" at line {mark.line + 1}, column {mark.column + 1}"
    position = getattr(error, "position", None)
    if isinstance(position, int):
        line, column = line_and_column(text[:position])
        return f" at line {line}, column {column}"
    return ""


def _reason(text: str, error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.reader.ReaderError):
        position = error.position
        char = text[position] if isinstance(position, int) and position < len(text) else chr(error.character)
        return (f"the character {describe_character(char)} is not allowed in a YAML file; remove it (write special "
                f"characters inside double quotes as escapes, e.g. \"\\t\")")
    problem = getattr(error, "problem", None) or "it could not be read"
    mark = getattr(error, "problem_mark", None)
    if mark is not None and "cannot start any token" in problem and text[mark.index:mark.index + 1] == "\t":
        return "a tab cannot indent YAML or start a value; use spaces"
    return problem


def load_yaml(text: str | bytes, source: str | None = None) -> Any:
    """Parse YAML text (or UTF-8 bytes) into plain data, refusing what ``valueshare.textio`` says it refuses."""
    if isinstance(text, bytes):
        text = decode(text, source)
    if len(text) > MAX_FILE_BYTES:
        raise _refuse(too_large(), source)
    try:
        _check_shape(text)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader (the C one when available)
    except yaml.YAMLError as error:
        raise _refuse(f"not valid YAML{_place(text, error)}: {_reason(text, error)}", source) from None
    except ValueError as error:  # PyYAML's own conversions: a date that does not exist, an int of 5,000 digits
        raise _refuse(f"not valid YAML: {_value_reason(error)}", source) from None
    except RecursionError:  # not reached after _check_shape; kept so no traceback can ever escape
        raise _refuse(f"the sections and lists are nested more than {MAX_DEPTH} deep", source) from None


def _value_reason(error: ValueError) -> str:
    text = str(error)
    if "digits" in text:
        return "a number has more than 4,300 digits"
    return f"a date that does not exist ({text})"


# -- JSON ------------------------------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:]', re.S)


def _check_json_shape(text: str, source: str | None) -> None:
    """Refuse JSON nested deeper than ``MAX_DEPTH`` or with a key named twice in one object, with lines, in one
    pass over its tokens (no recursion)."""
    stack: list[dict[str, int] | None] = []  # per open bracket: an object's keys and their positions, or None
    previous: re.Match[str] | None = None
    for token in _JSON_TOKEN.finditer(text):
        kind = token.group()
        if kind in "{[":
            stack.append({} if kind == "{" else None)
            if len(stack) > MAX_DEPTH:
                line, column = line_and_column(text[:token.start()])
                raise _refuse(f"not valid JSON at line {line}, column {column}: the objects and lists are nested "
                              f"more than {MAX_DEPTH} deep (a deal needs about 10)", source)
        elif kind in "}]":
            if stack:
                stack.pop()
        elif kind == ":" and previous is not None and previous.group().startswith('"') and stack and \
                stack[-1] is not None:
            try:
                key = json.loads(previous.group())
            except ValueError:
                key = previous.group()[1:-1]
            keys = stack[-1]
            if key in keys:
                first, first_column = line_and_column(text[:keys[key]])
                line, column = line_and_column(text[:previous.start()])
                raise _refuse(f"not valid JSON at line {line}, column {column}: the key {_key_text(key)} appears "
                              f"twice in one object, first at line {first}, column {first_column} and again at line "
                              f"{line}, column {column}; the second would silently replace the first, so keep one",
                              source)
            keys[key] = previous.start()
        previous = token


def load_json(text: str | bytes, source: str | None = None) -> Any:
    """Parse JSON text (or UTF-8 bytes) into plain data: depth-limited, duplicate keys refused, NaN and Infinity
    refused (they are not JSON, and no figure may be one)."""
    if isinstance(text, bytes):
        text = decode(text, source, kind="JSON")
    if len(text) > MAX_FILE_BYTES:
        raise _refuse(too_large(), source)
    _check_json_shape(text, source)

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        return json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as error:
        raise _refuse(f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}", source) from None
    except ValueError as error:
        raise _refuse(f"not valid JSON: {_value_reason(error) if 'digits' in str(error) else error}", source) \
            from None
    except RecursionError:  # not reached after _check_json_shape
        raise _refuse(f"not valid JSON: nested more than {MAX_DEPTH} deep", source) from None
