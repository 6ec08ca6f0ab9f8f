#!/usr/bin/env python3
"""scripts/check-layers.py - check lib/'s include graph against the layers.

The allowed order of the lib/ modules is one line of docs/design.md
(section "Modules and the build"), lowest first:

    layers: core < http < auth < ...

A file lib/M/... belongs to module M. Every `#include "X/..."` whose X is
a folder of lib/ is an edge M -> X; it is allowed only when X is M or comes
before M in that line. The check also fails on a cycle between modules,
on a folder of lib/ missing from the line (or a name in the line with no
folder), on a module whose lib/M/meson.build compiles files of another
folder ('../' paths, or another module's *_files list), and on the
system headers a module must not use (core: libcurl, which is lib/http's).
Edges it refuses are printed as "refused: FILE:LINE: M -> X (...)".

Usage: check-layers.py [--root DIR] [--verbose] | --self-test
Exit status: 0 when the tree holds, 1 when not, 2 on a usage error.
"""
import os
import re
import shutil
import sys
import tempfile

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
LAYERS_RE = re.compile(r'^\s*layers:\s*(.+?)\s*$')
FILES_DEF_RE = re.compile(r'^\s*(\w+_files)\s*=\s*files\(', re.M)
FOREIGN_SOURCE_RE = re.compile(r"['\"](\.\./[^'\"]*\.[ch])['\"]")

# System headers a module may not include: libcurl belongs to lib/http
# (core neither links nor includes it).
FORBIDDEN_SYSTEM = {'core': ('curl/',)}


def read_layers(design_md):
    with open(design_md, encoding='utf-8') as f:
        for line in f:
            m = LAYERS_RE.match(line.strip().strip('`'))
            if m:
                return [x.strip() for x in m.group(1).split('<')]
    return None


def source_files(lib_dir):
    for dirpath, _, names in os.walk(lib_dir):
        for n in sorted(names):
            if n.endswith(('.c', '.h')):
                yield os.path.join(dirpath, n)


def find_cycles(edges, modules):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(modules):
        if v not in index:
            visit(v)
    return out


def check(root, verbose=False, out=sys.stdout):
    lib = os.path.join(root, 'lib')
    design = os.path.join(root, 'docs', 'design.md')
    problems = []
    layers = read_layers(design)
    if not layers:
        print(f'{design}: no "layers: a < b < ..." line', file=out)
        return 1
    rank = {m: i for i, m in enumerate(layers)}
    folders = sorted(d for d in os.listdir(lib)
                     if os.path.isdir(os.path.join(lib, d)))
    for d in folders:
        if d not in rank:
            problems.append(f'lib/{d}/ is not in the layers line of '
                            'docs/design.md')
    for m in layers:
        if m not in folders:
            problems.append(f'layer {m} of docs/design.md has no lib/{m}/')
    if len(set(layers)) != len(layers):
        problems.append('a module is named twice in the layers line')

    edges = {}
    for path in source_files(lib):
        rel = os.path.relpath(path, root)
        mod = os.path.relpath(path, lib).split(os.sep)[0]
        with open(path, encoding='utf-8', errors='replace') as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                kind, name = m.groups()
                where = f'{rel}:{lineno}'
                if kind == '<':
                    for bad in FORBIDDEN_SYSTEM.get(mod, ()):
                        if name.startswith(bad):
                            problems.append(f'refused: {where}: {mod} -> '
                                            f'<{name}> (not in module {mod})')
                    continue
                if name.startswith('../') or '/../' in name:
                    problems.append(f'refused: {where}: {mod} -> "{name}" '
                                    '(relative path out of the module)')
                    continue
                if '/' not in name:
                    continue  # the module's own folder
                target = name.split('/')[0]
                if target not in folders or target == mod:
                    continue  # public headers (awsc/...), own module
                edges.setdefault(mod, set()).add(target)
                if verbose:
                    print(f'edge: {where}: {mod} -> {target}', file=out)
                if mod in rank and target in rank and \
                        rank[target] > rank[mod]:
                    problems.append(f'refused: {where}: {mod} -> {target} '
                                    f'("{name}": {target} is above {mod})')

    for comp in find_cycles(edges, folders):
        problems.append('refused: include cycle between modules ' +
                        ' <-> '.join(comp))

    # Each module compiles only its own folder's files.
    lists = {}
    for d in folders:
        mb = os.path.join(lib, d, 'meson.build')
        if os.path.exists(mb):
            with open(mb, encoding='utf-8') as f:
                text = f.read()
            lists[d] = (text, set(FILES_DEF_RE.findall(text)))
    for d, (text, own) in sorted(lists.items()):
        for path in FOREIGN_SOURCE_RE.findall(text):
            problems.append(f'refused: lib/{d}/meson.build compiles {path}, '
                            f'outside lib/{d}/')
        for other, (_, theirs) in sorted(lists.items()):
            if other == d:
                continue
            for name in sorted(theirs - own):
                if re.search(r'\b' + name + r'\b', text):
                    problems.append(f'refused: lib/{d}/meson.build compiles '
                                    f'{name} of lib/{other}/')

    for p in problems:
        print(p, file=out)
    n_edges = sum(len(v) for v in edges.values())
    if problems:
        print(f'check-layers: FAIL, {len(problems)} problem(s); layers: '
              + ' < '.join(layers), file=out)
        return 1
    print(f'check-layers: ok, {len(folders)} modules, {n_edges} module '
          'edges, all downward; layers: ' + ' < '.join(layers), file=out)
    return 0


