"""Find ORM writes in source code, by reading it with `ast` (no database, no imports).

tests/test_architecture.py uses this to keep every write to a domain row inside the
services and derive (STYLE.md, "Where domain logic lives"). The detector reads a call
as a write when it is sure enough that the receiver is a model, a manager or a
queryset, and it errs towards reporting: an unexpected report costs a look, a missed
write costs a wrong page.

What counts as a write:

- `.update()`, `.create()`, `.get_or_create()`, `.update_or_create()` and `.bulk_*()`
  on a receiver that is a manager or a queryset: a chain through `.objects`,
  `._default_manager`, `._base_manager`, `.history`, a related manager (any
  `related_name` declared in the scanned code), a QuerySet method (Django's or one
  defined on a QuerySet or Manager class in the scanned code), or a local name bound
  to such a chain, or called `queryset`, `qs` or `*_queryset`. `context.update(...)`
  on a dict is not a write.
- `bulk_create_with_history()` and `bulk_update_with_history()` (simple_history's
  helpers), whatever their receiver.
- `.save()` and `.delete()` with no positional argument (`storage.delete(name)`,
  `cache.delete(key)` and `field_file.save(name, content)` are not rows), unless
  called with `commit=False` (a form or formset that only builds its objects). A
  ModelForm's `form.save()` is a write.
- `super().save_model()`, `delete_model()`, `delete_queryset()`, `save_formset()` and
  `save_related()` in an admin class, when no base class in the scanned code defines
  that hook: the call lands in Django's ModelAdmin, which saves or deletes the rows
  itself.

What is not a write:

- In a model's own `save()` or `delete()`, calls on `super()`, `self` or `type(self)`:
  they are the row's own write, which the services call (`Versioned.save` keeping its
  version).
- Calls on auth rows (`get_user_model()`, `User`, `Group`, `Permission`): accounts
  are not domain rows.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MANAGER_ATTRIBUTES = {"objects", "_default_manager", "_base_manager", "history"}
# Django's QuerySet methods that return a QuerySet (so a write can follow them).
QUERYSET_METHODS = {
    "all",
    "filter",
    "exclude",
    "select_for_update",
    "select_related",
    "prefetch_related",
    "only",
    "defer",
    "order_by",
    "reverse",
    "distinct",
    "annotate",
    "alias",
    "using",
    "none",
    "union",
    "intersection",
    "difference",
    "get_queryset",
    "as_of",
}
QUERYSET_NAMES = {"queryset", "qs"}
QUERYSET_WRITES = {
    "create",
    "update",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
}
# simple_history's helpers, and the services' own bulk insert that stands in for them
# (sources/services.py, rows_insert: COPY on PostgreSQL).
HISTORY_HELPERS = {
    "bulk_create_with_history",
    "bulk_update_with_history",
    "rows_insert",
}
ROW_WRITES = {"save", "delete"}
ADMIN_HOOKS = {
    "save_model",
    "delete_model",
    "delete_queryset",
    "save_formset",
    "save_related",
}
AUTH_CLASSES = {"User", "Group", "Permission", "AnonymousUser"}
SELF_NAMES = {"self", "super()", "type(self)", "self.__class__"}


@dataclass(frozen=True, order=True)
class Violation:
    """One ORM write: where it is and what it calls."""

    path: str  # relative to the scanned root, with forward slashes
    line: int
    call: str  # the call with its arguments elided: Job.objects.filter(…).update(…)

    @property
    def key(self) -> str:
        """Name the write without its line, so edits above it do not move it."""
        return f"{self.path}: {self.call}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.call}"


@dataclass
class Context:
    """What the scanned code declares about itself: the names of its QuerySet and
    Manager methods, its related managers, and its classes (for `super()` calls)."""

    queryset_methods: set[str] = field(default_factory=lambda: set(QUERYSET_METHODS))
    related_names: set[str] = field(default_factory=set)
    # class name -> (base class names, method names)
    classes: dict[str, tuple[list[str], set[str]]] = field(default_factory=dict)

    def learn(self, tree: ast.AST) -> None:
        """Add what one module declares."""
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = [_dotted(base).rsplit(".", 1)[-1] for base in node.bases]
                methods = {
                    item.name
                    for item in node.body
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                }
                self.classes.setdefault(node.name, (bases, methods))
                if any(b.endswith(("QuerySet", "Manager")) for b in bases):
                    self.queryset_methods |= {
                        m for m in methods if not m.startswith("__")
                    }
            elif isinstance(node, ast.keyword) and node.arg == "related_name":
                if isinstance(node.value, ast.Constant) and isinstance(
                    node.value.value, str
                ):
                    self.related_names.add(node.value.value)

    def defines_hook(self, class_name: str, hook: str, seen=None) -> bool:
        """Whether a base of `class_name` in the scanned code defines `hook`."""
        seen = seen if seen is not None else set()
        bases, _ = self.classes.get(class_name, ([], set()))
        for base in bases:
            if base in seen or base not in self.classes:
                continue
            seen.add(base)
            if hook in self.classes[base][1] or self.defines_hook(base, hook, seen):
                return True
        return False


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _chain(node: ast.AST) -> tuple[str, list[str]]:
    """Split a receiver into its root and the attribute names along it:
    `Job.objects.filter(pk=1)` is ("Job", ["objects", "filter"])."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in {"super", "type"}:
                return ast.unparse(node), names[::-1]
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id, names[::-1]
        else:
            return "", names[::-1]


