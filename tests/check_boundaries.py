#!/usr/bin/env python3
"""Checks the libraries' boundaries in libos/ (STYLE.md: every subsystem is
a library with a front door). Fails, naming file and line, when a file of
one library
  - includes a file of another library by a relative path ("../x/y.h"),
  - includes another library's private header (*_internal.h, internal.h),
  - includes a front door outside <lib>/ (<vfs.h> instead of <vfs/vfs.h>),
  - declares a weak symbol (a hidden tie to a library that may be missing:
    optional libraries register themselves, kern/subsys.h),
and when a library's include/ holds anything but its <lib>/ folder; and
when the rest of the kernel side (platform/, apps/ktest/) declares a weak
symbol.
Usage: check_boundaries.py SOURCE_ROOT"""
import os
import re
import sys

# library folder (relative to libos/) -> its front-door folder in include/
LIBS = {
    'kern': 'kern', 'boot': 'boot', 'mm': 'mm', 'sched': 'sched', 'block': 'block',
    'vfs': 'vfs', 'net': 'net', 'net/lwip': 'net', 'fs/ext2': 'fs', 'drivers': 'drivers',
    'proc': 'proc', 'tty': 'tty', 'syscall': 'syscall',
}
# include/ entries that are not a front door but a contract with others:
# kern's freestanding libc subset, lwIP's port layout (arch/cc.h, lwipopts.h and
# the hook file LWIP_HOOK_FILENAME names, which lwIP includes by those names).
EXTRA_INCLUDE = {'kern': {'klibc'}, 'net/lwip': {'arch', 'lwipopts.h', 'lwip_hooks.h'}}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
PRIVATE_RE = re.compile(r'(^|/)([a-z0-9_]+_)?internal\.h$')
WEAK_ERROR = 'a weak symbol (register through kern/subsys.h instead)'
WEAK_RE = re.compile(r'__attribute__\s*\(\(\s*(__)?weak(__)?\b|#\s*pragma\s+weak\b|^\s*\.weak\b')


def owner(path, libos):
    """The library a path under libos/ belongs to (the longest match)."""
    rel = os.path.relpath(path, libos)
    best = None
    for lib in LIBS:
        if rel == lib or rel.startswith(lib + '/'):
            if best is None or len(lib) > len(best):
                best = lib
    return best


def check(root):
    libos = os.path.join(os.path.abspath(root), 'libos')
    errors = []
    front_doors = {door for door in LIBS.values()}
    for lib in LIBS:
        base = os.path.join(libos, lib)
        inc = os.path.join(base, 'include')
        if os.path.isdir(inc):
            for entry in sorted(os.listdir(inc)):
                if entry != LIBS[lib] and entry not in EXTRA_INCLUDE.get(lib, set()):
                    errors.append(f'libos/{lib}/include/{entry}: not under include/{LIBS[lib]}/')
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames
                           if owner(os.path.join(dirpath, d), libos) == lib]
            for name in sorted(filenames):
                if not name.endswith(('.c', '.h', '.S')):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, os.path.dirname(libos))
                with open(path, encoding='utf-8', errors='replace') as f:
                    for number, line in enumerate(f, 1):
                        if WEAK_RE.search(line):
                            errors.append(f'{rel}:{number}: {WEAK_ERROR}')
                        m = INCLUDE_RE.match(line)
                        if not m:
                            continue
                        kind, target = m.groups()
                        close = '>' if kind == '<' else '"'
                        where = f'{rel}:{number}: #include {kind}{target}{close}'
                        if kind == '"':
                            resolved = os.path.normpath(os.path.join(dirpath, target))
                            other = owner(resolved, libos) if resolved.startswith(libos) else None
                            if '..' in target.split('/') and other != lib:
                                errors.append(f'{where}: reaches into {other or "outside libos"} '
                                              'by a relative path')
                                continue
                            if other and other != lib:
                                errors.append(f'{where}: another library\'s file')
                                continue
                        else:
                            if PRIVATE_RE.search(target):
                                errors.append(f'{where}: another library\'s private header')
                                continue
                            stem = target[:-2] if target.endswith('.h') else target
                            if '/' not in target and stem in front_doors:
                                errors.append(f'{where}: front door outside <{stem}/...>')
                                continue
    for top in ('platform', os.path.join('apps', 'ktest')):
        for dirpath, dirnames, filenames in os.walk(os.path.join(os.path.dirname(libos), top)):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(('.c', '.h', '.S')):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding='utf-8', errors='replace') as f:
                    for number, line in enumerate(f, 1):
                        if WEAK_RE.search(line):
                            rel = os.path.relpath(path, os.path.dirname(libos))
                            errors.append(f'{rel}:{number}: {WEAK_ERROR}')
    return errors


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))
    errors = check(root)
    for e in errors:
        print(e)
    print(f'check_boundaries: {len(errors)} violation(s)')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
