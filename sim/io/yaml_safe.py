"""Reading one YAML file safely: bounded in size, nesting and alias expansion, no duplicates.

PyYAML's ``safe_load`` runs no code from a file, but it takes a duplicate key silently as
the last one, lets a 2 KB file of nested aliases ("billion laughs") expand to gigabytes
once anything walks the result, and composes nodes recursively (a few thousand levels of
nesting end in a ``RecursionError``). Here the file is parsed into events (libyaml's
parser when present) and composed into nodes by a loop, not by recursion, checking on the
way:

- the file is at most :data:`MAX_FILE_BYTES` long, UTF-8, and one YAML document;
- nesting, counted with every alias expanded, is at most :data:`MAX_DEPTH` levels;
- the values, counted with every alias expanded (an alias counts as a copy of what it
  refers to, a merge key ``<<`` too), are at most :data:`MAX_VALUES`;
- an alias refers to a finished value, never to one that contains it;
- no mapping holds the same key twice (the error names both lines);
- keys are plain scalars of at most :data:`MAX_KEY_CHARS` characters.

The nodes are then built into Python values by PyYAML's :class:`~yaml.SafeConstructor`
(the same tags and types as ``yaml.safe_load``). Every problem is one
:class:`~sim.io.errors.ScenarioError` naming the file and the line, quoting at most a short
excerpt of the text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml import events, nodes
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from sim.io.errors import ScenarioError, quoted, short
from sim.io.limits import paused_gc

#: Largest scenario file read (a real ward's file is well under 100 KB).
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Deepest nesting of mappings and lists, aliases expanded (a scenario needs about 6).
MAX_DEPTH = 32
#: Most values (scalars, lists, mappings) in a file, every alias expanded.
MAX_VALUES = 1_000_000
#: Longest key.
MAX_KEY_CHARS = 200

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


def read_text(path: Path, file: str) -> str:
    """Return the text of a scenario file, refusing a folder, a device or an oversized file."""
    try:
        folder, exists, regular = path.is_dir(), path.exists(), path.is_file()
    except (OSError, ValueError) as err:
        reason = short(getattr(err, "strerror", None) or err, 80)
        raise ScenarioError(file, "", f"cannot be read: {reason}") from None
    if folder:
        raise ScenarioError(file, "", "is a folder, not a scenario file "
                            "(give the path of a .yaml file)")
    if not exists:
        raise ScenarioError(file, "", "file not found")
    if not regular:
        raise ScenarioError(file, "", "is not a regular file (give the path of a .yaml file)")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise ScenarioError(file, "", f"cannot be read: {short(err.strerror or err, 80)}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(file, "", f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                            "a scenario file of a ward is far smaller")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ScenarioError(file, f"line {line}",
                            "is not UTF-8 text; save the file as UTF-8") from None


def read_yaml(path: Path, file: str) -> Any:
    """Read one YAML file into Python values, within the limits of this module.

    ``file`` is the name errors are told under.

    Raises
    ------
    ScenarioError
        For a file that cannot be read, is not valid YAML or breaks a limit.
    """
    return parse_yaml(read_text(path, file), file)


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text (one document) into Python values, within this module's limits."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(file, "", f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        with paused_gc():
            root = _Composer(file).compose(yaml.parse(text, Loader=_Loader))
            return None if root is None else _Constructor().construct_document(root)
    except yaml.MarkedYAMLError as err:
        raise _yaml_error(err, text, file) from None
    except yaml.YAMLError as err:
        problem = short(str(err).splitlines()[0] if str(err) else "cannot be read", 100)
        raise ScenarioError(file, "", f"not valid YAML: {problem}") from None
    except RecursionError:  # not expected within MAX_DEPTH; a last guard all the same
        raise ScenarioError(file, "", f"nests more than {MAX_DEPTH} levels deep") from None


def _yaml_error(err: yaml.MarkedYAMLError, text: str, file: str) -> ScenarioError:
    mark = err.problem_mark or err.context_mark
    where = f"line {mark.line + 1}" if mark is not None else ""
    problem = err.problem or err.context or "cannot be read"
    if "nesting depth" in problem:
        return ScenarioError(file, where, f"nests more than {MAX_DEPTH} levels deep; "
                             "a scenario needs only a few")
    if mark is not None and "cannot start any token" in problem:
        lines = text.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
        char = line[mark.column] if mark.column < len(line) else ""
        if char == "\t":
            return ScenarioError(file, where,
                                 "not valid YAML: a tab character; indent with spaces, never tabs")
        if char:
            problem = f"the character {char!r} cannot start a value here (put the text in quotes)"
    return ScenarioError(file, where, f"not valid YAML: {short(problem, 120)}")


_KINDS = {"int": "a whole number", "float": "a number", "timestamp": "a date",
          "binary": "binary data", "bool": "true or false"}


class _Constructor(SafeConstructor):
    """PyYAML's safe constructor, telling a value it cannot build at the value's line."""

    def construct_yaml_int(self, node: nodes.ScalarNode) -> int:
        """Build a whole number, refusing one of more digits than any scenario value has."""
        if len(node.value) > 40:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number of {len(node.value):,} digits; no value of a scenario "
                "has more than a few", node.start_mark)
        return super().construct_yaml_int(node)

    def construct_object(self, node: nodes.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError, ArithmeticError) as err:
            kind = _KINDS.get(str(node.tag).rsplit(":", 1)[-1], "a value")
            text = quoted(node.value, 40) if isinstance(node, nodes.ScalarNode) else "this value"
            raise yaml.constructor.ConstructorError(
                None, None, f"{text} cannot be read as {kind} ({short(err, 60)}); "
                "put it in quotes if it is meant as text", node.start_mark) from None


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)


class _Frame:
    """A mapping or list being composed."""

    __slots__ = ("node", "height", "start", "keys", "key")

    def __init__(self, node: nodes.CollectionNode, start: int) -> None:
        self.node, self.height, self.start = node, 0, start
        self.keys: dict[Any, int] | None = {} if isinstance(node, nodes.MappingNode) else None
        self.key: nodes.Node | None = None  # a mapping's key waiting for its value


class _Composer:
    """Events -> nodes by a loop, with the limits of this module."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.resolver = Resolver()
        self.keys = SafeConstructor()
        self.anchors: dict[str, nodes.Node] = {}
        self.open: set[int] = set()  # ids of anchored collections not finished yet
        self.size: dict[int, tuple[int, int]] = {}  # anchored node -> (values, height)
        self.values = 0
        self.tags: dict[tuple[str, Any], str] = {}  # resolved tags of short plain scalars

    def fail(self, mark: Any, message: str) -> ScenarioError:
        where = f"line {mark.line + 1}" if mark is not None else ""
        return ScenarioError(self.file, where, message)

    def compose(self, stream: Any) -> nodes.Node | None:
        """Return the root node of the one document in ``stream`` (None for an empty file)."""
        root: nodes.Node | None = None
        documents = 0
        stack: list[_Frame] = []
        for event in stream:
            if isinstance(event, events.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.fail(event.start_mark, "holds more than one YAML document "
                                    "(a line `---`); a scenario file is one document")
                continue
            if isinstance(event, (events.StreamStartEvent, events.StreamEndEvent,
                                  events.DocumentEndEvent)):
                continue
            if isinstance(event, events.CollectionEndEvent):
                frame = stack.pop()
                done, height = frame.node, frame.height
                if id(done) in self.open:
                    self.open.discard(id(done))
                    self.size[id(done)] = (self.values - frame.start, height)
            elif isinstance(event, events.AliasEvent):
                done, height = self._alias(event, len(stack))
            elif isinstance(event, events.ScalarEvent):
                done, height = self._scalar(event), 0
            else:
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(event.start_mark, f"nests more than {MAX_DEPTH} levels deep; "
                                    "a scenario needs only a few")
                start = self.values
                self._count(1, event)
                stack.append(_Frame(self._collection(event), start))
                continue
            if not stack:
                root = done
            else:
                self._add(stack[-1], done, height, event)
        return root

    def _count(self, n: int, event: Any) -> None:
        self.values += n
        if self.values > MAX_VALUES:
            raise self.fail(event.start_mark, f"holds more than {MAX_VALUES:,} values, aliases "
                            "expanded (each alias counts as a copy of what it refers to)")

    def _scalar(self, event: events.ScalarEvent) -> nodes.ScalarNode:
        tag = event.tag
        if tag is None or tag == "!":
            key = (event.value, event.implicit)
            tag = self.tags.get(key) if len(event.value) <= 64 else None
            if tag is None:
                tag = self.resolver.resolve(nodes.ScalarNode, event.value, event.implicit)
                if len(event.value) <= 64 and len(self.tags) < 50_000:
                    self.tags[key] = tag
        node = nodes.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                style=event.style)
        self._count(1, event)
        if event.anchor is not None:
            self.anchors[event.anchor] = node
            self.size[id(node)] = (1, 0)
        return node

    def _collection(self, event: Any) -> nodes.CollectionNode:
        mapping = isinstance(event, events.MappingStartEvent)
        kind = nodes.MappingNode if mapping else nodes.SequenceNode
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(kind, None, event.implicit)
        node = kind(tag, [], event.start_mark, event.end_mark, flow_style=event.flow_style)
        if event.anchor is not None:
            self.anchors[event.anchor] = node
            self.open.add(id(node))
        return node

    def _alias(self, event: events.AliasEvent, depth: int) -> tuple[nodes.Node, int]:
        node = self.anchors.get(event.anchor)
        name = short(event.anchor, 40)
        if node is None:
            raise self.fail(event.start_mark,
                            f"the alias *{name} refers to no anchor (&{name}) above it")
        if id(node) in self.open:
            raise self.fail(event.start_mark,
                            f"the alias *{name} refers to a value that contains it")
        values, height = self.size[id(node)]
        if depth + height > MAX_DEPTH:
            raise self.fail(event.start_mark, f"nests more than {MAX_DEPTH} levels deep once the "
                            f"alias *{name} is expanded")
        self._count(values, event)
        return node, height

    def _add(self, frame: _Frame, node: nodes.Node, height: int, event: Any) -> None:
        frame.height = max(frame.height, height + 1)
        parent = frame.node
        if frame.keys is None:
            parent.value.append(node)
        elif frame.key is None:
            self._check_key(frame.keys, node, event)
            frame.key = node
        else:
            parent.value.append((frame.key, node))
            frame.key = None

    def _check_key(self, seen: dict[Any, int], key: nodes.Node, event: Any) -> None:
        if not isinstance(key, nodes.ScalarNode):
            raise self.fail(event.start_mark, "a key must be a plain name, not a list or mapping")
        if len(key.value) > MAX_KEY_CHARS:
            raise self.fail(key.start_mark, f"a key of {len(key.value):,} characters "
                            f"({short(key.value, 40)}); keys are short names")
        if key.tag == _STR:
            value: Any = key.value
        else:
            try:
                constructor = self.keys.yaml_constructors.get(key.tag)
                value = constructor(self.keys, key) if constructor is not None else key.value
                hash(value)
            except (yaml.YAMLError, TypeError, ValueError, OverflowError):
                value = (key.tag, key.value)
        line = key.start_mark.line + 1
        first = seen.get(value)  # equal as Python keys: what the built mapping would merge
        if first is not None:
            earlier = "earlier on the same line" if first == line else f"first on line {first}"
            raise ScenarioError(self.file, f"line {line}",
                                f"the key {quoted(key.value, 40)} is given twice in the same "
                                f"mapping ({earlier}); keep one")
        seen[value] = line
