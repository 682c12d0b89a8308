"""Reading a scenario's files safely: limits, text decoding and the YAML file.

Before a file is opened, ``check_input_file`` looks at it with ``os.stat``
(a FIFO or a device is never opened): it must be a regular file of at most
``max_input_bytes()`` (``PLANNER_MAX_INPUT_MB``, default 20 MB), and a
symbolic link may not lead out of the scenario's folder unless
``PLANNER_ALLOW_OUTSIDE_LINKS=1``. A file refused is never quoted.

A text file is UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else
is reported, not guessed. The YAML reader refuses nesting deeper than
``MAX_YAML_DEPTH`` and aliases that expand the document by more than
``MAX_ALIAS_EXPANSION`` nodes (a "billion laughs" bomb is refused before any
value is built), reports a key given twice in one block (YAML would keep only
the last) and leaves an impossible date as text so that its field can say
what is wrong.
"""

from __future__ import annotations

import codecs
import logging
import os
import stat
from pathlib import Path
from typing import Any

from planner.errors import Problem, msg
from planner.scenario.values import _clip, _Collector

LOG = logging.getLogger(__name__)

DEFAULT_MAX_INPUT_MB = 20
"""The largest input file read, in MB, unless ``PLANNER_MAX_INPUT_MB`` says otherwise."""
MAX_YAML_DEPTH = 64
"""The deepest nesting of lists and mappings read from a YAML file."""
MAX_ALIAS_EXPANSION = 10_000
"""How many nodes aliases (``*name``) may add to a YAML document when expanded."""


class _Refused(Exception):
    """A YAML document refused before its values are built: ``where``, ``what``, ``fix``."""

    def __init__(self, where: str, what: str, fix: str):
        super().__init__(what)
        self.where, self.what, self.fix = where, what, fix


def max_input_bytes() -> int:
    """The size limit of an input file in bytes: ``PLANNER_MAX_INPUT_MB``
    (a positive number of megabytes) or ``DEFAULT_MAX_INPUT_MB``."""
    given = os.environ.get("PLANNER_MAX_INPUT_MB", "")
    try:
        mb = float(given) if given.strip() else DEFAULT_MAX_INPUT_MB
    except ValueError:
        mb = DEFAULT_MAX_INPUT_MB
    if not 0 < mb < 1e6:  # also NaN
        mb = DEFAULT_MAX_INPUT_MB
    return int(mb * 1024 * 1024)


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return msg("a folder")
    if stat.S_ISFIFO(mode):
        return msg("a pipe (FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return msg("a device")
    if stat.S_ISSOCK(mode):
        return msg("a socket")
    return msg("not a regular file")


def _leaves(path: Path, base: Path) -> bool:
    """True when ``path``, written inside the folder ``base``, is reached
    through a symbolic link (the file or a folder below ``base``) whose real
    place is outside ``base``. A path written outside ``base`` (absolute, or
    with ``..``) is the user's explicit choice, not a link leaving it."""
    lexical = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base)))
    if lexical.parts[:1] == ("..",):
        return False
    inside = Path(os.path.abspath(base))
    links = False
    for part in lexical.parts:
        inside = inside / part
        links = links or inside.is_symlink()
    if not links:
        return False
    real, home = Path(os.path.realpath(path)), Path(os.path.realpath(base))
    return home not in real.parents


