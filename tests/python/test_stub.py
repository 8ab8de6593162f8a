"""The .pyi stub names every public name and attribute, and everything has a docstring."""

import ast
import inspect
from pathlib import Path

import eksim

STUB = Path(eksim.__file__).with_name("__init__.pyi")


def stub_names():
    tree = ast.parse(STUB.read_text())
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            top.add(node.name)
            members[node.name] = {
                n.target.id if isinstance(n, ast.AnnAssign) else n.name
                for n in node.body
                if isinstance(n, (ast.AnnAssign, ast.FunctionDef))
            }
        elif isinstance(node, ast.FunctionDef):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            top.add(node.target.id)
    return top, members


def public_members(cls):
    return {n for n in dir(cls) if not n.startswith("_")} | ({"__len__"} & set(vars(cls)))


def test_stub_lists_every_public_name():
    top, members = stub_names()
    assert set(eksim.__all__) | {"__version__"} <= top
    for name in eksim.__all__:
        obj = getattr(eksim, name)
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            missing = public_members(obj) - members[name]
            assert not missing, f"{name}: {sorted(missing)} not in {STUB.name}"


def test_stub_names_nothing_that_does_not_exist():
    top, members = stub_names()
    for name in top - {"Number", "Duration"}:
        assert hasattr(eksim, name), name
        obj = getattr(eksim, name)
        for member in members.get(name, ()):
            if not issubclass(obj, BaseException):
                assert hasattr(obj, member), f"{name}.{member}"


def test_everything_has_a_docstring():
    assert eksim.__doc__ and eksim.LoadError.__doc__
    for name in eksim.__all__:
        obj = getattr(eksim, name)
        if callable(obj):
            assert (obj.__doc__ or "").strip(), name
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            for member in public_members(obj):
                attr = inspect.getattr_static(obj, member)
                assert (getattr(attr, "__doc__", None) or "").strip(), f"{name}.{member}"