def _render(node: ast.AST) -> str:
    """Write a call chain with its arguments elided: `Job.objects.filter(…).save()`."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in {"super", "type"}:
            return ast.unparse(node)
        has_arguments = bool(node.args or node.keywords)
        return f"{_render(node.func)}({'…' if has_arguments else ''})"
    if isinstance(node, ast.Attribute):
        return f"{_render(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return ast.unparse(node)


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, context: Context):
        self.path = path
        self.context = context
        self.violations: list[Violation] = []
        self.classes: list[str] = []
        # One frame per function: (name, queryset names, auth names)
        self.frames: list[tuple[str, set[str], set[str]]] = [("", set(), set())]
        self.module_auth: set[str] = set(AUTH_CLASSES)

    # Scopes

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node) -> None:
        self.frames.append((node.name, set(), set()))
        self.generic_visit(node)
        self.frames.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Assign(self, node: ast.Assign) -> None:
        _, querysets, auth = self.frames[-1]
        value = node.value
        for target in node.targets:
            names = [
                t.id
                for t in (target.elts if isinstance(target, ast.Tuple) else [target])
                if isinstance(t, ast.Name)
            ]
            if _dotted(value.func if isinstance(value, ast.Call) else value) in {
                "get_user_model",
                "auth.get_user_model",
            }:
                auth.update(names)
            elif self._is_auth(value):
                auth.update(names)
            elif self._is_queryset(value):
                querysets.update(names)
        self.generic_visit(node)

    # Classification

    def _auth_names(self) -> set[str]:
        names = set(self.module_auth)
        for _, _, auth in self.frames:
            names |= auth
        return names

    def _is_auth(self, node: ast.AST) -> bool:
        root, _ = _chain(node)
        return root in self._auth_names()

    def _is_queryset(self, node: ast.AST) -> bool:
        root, names = _chain(node)
        known = (
            MANAGER_ATTRIBUTES
            | self.context.queryset_methods
            | self.context.related_names
        )
        if any(name in known for name in names):
            return True
        if not names:
            querysets = set(QUERYSET_NAMES)
            for _, frame_querysets, _ in self.frames:
                querysets |= frame_querysets
            return root in querysets or root.endswith(("_queryset", "_qs"))
        return False

    def _is_own_row(self, receiver: ast.AST, method: str) -> bool:
        function = self.frames[-1][0]
        root, names = _chain(receiver)
        return (
            bool(self.classes)
            and function in ROW_WRITES
            and (root in SELF_NAMES or f"{root}.{'.'.join(names[:1])}" in SELF_NAMES)
        )

    def _is_write(self, node: ast.Call) -> bool:
        func = node.func
        if isinstance(func, ast.Name):
            return func.id in HISTORY_HELPERS
        if not isinstance(func, ast.Attribute):
            return False
        method, receiver = func.attr, func.value
        if method in HISTORY_HELPERS:
            return True
        if self._is_auth(receiver) or self._is_own_row(receiver, method):
            return False
        if method in QUERYSET_WRITES or method.startswith("bulk_"):
            if method.startswith("bulk_") and method not in QUERYSET_WRITES:
                return False  # bulk_* of our own services (rows_bulk_create) is fine
            return self._is_queryset(receiver)
        if method in ROW_WRITES:
            positional = [a for a in node.args if not isinstance(a, ast.Starred)]
            commit_false = any(
                k.arg == "commit"
                and isinstance(k.value, ast.Constant)
                and k.value.value is False
                for k in node.keywords
            )
            return not positional and not commit_false
        if method in ADMIN_HOOKS and _chain(receiver)[0] == "super()":
            owner = self.classes[-1] if self.classes else ""
            return not self.context.defines_hook(owner, method)
        return False

    def visit_Call(self, node: ast.Call) -> None:
        if self._is_write(node):
            self.violations.append(Violation(self.path, node.lineno, _render(node)))
        self.generic_visit(node)


def scan_source(
    source: str, path: str = "<string>", context: Context | None = None
) -> list[Violation]:
    """Return the ORM writes in one module's source."""
    tree = ast.parse(source, filename=path)
    if context is None:
        context = Context()
        context.learn(tree)
    scanner = _Scanner(path, context)
    scanner.visit(tree)
    return scanner.violations