def check_input_file(path: Path, col: _Collector, base: Path | None = None) -> bool:
    """True when ``path`` may be read: it exists, is a regular file (checked
    with ``os.stat``, never opened: a FIFO would hang, a device never end),
    holds at most ``max_input_bytes()`` and, when ``base`` (the scenario's
    folder) is given, is not a symbolic link leading out of ``base`` (unless
    ``PLANNER_ALLOW_OUTSIDE_LINKS=1``). Otherwise the problem is reported
    (without a word of the file's content) and False returned."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        col.error("", msg("file not found"), msg("check the path (a path in a scenario's YAML is "
                                                 "relative to the YAML file)"))
        return False
    except OSError as exc:
        LOG.debug("stat %s: %r", path, exc)
        col.error("", msg("cannot be read ({value})",
                          value=exc.strerror or msg('the system refused')),
                  msg("check that the path names a file you may read"))
        return False
    if not stat.S_ISREG(info.st_mode):
        fix = (msg("give the path of the file inside it") if stat.S_ISDIR(info.st_mode)
               else msg("give the path of an ordinary file (save the data to a file first)"))
        col.error("", msg("is {kind}, not a file; it was not read", kind=_kind(info.st_mode)), fix)
        return False
    limit = max_input_bytes()
    if info.st_size > limit:
        col.error("", msg("the file holds {value:,.1f} MB, more than the "
                          "{value2:,.0f} MB read at most; it was not read",
                          value=info.st_size / 1000000.0, value2=limit / 1000000.0),
                  msg("check that it is the right file; to read larger files set "
                      "PLANNER_MAX_INPUT_MB (e.g. PLANNER_MAX_INPUT_MB=200)"))
        return False
    if base is not None and os.environ.get("PLANNER_ALLOW_OUTSIDE_LINKS") != "1" \
            and _leaves(path, base):
        col.error("", msg("is a symbolic link to a file outside the scenario's folder {base}; "
                          "it was not read", base=base),
                  msg("copy the file into the scenario's folder, or set "
                      "PLANNER_ALLOW_OUTSIDE_LINKS=1 to follow such links"))
        return False
    return True


def input_file_problems(path: Path, base: Path | None = None) -> list[Problem]:
    """``check_input_file`` for a file read elsewhere (an outcomes sheet, a
    phone export): its problems, [] when it may be read."""
    col = _Collector(str(path))
    check_input_file(Path(path), col, base)
    return col.problems


def read_text(path: Path, col: _Collector, base: Path | None = None) -> str | None:
    """Decode a text file: UTF-8 (with or without BOM) or UTF-16 with a BOM;
    ``check_input_file`` first (``base``: the scenario's folder)."""
    if not check_input_file(path, col, base):
        return None
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        col.error("", msg("file not found"),
                  msg("check the path; paths in the YAML are relative to it"))
        return None
    except OSError as exc:
        LOG.debug("read %s: %r", path, exc)
        col.error("", msg("cannot be read ({value})", value=exc.strerror or 'the system refused'),
                  msg("check that it is a readable file"))
        return None
    if not raw.strip():
        col.error("", msg("the file is empty"),
                  msg("fill it in; its columns are in docs/scenario-format.md and "
                      "docs/campaign.md"))
        return None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col.error(f"line {line}", msg("the text is not UTF-8 (maybe Windows-1258 or TCVN3)"),
                  msg("save the file as UTF-8 (Excel: 'CSV UTF-8'; Notepad: Save as › UTF-8)"))
        return None
    if "\x00" in text:
        col.error("", msg("the file holds binary data, not text"),
                  msg("give a CSV (UTF-8) or an .xlsx file"))
        return None
    return text


def _unique_key_loader():
    """A PyYAML safe loader class that records every mapping key given twice (at
    any depth, with both line numbers) in ``loader.duplicates`` instead of
    silently keeping the last, and leaves an impossible date (``2026-02-30``)
    as its text so that the field that holds it can say what is wrong."""
    # imported here: PyYAML loads only when a file is read
    import yaml  # PyYAML: loaded only when a YAML file is read

    class UniqueKeyLoader(yaml.SafeLoader):
        def __init__(self, stream):
            super().__init__(stream)
            self.duplicates: list[tuple[str, int, int]] = []
            self.depth = 0

        def compose_node(self, parent, index):
            """Refuse nesting deeper than ``MAX_YAML_DEPTH`` while composing
            (PyYAML composes recursively: a deep file ends in RecursionError)."""
            self.depth += 1
            try:
                if self.depth > MAX_YAML_DEPTH:
                    line = self.peek_event().start_mark.line + 1
                    raise _Refused(f"line {line}", msg("lists or mappings nested more than "
                                       "{MAX_YAML_DEPTH} deep; the file was not read",
                                                       MAX_YAML_DEPTH=MAX_YAML_DEPTH),
                                   msg("a scenario nests a few levels at most: check the "
                                       "brackets and indentation at that line"))
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                first: dict[Any, int] = {}
                for key_node, _value in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self.construct_object(key_node, deep=True)
                    try:
                        hash(key)
                    except TypeError:
                        continue  # the base loader reports an unhashable key
                    line = key_node.start_mark.line + 1
                    if key in first:
                        self.duplicates.append((str(key), first[key], line))
                    else:
                        first[key] = line
            return super().construct_mapping(node, deep=deep)

    def timestamp(loader, node):
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError:
            return loader.construct_scalar(node)

    UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return UniqueKeyLoader


def _check_expansion(root: Any) -> None:
    """Refuse a composed YAML document whose aliases (``*name``) add more than
    ``MAX_ALIAS_EXPANSION`` nodes when expanded (each alias counts the whole
    node it names, nested aliases multiplied), or that refers to itself.
    Counted once per distinct node: a "billion laughs" bomb of a kilobyte is
    refused in microseconds, before a single value is built."""
    if root is None:
        return
    sizes: dict[int, int] = {}
    seen_ids: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[key] - len(seen_ids) > MAX_ALIAS_EXPANSION:
                line = node.start_mark.line + 1
                raise _Refused(f"line {line}", msg("aliases (*name) there expand to more than "
                                   "{MAX_ALIAS_EXPANSION:,} values; the file was not read",
                                                   MAX_ALIAS_EXPANSION=MAX_ALIAS_EXPANSION),
                               msg("write the values out instead of repeating aliases, or "
                                   "use fewer of them"))
            continue
        if key in sizes:
            continue
        if key in seen_ids:  # met again before its size is known: it contains itself
            line = node.start_mark.line + 1
            raise _Refused(f"line {line}", msg("an alias (*name) refers to the block that "
                               "holds it; the file was not read"), msg("remove that alias"))
        seen_ids.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)


