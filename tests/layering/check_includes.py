#!/usr/bin/env python3
"""Fails when the top-level folders include each other in a cycle (docs/ARCHITECTURE.md has the
order). Reads every #include "folder/..." of the project's own sources; prints the graph."""
import os
import re
import sys

root = sys.argv[1]
folders = {d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)) and not d.startswith(('.', 'build'))}
edges = {}
pattern = re.compile(r'^\s*#\s*include\s+"([^"/]+)/')
for top in sorted(folders - {'tests', 'bench', 'fuzz'}):
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for f in files:
            if not f.endswith(('.cpp', '.hpp', '.h')):
                continue
            with open(os.path.join(dirpath, f), encoding='utf-8', errors='replace') as fh:
                for line in fh:
                    m = pattern.match(line)
                    if m and m.group(1) in folders and m.group(1) != top:
                        edges.setdefault(top, set()).add(m.group(1))

# Depth-first search for a cycle.
state, stack = {}, []
def visit(n):
    state[n] = 1
    stack.append(n)
    for m in sorted(edges.get(n, ())):
        if state.get(m) == 1:
            print('include cycle: ' + ' -> '.join(stack[stack.index(m):] + [m]))
            sys.exit(1)
        if m not in state:
            visit(m)
    stack.pop()
    state[n] = 2
for n in sorted(edges):
    if n not in state:
        visit(n)
for n in sorted(edges):
    print(f'{n} -> {", ".join(sorted(edges[n]))}')
print('no include cycle between top-level folders')
