#!/usr/bin/env python3
"""An image's ELF holds none of the functions of the libraries it must
leave out (issue 14's per-image composition): every global function
that nm lists as defined in each --absent static library must be missing
from the image's symbol table. Exit 0 when none is there."""
import argparse
import subprocess
import sys


def defined_functions(nm, path):
    out = subprocess.run([nm, "--defined-only", path], check=True, capture_output=True,
                         text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == "T":
            names.add(parts[2])
    return names


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nm", required=True)
    p.add_argument("--elf", required=True)
    p.add_argument("--absent", action="append", required=True,
                   help="a static library none of whose functions may be linked")
    args = p.parse_args()
    image = defined_functions(args.nm, args.elf)
    failed = False
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
