#!/usr/bin/env python3
"""An image's ELF holds none of the functions of the libraries it must
leave out (issue 14's per-image composition): every global function
that nm lists as defined in each --absent static library must be missing
from the image's symbol table; each --defined symbol must be there and
each --undefined one not (e.g. an embedded init, and no initramfs
archive). Exit 0 when all hold."""
import argparse
import subprocess
import sys


def defined_symbols(nm, path, kinds="T"):
    out = subprocess.run([nm, "--defined-only", path], check=True, capture_output=True,
                         text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in kinds:
            names.add(parts[2])
    return names


def defined_functions(nm, path):
    return defined_symbols(nm, path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nm", required=True)
    p.add_argument("--elf", required=True)
    p.add_argument("--absent", action="append", default=[],
                   help="a static library none of whose functions may be linked")
    p.add_argument("--defined", action="append", default=[], help="a symbol the image must define")
    p.add_argument("--undefined", action="append", default=[],
                   help="a symbol the image must not define")
    args = p.parse_args()
    image = defined_functions(args.nm, args.elf)
    symbols = defined_symbols(args.nm, args.elf, kinds="TtRrDdBb")
    failed = False
    for name in args.defined:
        print("%s %s is defined" % ("ok" if name in symbols else "FAIL", name))
        failed |= name not in symbols
    for name in args.undefined:
        print("%s %s is not defined" % ("FAIL" if name in symbols else "ok", name))
        failed |= name in symbols
    for lib in args.absent:
        functions = defined_functions(args.nm, lib)
        if not functions:
            print("FAIL %s defines no function: not a check" % lib)
            failed = True
            continue
        present = sorted(functions & image)
        if present:
            print("FAIL %s: %d of its %d functions are in %s, e.g. %s" % (
                lib, len(present), len(functions), args.elf, ", ".join(present[:5])))
            failed = True
        else:
            print("ok %s: none of its %d functions in the image" % (lib, len(functions)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
