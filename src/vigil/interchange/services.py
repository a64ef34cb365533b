"""Import and export of interchange documents (the stable outside boundary; see docs/interchange.md).

Import is atomic: every problem is found first, reported one line each with its JSON path, and nothing is
written unless there are none.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from vigil.core import access_log, clock, rows
from vigil.core.errors import InputError
from vigil.interchange import registry
from vigil.interchange.schema import _fmt, check, refs
from vigil.sweep.registry import rejudge

FORMAT = "vigil-interchange/1"


class ImportRefused(InputError):
    """The document has problems; ``problems`` lists one line each. Nothing was written."""


@dataclass
class ImportContext:
    doc: dict
    actor: Any = "system:import"
    problems: list[str] = field(default_factory=list)
    doc_ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    db_ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    pks: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))  # section → id → pk

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def known(self, section: str, ref: str) -> bool:
        return ref in self.doc_ids[section] or ref in self.db_ids[section]


def printable_name(path: str | Path) -> str:
    """A file name as one short line, whatever characters it holds."""
    text = str(path) if str(path).isprintable() else repr(str(path))[1:-1]
    return text if len(text) <= 80 else text[:77] + "…"


def read_document(path: str | Path) -> dict:
    p = Path(path)
    shown = printable_name(path)
    try:
        if not p.is_file():
            raise InputError(f"{shown}: no such file")
        size = p.stat().st_size
    except OSError as exc:  # a name too long, a path through a file, no permission to look
        raise InputError(f"{shown}: cannot be read ({exc.strerror})") from None
    if size > settings.VIGIL_IMPORT_MAX_BYTES:
        raise InputError(f"{shown}: {size:,} bytes is larger than the import limit of "
                         f"{settings.VIGIL_IMPORT_MAX_BYTES:,} bytes (VIGIL_IMPORT_MAX_BYTES)")
    try:
        with p.open("rb") as fh:
            return parse_document(fh.read())
    except OSError as exc:
        raise InputError(f"{shown}: cannot be read ({exc.strerror})") from None


MAX_DEPTH = 32  # the format nests a few levels; anything far deeper is refused before it is walked
MAX_DIGITS = 30  # a number with more digits than this is no measurement Vigil holds
MAX_PROBLEMS = 200  # a hopeless document gets the first problems, not millions of lines
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_]{1,64}")


def _refuse_constant(name: str):
    raise InputError(f"not valid JSON: {name} is not a JSON number (numbers must be finite)")


def _finite_float(text: str) -> float:
    if len(text) > MAX_DIGITS + 10 or not math.isfinite(value := float(text)):
        raise InputError(f"the number {text[:40]} is too large (numbers must be finite JSON numbers)")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise InputError(f"the number {text[:40]}… has more than {MAX_DIGITS} digits")
    return int(text)


def parse_document(data: bytes | str) -> dict:
    """JSON text → a dict, refusing what is not plain JSON: NaN and Infinity, numbers too large to be finite,
    nesting deeper than ``MAX_DEPTH``, NUL characters and lone surrogates (neither can be stored)."""
    try:
        doc = json.loads(data, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise InputError(f"the document is nested too deeply (more than {MAX_DEPTH} levels)") from None
    if not isinstance(doc, dict):
        raise InputError("the document must be a JSON object")
    problems = plain_json_problems(doc)
    if problems:
        raise InputError(f"{len(problems)} problem(s); nothing was imported", problems)
    return doc


def _text_problem(text: str) -> str | None:
    m = _BAD_CHARS.search(text)
    if m is None:
        return None
    if m.group() == "\x00":
        return "contains a NUL character (\\u0000), which cannot be stored"
    return f"contains a lone surrogate (\\u{ord(m.group()):04x}), which is not a character"


def _child_path(path: str, key: str) -> str:
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{_fmt(key)}]"


def plain_json_problems(doc: Any) -> list[str]:
    """Problems with a parsed document as plain JSON, whatever the sections say: every string (and key) is
    storable text, every number finite and of sensible size, and nothing is nested deeper than ``MAX_DEPTH``.
    Walked without recursion, so no document can exhaust the stack."""
    problems: list[str] = []
    stack: list[tuple[Any, str, int]] = [(doc, "", 0)]
    while stack and len(problems) < MAX_PROBLEMS:
        value, path, depth = stack.pop()
        where = path or "the document"
        if isinstance(value, str):
            if (msg := _text_problem(value)) is not None:
                problems.append(f"{where}: {msg}")
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if abs(value) >= 10 ** MAX_DIGITS:
                problems.append(f"{where}: the number has more than {MAX_DIGITS} digits")
        elif isinstance(value, float):
            if not math.isfinite(value):
                problems.append(f"{where}: {value} is not a finite number")
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                problems.append(f"{where}: nested too deeply (more than {MAX_DEPTH} levels)")
                continue
            if isinstance(value, dict):
                children = []
                for key, sub in value.items():
                    if not isinstance(key, str):
                        problems.append(f"{where}: a key is not text")
                        continue
                    if (msg := _text_problem(key)) is not None:
                        problems.append(f"{where}: a key {msg}")
                        continue
                    children.append((sub, _child_path(path, key), depth + 1))
            else:
                children = [(sub, f"{path}[{i}]", depth + 1) for i, sub in enumerate(value)]
            stack.extend(reversed(children))
        else:
            problems.append(f"{where}: {type(value).__name__} is not a JSON value")
    return problems


def validate(doc: dict, actor: Any = "system:import") -> ImportContext:
    ctx = ImportContext(doc=doc, actor=actor)
    if not isinstance(doc, dict):
        ctx.problem("the document", "must be a JSON object")
        return ctx
    plain = plain_json_problems(doc)  # callers that pass a dict, not text, get the same refusals
    if plain:
        ctx.problems.extend(plain)
        return ctx
    fmt = doc.get("format")
    if fmt != FORMAT:
        ctx.problem("format", f"{fmt!r} is not {FORMAT!r}")
    present = [s for s in registry.sections() if s.name in doc]
    valid_items: dict[str, list[dict]] = {}
    for s in present:
        items = doc[s.name]
        if items is None:
            valid_items[s.name] = []
            continue
        if not isinstance(items, list):
            ctx.problem(s.name, "expected a list")
            continue
        good = []
        for i, item in enumerate(items):
            before = len(ctx.problems)
            if item is None:  # an item is an object; a null one is not "an item with nothing in it"
                ctx.problem(f"{s.name}[{i}]", "expected an object, got None")
            check(s.item, item, f"{s.name}[{i}]", ctx.problems)
            if len(ctx.problems) == before:
                good.append(item)
        valid_items[s.name] = good if len(good) == len(items) else []
        if s.id_key:
            seen: dict[str, int] = {}
            for i, item in enumerate(items):
                rid = item.get(s.id_key) if isinstance(item, dict) else None
                if not isinstance(rid, str):
                    continue
                if rid in seen:
                    ctx.problem(f"{s.name}[{i}].{s.id_key}", f"{rid!r} is used twice in this document "
                                f"(also {s.name}[{seen[rid]}])")
                seen[rid] = i
            ctx.doc_ids[s.name] = set(seen)
            already = set()
            for part in rows.chunks(sorted(seen)):
                already |= s.existing_ids(set(part))
            if already:
                names = ", ".join(sorted(already)[:20]) + (" …" if len(already) > 20 else "")
                ctx.problem(s.name, f"{len(already)} id(s) already exist and are refused: {names}")
    # References: within the document, or already in the database.
    wanted: dict[str, set[str]] = defaultdict(set)
    found_refs = []
    for s in present:
        items = doc[s.name] if isinstance(doc[s.name], list) else []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            for target, rid, path in refs(s.item, item, f"{s.name}[{i}]"):
                found_refs.append((target, rid, path))
                if rid not in ctx.doc_ids[target]:
                    wanted[target].add(rid)
    for target, ids in wanted.items():
        sec = registry.section(target)
        if sec is None:
            continue
        for part in rows.chunks(sorted(ids)):
            ctx.db_ids[target] |= sec.existing_ids(set(part))
    for target, rid, path in found_refs:
        if not ctx.known(target, rid):
            ctx.problem(path, f"{rid!r} is not a known {target[:-1] if target.endswith('s') else target} id")
    for s in present:
        if valid_items.get(s.name):
            s.check(valid_items[s.name], ctx)
    return ctx


def import_document(doc: dict, *, actor: Any = "system:import", source: str = "") -> dict[str, int]:
    """Validate, then load everything in one transaction. Returns counts by section."""
    ctx = validate(doc, actor)
    if ctx.problems:
        raise ImportRefused(f"{len(ctx.problems)} problem(s); nothing was imported", ctx.problems)
    counts: dict[str, int] = {}
    touched: dict[str, set[str]] = {}
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:16]
    with transaction.atomic():
        for s in registry.sections():
            items = doc.get(s.name) or []
            if not items:
                continue
            s.load(items, ctx)
            counts[s.name] = len(items)
            access_log.record(
                actor=actor, operation="collection", record_type=s.name, record_ids=f"import:{digest}",
                justification="bulk import of an interchange document",
                detail=f"{len(items)} {s.name} record(s) collected from {source or 'a document'}",
            )
            for record_type, refs in s.touched(items).items():
                touched.setdefault(record_type, set()).update(refs)
        # Cleared at once: the records the import changed are re-judged in its transaction (docs/adr/0018).
        for record_type, refs in sorted(touched.items()):
            rejudge(record_type, refs, clock.today(),
                    cleared_by=f"cleared by the import of {printable_name(source) if source else 'a document'}")
    if sum(counts.values()) >= rows.BULK_ROWS:
        rows.analyze()
    return counts


def _dumps(item: dict) -> str:
    """One record as strict JSON. A number that is not finite (left by an older import) is written as null:
    NaN and Infinity are not JSON, and a document other systems cannot read is worse than a missing score."""
    try:
        return json.dumps(item, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(item), ensure_ascii=False, default=str, allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def export_document(out: IO[str], *, actor: Any = "system:export", recipients: list[str] | None = None,
                    purpose: str = "export of the whole database", progress=None) -> dict[str, int]:
    """Stream the whole database as an interchange document; logged as a disclosure."""
    counts: dict[str, int] = {}
    out.write("{\n")
    out.write(f'"format": {json.dumps(FORMAT)},\n')
    out.write(f'"exported_at": {json.dumps(clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"))}')
    for s in registry.sections():
        out.write(f",\n{json.dumps(s.name)}: [")
        n = 0
        for item in s.export(None):
            out.write(("\n" if n == 0 else ",\n") + _dumps(item))
            n += 1
        out.write("\n]" if n else "]")
        counts[s.name] = n
        if progress:
            progress(s.name, n)
    out.write("\n}\n")
    access_log.record(
        actor=actor, operation="disclosure", record_type="database", record_ids="export",
        justification=purpose, recipients=recipients or ["unspecified"],
        detail="; ".join(f"{k}: {v}" for k, v in counts.items()),
    )
    return counts
