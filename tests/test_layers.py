"""The seams between the packages: leaf modules stay leaves, adapters and handlers never reach up into the wiring,
and no two modules import each other (directly or round a loop). Read from the source with ``ast``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT

PACKAGES = ("core", "storage", "handlers", "bot", "console", "hotline")
# Who may import whom (besides itself). The app wiring (``hotline``) may import everything.
ALLOWED = {
    "core": set(),
    "storage": {"core"},
    "handlers": {"core", "storage", "bot"},
    "bot": {"core"},
    "console": {"core", "storage", "handlers", "bot", "hotline"},
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


def imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package: str) -> None:
    bad = []
    for name, path in modules().items():
        if name.split(".")[0] != package:
            continue
        for target in imports(path, top_level_only=False):  # lazy imports inside functions count too
            top = target.split(".")[0]
            if top in PACKAGES and top != package and top not in ALLOWED[package]:
                bad.append(f"{name} imports {target}")
    assert not bad, "\n".join(sorted(bad))


def test_no_import_cycles_between_modules() -> None:
    mods = modules()
    graph = {m: {t for t in imports(p, top_level_only=True) if t in mods and t != m} for m, p in mods.items()}
    seen: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> list[str] | None:
        seen[node] = 1
        for nxt in graph[node]:
            if seen.get(nxt) == 1:
                return [*path, node, nxt]
            if nxt not in seen and (cycle := visit(nxt, [*path, node])):
                return cycle
        seen[node] = 2
        return None

    for start in sorted(graph):
        if start not in seen and (cycle := visit(start, [])):
            pytest.fail("import cycle: " + " -> ".join(cycle))
