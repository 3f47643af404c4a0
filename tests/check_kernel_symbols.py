#!/usr/bin/env python3
"""Fails when a kernel ELF defines or needs symbols of newlib's stateful parts
(stdio, malloc, errno, reentrancy structures): the kernel side may only use
stateless functions, and has its own printk/kmalloc."""
import re
import subprocess
import sys

FORBIDDEN = re.compile(
    r"^(_?malloc|_?free|_?calloc|_?realloc|_malloc_r|_free_r|printf|fprintf|sprintf|"
    r"vfprintf|_vfprintf_r|puts|fputs|fopen|fwrite|_impure_ptr|_global_impure_ptr|"
    r"__errno|errno|__getreent|_reent.*|__sf.*)$")

nm, elf = sys.argv[1], sys.argv[2]
out = subprocess.run([nm, elf], check=True, capture_output=True, text=True).stdout
bad = sorted({line.split()[-1] for line in out.splitlines()
              if line.split() and FORBIDDEN.match(line.split()[-1])})
if bad:
    print("%s uses forbidden symbols: %s" % (elf, " ".join(bad)))
    sys.exit(1)
print("%s: no forbidden symbols" % elf)
