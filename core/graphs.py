"""Small graph helpers for prerequisite (前后置) relations."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def find_cycle(edges: Mapping[T, Iterable[T]]) -> list[T] | None:
    """Return one cycle as a path [a, b, …, a] if the directed graph has one, else None.

    `edges[a]` are the nodes `a` depends on (its prerequisites).
    """
    WHITE, GREY, BLACK = 0, 1, 2
    colour: dict[T, int] = {}
    for start in edges:
        if colour.get(start, WHITE) != WHITE:
            continue
        stack: list[tuple[T, list[T]]] = [(start, list(edges.get(start, ())))]
        path = [start]
        colour[start] = GREY
        while stack:
            node, pending = stack[-1]
            if not pending:
                colour[node] = BLACK
                stack.pop()
                path.pop()
                continue
            nxt = pending.pop()
            state = colour.get(nxt, WHITE)
            if state == GREY:
                return path[path.index(nxt) :] + [nxt]
            if state == WHITE:
                colour[nxt] = GREY
                path.append(nxt)
                stack.append((nxt, list(edges.get(nxt, ()))))
    return None


def critical_path_days(durations: Mapping[T, int], edges: Mapping[T, Iterable[T]]) -> int:
    """Longest chain of durations through the prerequisite graph (the combined time limit, not the sum)."""
    memo: dict[T, int] = {}

    def finish(node: T) -> int:
        if node not in memo:
            memo[node] = durations.get(node, 0) + max((finish(p) for p in edges.get(node, ())), default=0)
        return memo[node]

    return max((finish(n) for n in durations), default=0)