def python_files(root: Path, folders: Iterable[str]) -> Iterator[Path]:
    """Every .py file under the folders, migrations left out."""
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            if "migrations" not in path.relative_to(root).parts:
                yield path


def scan_tree(root: Path, folders: Iterable[str]) -> list[Violation]:
    """Return the ORM writes in every module under the folders of `root`. The
    context (QuerySet methods, related names, classes) is learnt from all of them."""
    files = list(python_files(root, folders))
    trees = {path: ast.parse(path.read_text(), filename=str(path)) for path in files}
    context = Context()
    for tree in trees.values():
        context.learn(tree)
    violations = []
    for path, tree in trees.items():
        scanner = _Scanner(path.relative_to(root).as_posix(), context)
        scanner.visit(tree)
        violations.extend(scanner.violations)
    return sorted(violations)


# What hands a write over to derive (claims/pipeline/derive.py): `apply` itself, and
# the sources' `changed` signal, which derive receives (sources/services.py).
HANDOVERS = frozenset({"derive.apply", "changed.send"})
# Services' building blocks that write rows and leave the handover to their callers
# (they are called from several modules, so they cannot be private).
PRIMITIVES = frozenset({"validated_bulk_create", "rows_move", "rows_insert"})


def writers_without_handover(
    source: str,
    path: str = "<string>",
    handovers: frozenset[str] = HANDOVERS,
    primitives: frozenset[str] = PRIMITIVES,
) -> list[str]:
    """Return the public functions of a services module that write a row (directly,
    through a building block in `primitives`, or through a function of the same
    module) but never hand a `Change` over (directly or through a function of the
    same module)."""
    tree = ast.parse(source, filename=path)
    context = Context()
    context.learn(tree)
    functions = {
        node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)
    }
    writes, hands, calls = {}, {}, {}
    for name, node in functions.items():
        scanner = _Scanner(path, context)
        scanner.visit(node)
        called = {
            _dotted(sub.func) for sub in ast.walk(node) if isinstance(sub, ast.Call)
        }
        writes[name] = bool(scanner.violations) or any(
            c.rsplit(".", 1)[-1] in primitives for c in called
        )
        hands[name] = bool(called & handovers)
        calls[name] = called & functions.keys()
    for found in (writes, hands):  # through the module's own functions
        grown = True
        while grown:
            grown = False
            for name, called in calls.items():
                if not found[name] and any(found[c] for c in called):
                    found[name] = grown = True
    return [
        name
        for name in functions
        if not name.startswith("_")
        and name not in primitives
        and writes[name]
        and not hands[name]
    ]