def _children(node: Any) -> list[Any]:
    """The nodes directly under a composed YAML node (keys and values of a mapping)."""
    value = getattr(node, "value", None)
    if not isinstance(value, list):
        return []
    out: list[Any] = []
    for item in value:
        out.extend(item if isinstance(item, tuple) else (item,))
    return out


def _parse_yaml(path: Path, col: _Collector) -> dict | None:
    """The YAML file at ``path`` as a mapping; None when it cannot be read or is
    not a mapping (the problems reported, duplicate keys too)."""
    # imported here: PyYAML loads only when a file is read
    import yaml  # PyYAML: loaded only when a YAML file is read

    text = read_text(path, col)
    if text is None:
        return None
    loader = None
    try:
        loader = _unique_key_loader()(text)  # reads the stream: may raise already
        node = loader.get_single_node()
        _check_expansion(node)
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        col.error(exc.where, exc.what, exc.fix)
        return None
    except RecursionError:  # a guard: compose_node refuses deep nesting before this
        col.error("", msg("lists or mappings nested too deep; the file was not read"),
                  msg("check the brackets and indentation"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        col.error(where, msg("not valid YAML ({problem})", problem=problem),
                  msg("fix the indentation or quoting at that line"))
        return None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date 2026-13-40
        LOG.debug("YAML value in %s: %r", path, exc)
        col.error("", msg("a value cannot be read (a date, a number or a key that YAML cannot "
                      "build)"), msg("write dates as YYYY-MM-DD with a real month and day, numbers "
                                     "with digits only, and keys as plain words"))
        return None
    finally:
        if loader is not None:
            loader.dispose()
    for key, first, line in loader.duplicates:
        key = _clip(key)
        col.error(f"line {line}, field {key}",
                  msg("'{key}' is given twice in the same block (first on line {first}); "
                      "YAML would silently keep only the last one", key=key, first=first),
                  msg("merge the two '{key}:' entries into one, or delete the one you do not mean",
                      key=key))
    if not isinstance(data, dict):
        col.error("", msg("the file must be a YAML mapping of fields (name:, date:, ...)"),
                  msg("start from scenarios/demo/scenario.yaml"))
        return None
    return data
