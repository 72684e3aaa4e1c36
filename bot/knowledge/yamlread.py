"""Read one hand-written YAML file safely and fast, with French errors located at the mistake.

* libyaml's C parser (``CSafeLoader``, about ten times faster than the pure-Python one) when it
  is installed; every mapping still remembers its line, from the C composer's marks.
* Anchors and aliases are refused before anything is built: PyYAML expands them, and nine
  nested ``&a [*b, …]`` levels take minutes and gigabytes. Hand-written knowledge needs none.
* A file that may nest deeper than a couple of hundred levels is scanned and refused beyond
  :data:`MAX_DEPTH` (a 20 000-deep file would exhaust the stack); directories, unreadable
  files, non-UTF-8 text and files over :data:`MAX_BYTES` are refused too, in French.
* A syntax error is one message at the line of the mistake: an unclosed quote is reported where
  it opens, not where the parser finally gave up, with a hint to quote the whole text.
* YAML 1.1 reads ``yes``/``no``/``on``/``off`` as booleans and ``12:30`` as 750: such values are
  marked (:class:`Sexagesimal`) so that a field expecting text can refuse them with a hint.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.model import Problem

MAX_DEPTH = 40
MAX_BYTES = 20_000_000
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ScanLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping that knows the line it starts on (1-based)."""

    line: int | None = None


class Sexagesimal(int):
    """An integer YAML 1.1 read from ``12:30``-like text (750): :attr:`text` is what was typed."""

    text: str = ""


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader (C-accelerated when possible) that records the line of every mapping."""


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> dict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    value = loader.construct_yaml_int(node)
    if ":" in str(node.value) and not isinstance(value, bool):
        marked = Sexagesimal(value)
        marked.text = str(node.value)
        return marked
    return value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def quote_hint(value: Any) -> str | None:
    """Why a non-text value was probably meant as text, and how to write it; else None."""
    if isinstance(value, bool):
        return (f"YAML lit ce mot comme le booléen {'vrai' if value else 'faux'} "
                "(yes, no, on, off, true, false) : mettez-le entre guillemets, ex. \"oui\"")
    if isinstance(value, Sexagesimal):
        return (f"YAML lit « {value.text} » comme le nombre {int(value)} : "
                f"mettez-le entre guillemets, ex. \"{value.text}\"")
    if isinstance(value, dict) and len(value) == 1:
        key, rest = next(iter(value.items()))
        return (f"« {key} : {rest} » contient « : » suivi d'un espace, que YAML lit comme "
                f"« clé : valeur » : mettez tout le texte entre guillemets, ex. \"{key} : {rest}\"")
    if isinstance(value, list | dict):
        return None
    if value is not None and not isinstance(value, str | int | float):
        return f"YAML lit « {value} » comme une date ou un nombre : mettez-le entre guillemets"
    return None


def rel_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def read_bytes(path: Path, rel: str, problems: list[Problem]) -> bytes | None:
    """The file's bytes, or None with a French problem (missing, a folder, unreadable, huge)."""
    try:
        if path.is_dir():
            problems.append(Problem(rel, "c'est un dossier, pas un fichier YAML : renommez-le "
                                         "ou déplacez-le"))
            return None
        size = path.stat().st_size
        if size > MAX_BYTES:
            problems.append(Problem(rel, f"fichier trop gros ({size // 1_000_000} Mo, au plus "
                                         f"{MAX_BYTES // 1_000_000} Mo)"))
            return None
        return path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(rel, "fichier manquant"))
    except PermissionError:
        problems.append(Problem(rel, "fichier illisible : droits d'accès insuffisants"))
    except OSError as exc:
        problems.append(Problem(rel, f"fichier illisible (erreur système n°{exc.errno})"))
    return None