def self_test():
    """The checker must refuse an upward include, a cycle, a foreign file
    list and libcurl in core, and accept the same tree without them."""
    import io
    failures = 0

    def tree(files):
        d = tempfile.mkdtemp(prefix='check-layers-')
        for rel, text in files.items():
            p = os.path.join(d, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, 'w', encoding='utf-8') as f:
                f.write(text)
        return d

    good = {
        'docs/design.md': 'x\n`layers: core < http < config`\n',
        'lib/core/a.c': '#include "core/core.h"\n#include <stdio.h>\n',
        'lib/http/b.c': '#include "core/core.h"\n#include <curl/curl.h>\n',
        'lib/config/c.c': '#include "http/http.h"\n#include "awsc/x.h"\n',
        'lib/config/meson.build': "config_files = files('c.c')\n",
        'lib/http/meson.build': "http_files = files('b.c')\n",
    }
    cases = [
        ('clean tree', {}, 0, []),
        ('upward include', {'lib/http/d.c': '#include "config/config.h"\n'},
         1, ['refused: lib/http/d.c:1: http -> config']),
        ('cycle', {'lib/core/e.c': '#include "http/http.h"\n'}, 1,
         ['include cycle between modules core <-> http']),
        ('curl in core', {'lib/core/f.c': '#include <curl/curl.h>\n'}, 1,
         ['refused: lib/core/f.c:1: core -> <curl/curl.h>']),
        ('foreign files', {'lib/config/meson.build':
                           "config_files = files('c.c')\n"
                           "lib = static_library('x', config_files, "
                           "http_files)\n"}, 1,
         ['lib/config/meson.build compiles http_files of lib/http/']),
        ('foreign source', {'lib/config/meson.build':
                            "config_files = files('c.c', '../http/b.c')\n"},
         1, ['lib/config/meson.build compiles ../http/b.c']),
        ('unlisted module', {'lib/extra/g.c': '\n'}, 1,
         ['lib/extra/ is not in the layers line']),
    ]
    for name, extra, want_rc, want_text in cases:
        files = dict(good)
        files.update(extra)
        buf = io.StringIO()
        d = tree(files)
        try:
            rc = check(d, out=buf)
        finally:
            shutil.rmtree(d, ignore_errors=True)
        text = buf.getvalue()
        ok = rc == want_rc and all(w in text for w in want_text)
        print(f'{"ok" if ok else "FAILED"}: {name} (exit {rc})')
        if not ok:
            print(text)
            failures += 1
    print(f'{len(cases) - failures} passed, {failures} failed')
    return 1 if failures else 0


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    verbose = False
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == '--self-test':
            return self_test()
        if a == '--root' and args:
            root = args.pop(0)
        elif a in ('-v', '--verbose'):
            verbose = True
        else:
            print(__doc__, file=sys.stderr)
            return 2
    return check(root, verbose)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
