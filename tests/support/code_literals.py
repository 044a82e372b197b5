"""The string literals of Python source, as the "no other module spells this" tests read them (stdlib ``ast``)."""

from __future__ import annotations

import ast


def literals_outside_docstrings(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every str and bytes literal of the code (f-string parts included), without docstrings.

    >>> literals_outside_docstrings(ast.parse("'doc'\\nx = f'a{y}b' + b'c'"))
    [(2, 'a'), (2, 'b'), (2, 'c')]
    """
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in docstrings:
            if isinstance(node.value, str):
                found.append((node.lineno, node.value))
            elif isinstance(node.value, bytes):
                found.append((node.lineno, node.value.decode("latin-1")))
    return sorted(found)
