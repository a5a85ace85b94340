"""The domain packages never see HTTP (shared/design/layout.md, rule 1):
no module of a domain package imports pyramid, webob, cornice or the
faults module. A package's ``__init__.py`` is its wiring (``includeme``)
and may; so may the HTTP edge (views, resources, schemas) and the scripts."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "synnefo_pyr"
EDGE = {"views", "resources", "schemas", "scripts", "alembic"}
FORBIDDEN = ("pyramid", "webob", "cornice", "synnefo_pyr.faults")


def domain_modules():
    for path in sorted(PACKAGE.glob("*/**/*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in EDGE or path.name == "__init__.py":
            continue
        yield relative


def imported_names(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                # A relative import: resolve it against the module's package.
                parts = ("synnefo_pyr",) + path.relative_to(PACKAGE).parent.parts
                parts = parts[: len(parts) - (node.level - 1)]
                module = ".".join(parts + ((module,) if module else ()))
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_there_are_domain_modules():
    assert len(list(domain_modules())) > 20


@pytest.mark.parametrize("module", list(domain_modules()), ids=str)
def test_domain_module_does_not_import_the_web_layer(module):
    bad = [name for name in imported_names(PACKAGE / module)
           if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)]
    assert bad == [], f"{module} imports {bad}"
