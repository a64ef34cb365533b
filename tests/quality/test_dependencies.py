"""Dependencies point the right way (issue 10 part 5): production code does not depend on the demo generator, and
core, the ground floor, imports no area. Every import is read from the source, including those inside functions,
so a dependency cannot hide there."""
from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
VIGIL = SRC / "vigil"

# An area's generator module registers its part of the synthetic data with the demo registry: those may use it.
GENERATOR_MODULES = {"generate.py", "demo.py"}
AREAS = ("accounts", "people", "offenders", "investigations", "standards", "missing", "assurance",
         "interchange", "sweep", "demo")


def _module(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path, package: str | None = None) -> set[str]:
    """Every module a file imports, wherever the import statement is (top level or inside a function)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    if package is None:
        package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return out


def _sources():
    return [p for p in VIGIL.rglob("*.py") if "migrations" not in p.parts]


def _uses(imports: set[str], package: str) -> bool:
    return any(i == package or i.startswith(package + ".") for i in imports)


def test_only_the_generators_import_the_demo_package():
    offenders = sorted(
        _module(p) for p in _sources()
        if not p.is_relative_to(VIGIL / "demo") and p.name not in GENERATOR_MODULES
        and _uses(_imports(p), "vigil.demo"))
    assert offenders == [], f"production code imports vigil.demo: {offenders}"


def test_core_imports_no_area():
    found = sorted(f"{_module(p)} → {i}" for p in _sources() if p.is_relative_to(VIGIL / "core")
                   for i in _imports(p) for area in AREAS if i == f"vigil.{area}" or i.startswith(f"vigil.{area}."))
    assert found == [], f"core imports an area: {found}"


def test_the_rules_catch_what_they_should(tmp_path):
    """The import reader sees imports inside functions and relative imports."""
    f = tmp_path / "probe.py"
    f.write_text("def f():\n    from vigil.demo.names import SURNAMES\n    from ..people import models\n")
    assert {"vigil.demo.names", "vigil.people"} <= _imports(f, package="vigil.core")


def _area_imports(area: str, other: str) -> list[str]:
    return sorted(f"{_module(p)} → {i}" for p in _sources() if p.is_relative_to(VIGIL / area)
                  for i in _imports(p) if i == f"vigil.{other}" or i.startswith(f"vigil.{other}."))


def test_investigations_and_standards_depend_one_way_only():
    """Professional standards reads investigations' crimes and allocations; investigations reads restrictions
    through core.restrictions and never imports standards. Both take the crime categories from vigil.crimes."""
    assert _area_imports("investigations", "standards") == []
    assert all(i.split(" → ")[1].startswith("vigil.investigations.models") for i in
               _area_imports("standards", "investigations")), _area_imports("standards", "investigations")


def test_the_crime_catalogue_imports_no_area():
    found = [i for area in AREAS for i in _area_imports("crimes", area)]
    assert found == [], f"the shared crime catalogue imports an area: {found}"
