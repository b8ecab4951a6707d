"""Disjoint sets over integer ids, shared by near-duplicate clustering and event coreference."""

from __future__ import annotations


class UnionFind:
    """Union-find with path compression; the smaller id of two merged sets becomes the root,
    so roots are deterministic (dedupe relies on it: the first document by path is canonical)."""

    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:  # path compression
            self.parent[x], x = root, self.parent.get(x, x)
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
