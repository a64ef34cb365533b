"""Import and export of interchange documents (the stable outside boundary; see docs/interchange.md).

Import is atomic: every problem is found first, reported one line each with its JSON path, and nothing is
written unless there are none.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from vigil.core import access_log, clock
from vigil.core.errors import InputError
from vigil.interchange import registry
from vigil.interchange.schema import check, refs

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


def read_document(path: str | Path) -> dict:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    size = p.stat().st_size
    if size > settings.VIGIL_IMPORT_MAX_BYTES:
        raise InputError(f"{path}: {size:,} bytes is larger than the import limit of "
                         f"{settings.VIGIL_IMPORT_MAX_BYTES:,} bytes (VIGIL_IMPORT_MAX_BYTES)")
    try:
        with p.open("rb") as fh:
            return parse_document(fh.read())
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def parse_document(data: bytes | str) -> dict:
    try:
        doc = json.loads(data)
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(doc, dict):
        raise InputError("the document must be a JSON object")
    return doc


def validate(doc: dict, actor: Any = "system:import") -> ImportContext:
    ctx = ImportContext(doc=doc, actor=actor)
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
            for part in registry.chunks(sorted(seen)):
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
        for part in registry.chunks(sorted(ids)):
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
    return counts


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
            out.write(("\n" if n == 0 else ",\n") + json.dumps(item, ensure_ascii=False, default=str))
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
