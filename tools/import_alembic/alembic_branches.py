"""The branches of an imported Alembic graph (import_alembic.py's other half): which trellis
branch each revision belongs to, and what each branch depends on. Works on Alembic's Revision
objects as ScriptDirectory gives them; writes nothing.
"""

import heapq
import os
import re


def label_name(text):
    name = re.sub(r"[^A-Za-z0-9_]", "_", text)[:64]
    return name or "alembic"


def topological(revisions):
    """Parents (both edge kinds) before children; ties by id, so the output never depends on
    the file system's order."""
    by_id = {r.revision: r for r in revisions}
    waiting = {r.revision: len({p for p in edges(r) if p in by_id}) for r in revisions}
    children = {i: [] for i in by_id}
    for r in revisions:
        for p in {p for p in edges(r) if p in by_id}:
            children[p].append(r.revision)
    ready = [i for i, w in waiting.items() if not w]
    heapq.heapify(ready)
    order = []
    while ready:
        at = heapq.heappop(ready)
        order.append(by_id[at])
        for child in children[at]:
            waiting[child] -= 1
            if not waiting[child]:
                heapq.heappush(ready, child)
    return order


def parents(r):
    return list(r._versioned_down_revisions)


def dependencies(r):
    seen = []
    for d in r._resolved_dependencies:
        if d not in seen and d not in r._versioned_down_revisions:
            seen.append(d)
    return seen


def edges(r):
    return parents(r) + dependencies(r)


def location_of(r, locations):
    directory = os.path.dirname(os.path.realpath(r.path))
    best = max((d for d in locations if directory == d or directory.startswith(d + os.sep)), key=len, default=None)
    return best or directory


def location_fallback(location):
    base = os.path.basename(location)
    return label_name(os.path.basename(os.path.dirname(location)) if base == "versions" else base)


def assign_branches(order, locations, report):
    """The branch of each revision. In a project of several version locations, one with at most one
    label is one branch (a plugin's), named after its label, else after the location. Elsewhere
    (several labels in a location, or a project of one location), Alembic's label inheritance: a revision belongs to its own first label, else to the
    branch of its first parent in the same location, else to a branch named after the location."""
    by_id = {r.revision: r for r in order}
    labels = {label for r in order for label in r._orig_branch_labels}
    own_labels = {}  # per location, in the order met
    for r in order:
        found = own_labels.setdefault(location_of(r, locations), [])
        found.extend(label for label in r._orig_branch_labels if label not in found)

    def fallback(location):
        if len(own_labels[location]) == 1 and len(own_labels) > 1:
            return label_name(own_labels[location][0])
        name = location_fallback(location)
        while name in labels:
            name += "_unlabelled"
        return name

    branch = {}
    for r in order:
        location = location_of(r, locations)
        own = list(r._orig_branch_labels)
        first = parents(r)[0] if parents(r) else None
        if not own_labels[location] or (len(own_labels[location]) == 1 and len(own_labels) > 1):
            name = fallback(location)  # a plugin's location
        elif own:
            name = label_name(own[0])
        elif first and location_of(by_id[first], locations) == location:
            name = branch[first]
        else:
            name = fallback(location)
        for label in own:
            if label_name(label) != label:
                report["notes"].append(f"label `{label}` of {r.revision} is `{label_name(label)}` in trellis")
        branch[r.revision] = name
    return branch


def branch_depends(order, branch, report):
    """Every cross-branch edge makes its branch depend on the other one, unless that would make
    the branches' dependencies a cycle (the revisions' own edges still order them)."""
    depends = {b: [] for b in dict.fromkeys(branch[r.revision] for r in order)}

    def reaches(start, goal):
        stack, seen = [start], set()
        while stack:
            at = stack.pop()
            if at == goal:
                return True
            if at not in seen:
                seen.add(at)
                stack.extend(depends[at])
        return False

    for r in order:
        mine = branch[r.revision]
        for target in edges(r):
            theirs = branch[target]
            if theirs == mine or theirs in depends[mine]:
                continue
            if reaches(theirs, mine):
                report["notes"].append(f"branch `{mine}` needs `{theirs}` ({r.revision} -> {target}) but `{theirs}` "
                                       f"already depends on `{mine}`: left out of `depends`, the revisions' edges "
                                       "keep the order")
                continue
            depends[mine].append(theirs)
    return depends