def parse(data: bytes, rel: str, problems: list[Problem]) -> Any:
    """The YAML document in ``data``, or None with exactly one located French problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(rel, "le fichier doit être enregistré en UTF-8", line=line))
        return None
    text = text.removeprefix("\ufeff")
    try:
        try:
            data, refused = _from_events(text, rel)
        except _Unusual:  # explicit tags, merge keys, several documents…: PyYAML's own way
            refused = _structure_problem(text, rel)
            data = None if refused else yaml.load(text, Loader=_LineLoader)  # a SafeLoader
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(text, rel, exc))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(rel, f"Erreur de syntaxe YAML dans {_short(rel)} : {exc}"))
        return None
    except RecursionError:
        problems.append(Problem(rel, "imbrication trop profonde"))
        return None
    if refused is not None:
        problems.append(refused)
        return None
    return data


def read_yaml(path: Path, root: Path, problems: list[Problem]) -> Any:
    rel = rel_path(path, root)
    data = read_bytes(path, rel, problems)
    return None if data is None else parse(data, rel, problems)


# --------------------------------------------------------------------------- from events

class _Unusual(Exception):
    """Something the event builder leaves to PyYAML's constructor (same result, slower)."""


_STR = "tag:yaml.org,2002:str"
_PLAIN_TAGS = frozenset({_STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                         "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
                         "tag:yaml.org,2002:timestamp"})
_ALIAS_MESSAGE = ("les ancres et alias YAML (« &nom », « *nom ») ne sont pas acceptés : "
                  "recopiez le texte ; s'il commence par & ou *, mettez-le entre guillemets")
_NOKEY = object()


def _from_events(text: str, rel: str) -> tuple[Any, Problem | None]:
    """The document built straight from the parser's events: what ``yaml.load`` with
    :class:`_LineLoader` gives, several times faster (no node tree, one resolution per
    distinct plain scalar), refusing anchors, aliases and nesting deeper than MAX_DEPTH at
    their line before anything is expanded. Raises :class:`_Unusual` for the rest."""
    loader = _LineLoader(text)
    resolve, construct = loader.resolve, loader.construct_object
    tags: dict[tuple[str, bool], str] = {}
    stack: list[list] = []  # [container, pending mapping key]
    root: Any = None
    documents = 0
    try:
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.anchor:
                    return None, Problem(rel, _ALIAS_MESSAGE, line=event.start_mark.line + 1)
                if event.tag is not None and event.tag != "!":
                    raise _Unusual
                plain = event.implicit[0]
                tag = tags.get((event.value, plain))
                if tag is None:
                    tag = tags[event.value, plain] = resolve(yaml.ScalarNode, event.value,
                                                             event.implicit)
                if tag == _STR:
                    value: Any = event.value
                elif tag in _PLAIN_TAGS:
                    value = construct(yaml.ScalarNode(tag, event.value, event.start_mark,
                                                      event.end_mark, event.style))
                else:
                    raise _Unusual  # e.g. a merge key « << »
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                line = event.start_mark.line + 1
                if event.anchor:
                    return None, Problem(rel, _ALIAS_MESSAGE, line=line)
                if event.tag is not None and event.tag != "!":
                    raise _Unusual
                if len(stack) >= MAX_DEPTH:
                    return None, Problem(rel, "imbrication trop profonde (plus de "
                                              f"{MAX_DEPTH} niveaux)", line=line)
                if kind is yaml.MappingStartEvent:
                    mapping = LineDict()
                    mapping.line = line
                    stack.append([mapping, _NOKEY])
                else:
                    stack.append([[], _NOKEY])
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                value = stack.pop()[0]
            elif kind is yaml.AliasEvent:
                return None, Problem(rel, _ALIAS_MESSAGE, line=event.start_mark.line + 1)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Unusual  # PyYAML says « expected a single document », located
                continue
            elif kind is yaml.StreamEndEvent:
                return root, None
            else:  # stream start, document end
                continue
            if not stack:
                root = value
                continue
            top = stack[-1]
            if type(top[0]) is list:
                top[0].append(value)
            elif top[1] is _NOKEY:
                if isinstance(value, list | dict):
                    raise _Unusual  # a list or mapping as a key: PyYAML locates the error
                top[1] = value
            else:
                top[0][top[1]] = value
                top[1] = _NOKEY
    finally:
        loader.dispose()

