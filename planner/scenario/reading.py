"""Reading a scenario's files safely: text decoding and the YAML file.

A text file is UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else
is reported, not guessed. The YAML reader reports a key given twice in one
block (YAML would keep only the last) and leaves an impossible date as text
so that its field can say what is wrong.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

from planner.scenario.values import _Collector


def read_text(path: Path, col: _Collector) -> str | None:
    """Decode a text file: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        col.error("", "file not found", "check the path; paths in the YAML are relative to it")
        return None
    except OSError as exc:
        col.error("", f"cannot be read ({exc.strerror})", "check that it is a readable file")
        return None
    if not raw.strip():
        col.error("", "the file is empty",
                  "fill it in; its columns are in docs/scenario-format.md and docs/campaign.md")
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
        col.error(f"line {line}", "the text is not UTF-8 (maybe Windows-1258 or TCVN3)",
                  "save the file as UTF-8 (Excel: 'CSV UTF-8'; Notepad: Save as › UTF-8)")
        return None
    if "\x00" in text:
        col.error("", "the file holds binary data, not text",
                  "give a CSV (UTF-8) or an .xlsx file")
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
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        col.error(where, f"not valid YAML ({problem})",
                  "fix the indentation or quoting at that line")
        return None
    except ValueError as exc:  # e.g. an impossible date such as 2026-13-40
        col.error("", f"a value cannot be read ({exc})",
                  "write dates as YYYY-MM-DD with a real month and day")
        return None
    finally:
        if loader is not None:
            loader.dispose()
    for key, first, line in loader.duplicates:
        col.error(f"line {line}, field {key}",
                  f"'{key}' is given twice in the same block (first on line {first}); "
                  "YAML would silently keep only the last one",
                  f"merge the two '{key}:' entries into one, or delete the one you do not mean")
    if not isinstance(data, dict):
        col.error("", "the file must be a YAML mapping of fields (name:, date:, ...)",
                  "start from scenarios/demo/scenario.yaml")
        return None
    return data
