"""The project's imports point one way and go round in no circle (read from the source, by ast).

Every import counts, those inside functions too: a lazy import hides a cycle from Python, not
from the next reader. A package's `__init__` gathering its own modules is not a dependency.
"""

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("powdercoat", "admin_views", "config")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    """Every first-party module but the migrations (generated, and frozen in time)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


MODULES = _modules()


def _known(name: str) -> str | None:
    """The first-party module `name` is, or lives in (`powdercoat.models.Job` → the package)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def _imported_names(module: str, path: Path) -> Iterable[str]:
    """Dotted names of everything the module imports, relative imports made absolute."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from package import module` imports the module; `from module import name`
            # imports the module the name lives in.
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """Module → the first-party modules it imports."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = {_known(name) for name in _imported_names(module, path)}
        graph[module] = {
            target
            for target in targets
            if target is not None
            and target != module
            # A package gathering its own modules for its callers is not a dependency.
            and not (path.name == "__init__.py" and target.startswith(f"{module}."))
        }
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other round in a circle (Tarjan's algorithm)."""
    order: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = lowest[node] = len(order)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in order:
                visit(target)
                lowest[node] = min(lowest[node], lowest[target])
            elif target in stack:
                lowest[node] = min(lowest[node], order[target])
        if lowest[node] == order[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return found


def _reversed(graph, importer_prefix: str, imported_prefix: str) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module == importer_prefix or module.startswith(f"{importer_prefix}.")
        for target in targets
        if target == imported_prefix or target.startswith(f"{imported_prefix}.")
    )


GRAPH = import_graph()


def test_the_walk_sees_the_imports_it_must_judge():
    """The graph is read from the real files: lazy imports inside functions included."""
    assert "powdercoat.services.jobs" in GRAPH
    assert "powdercoat.models.jobs" in GRAPH["powdercoat.services.jobs"]
    assert "powdercoat.services.prices" in GRAPH["powdercoat.services.items"]
    assert "powdercoat.models" in GRAPH["admin_views.views.shop_common"]


def test_no_module_imports_itself_round_in_a_circle():
    """No cycle anywhere in powdercoat, admin_views or config (services/ included)."""
    assert cycles(GRAPH) == []


@pytest.mark.parametrize(
    ("importer", "imported", "why"),
    [
        ("powdercoat", "admin_views", "the shop's core and admin never need the admin's pages"),
        ("powdercoat.models", "powdercoat.services", "models know nothing of the services"),
        ("powdercoat.services", "powdercoat.admin", "services serve every screen alike"),
        ("powdercoat.selectors", "powdercoat.admin", "reads serve every screen alike"),
        ("powdercoat.templatetags", "powdercoat.admin", "tags read the page, not the admin"),
        ("powdercoat.documents", "powdercoat.admin", "documents are drawn from the data"),
    ],
)
def test_dependencies_point_one_way(importer, imported, why):
    """The layers' rules, each with its reason."""
    assert _reversed(GRAPH, importer, imported) == [], why


def test_a_planted_cycle_and_a_planted_reversal_are_caught():
    """The checks can fail: a made-up graph with one of each is reported."""
    planted = {
        "powdercoat.services.items": {"powdercoat.services.jobs"},
        "powdercoat.services.jobs": {"powdercoat.services.quotes"},
        "powdercoat.services.quotes": {"powdercoat.services.items"},
        "powdercoat.admin.jobs": {"admin_views.sites"},
        "admin_views.sites": set(),
    }
    assert cycles(planted) == [
        ["powdercoat.services.items", "powdercoat.services.jobs", "powdercoat.services.quotes"]
    ]
    assert _reversed(planted, "powdercoat", "admin_views") == [
        "powdercoat.admin.jobs imports admin_views.sites"
    ]