def _structure_problem(text: str, rel: str) -> Problem | None:
    """Anchors, aliases and excessive nesting, found from the parser's events only (nothing
    is built), or None: the guard before PyYAML's constructor, for unusual files."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_ScanLoader):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return Problem(rel, _ALIAS_MESSAGE, line=line)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return Problem(rel, f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux)",
                                   line=line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # the real parse reports the syntax error, located
    return None


# --------------------------------------------------------------------------- syntax errors

def _short(rel: str) -> str:
    return rel.removeprefix("knowledge/")


_PROBLEMS_FR = (
    ("found unexpected end of stream", "fin du fichier atteinte dans un texte entre guillemets"),
    ("found character '\\t' that cannot start any token",
     "tabulation interdite : indentez avec des espaces"),
    ("tab character", "tabulation interdite : indentez avec des espaces"),
    ("mapping values are not allowed",
     "« : » suivi d'un espace au milieu d'un texte : mettez tout le texte entre guillemets"),
    ("expected <block end>, but found", "texte inattendu après la fin d'une valeur"),
    ("did not find expected key", "texte inattendu après la fin d'une valeur, ou indentation "
                                  "incorrecte"),
    ("did not find expected '-' indicator", "indentation incorrecte dans une liste (« - »)"),
    ("block sequence entries are not allowed", "« - » mal placé : indentation incorrecte ?"),
    ("found character that cannot start any token", "caractère interdit en début de texte "
                                                    "(tabulation, @, `) : mettez le texte entre "
                                                    "guillemets"),
    ("did not find expected node content", "valeur manquante ou mal écrite"),
    ("found unknown escape character", "« \\ » suivi d'un caractère inconnu dans un texte entre "
                                       "guillemets doubles : utilisez des guillemets simples"),
    ("could not find expected ':'", "« : » attendu après le nom du champ"),
    ("found undefined alias", "alias YAML (« *nom ») non accepté"),
    ("expected ',' or ']'", "« ] » ou « , » attendu : crochet non refermé ?"),
    ("expected ',' or '}'", "« } » ou « , » attendu : accolade non refermée ?"),
    ("found unexpected ':'", "« : » inattendu : mettez le texte entre guillemets"),
    ("found duplicate", "champ en double"),
    ("maximum nesting depth", f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux)"),
)


def _french(problem: str) -> str:
    for english, french in _PROBLEMS_FR:
        if english in problem:
            return french
    return f"structure incorrecte ({problem})"


def _syntax_problem(text: str, rel: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    message = _french(str(exc.problem or exc.context or ""))
    opened = _unclosed_quote(text, exc)
    if opened is not None:
        line, message = opened
    where = f", ligne {line}" if line else ""
    return Problem(rel, f"Erreur de syntaxe YAML dans {_short(rel)}{where} : {message}", line=line)


def _unclosed_quote(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, str] | None:
    """When the parser stumbles on text right after a quoted scalar, the mistake is usually the
    quote: never closed (the scalar ran over several lines), or a text that only *starts* with
    a quotation. Returns (line, message) for that case."""
    mark = exc.problem_mark
    if mark is None:
        return None
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            last = token
    except yaml.YAMLError:
        pass
    if isinstance(last, yaml.ScalarToken) and last.style in ("'", '"'):
        start, end = last.start_mark.line, last.end_mark.line
        q = last.style
        other = "'" if q == '"' else '"'
        if start != end:
            return start + 1, (f"le guillemet {q} ouvert ligne {start + 1} n'est refermé que "
                               f"ligne {end + 1} : guillemet fermant oublié ?")
        return start + 1, ("un texte qui commence par un guillemet doit être entièrement entre "
                           f"guillemets : entourez toute la ligne de guillemets {other}…{other}")
    if "expected ','" in str(exc.problem or "") and exc.context_mark:  # [ or { never closed
        line = exc.context_mark.line + 1
        return line, f"{_french(str(exc.problem))} (ouvert ligne {line})"
    if "found unexpected end of stream" in str(exc.problem or "") and exc.context_mark:
        line = exc.context_mark.line + 1
        return line, f"guillemet ouvert ligne {line} jamais refermé"
    return None
