#!/usr/bin/env python3
"""Lays a built program out for linking into a kernel image (issue 14: "the
application linked into the image"). Reads the program's ELF headers here,
at build time, so the kernel needs neither an initramfs nor the ELF loader
to start it: the assembler file it writes holds each loadable segment's
bytes and a `struct embedded_program` (libos/proc/include/proc/embedded.h)
that says where they go, which libos/proc copies into pid 1's address
space.

usage: embed_program.py OBJCOPY PROGRAM NAME OUT.S

The program is stripped first (objcopy --strip-all, no .eh_frame), as the
initramfs's programs are; the stripped copy sits beside OUT.S, which
.incbin's slices of it.
"""
import os
import struct
import subprocess
import sys

PT_LOAD, PT_PHDR = 1, 6


def main():
    objcopy, program, name, out_s = sys.argv[1:5]
    stripped = os.path.abspath(out_s + ".bin")
    # objcopy warns of the empty header segment it leaves: only a failure shows
    r = subprocess.run([objcopy, "--strip-all", "--remove-section=.eh_frame", program, stripped],
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        return 1
    with open(stripped, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.stderr.write("%s: not a 64-bit little-endian ELF file\n" % program)
        return 1
    entry, phoff = struct.unpack_from("<QQ", data, 24)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    segments, phdr_addr = [], 0
    for i in range(phnum):
        p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == PT_PHDR:
            phdr_addr = p_vaddr
        elif p_type == PT_LOAD and p_memsz:
            segments.append((p_vaddr, p_memsz, p_filesz, p_flags, p_offset))
            # the program headers, when a segment loads them (as exec finds them)
            if not phdr_addr and p_offset <= phoff and phoff + phnum * phentsize <= p_offset + p_filesz:
                phdr_addr = p_vaddr + phoff - p_offset
    if not segments:
        sys.stderr.write("%s: no loadable segment\n" % program)
        return 1
    out = ["/* %s, laid out by apps/embed_program.py from %s: do not edit */" % (name, program),
           "    .section .rodata.embedded_program, \"a\""]
    for i, (_, _, filesz, _, offset) in enumerate(segments):
        out += ["    .balign 16", "segment_%d:" % i,
                "    .incbin \"%s\", %d, %d" % (stripped, offset, filesz)]
    out += ["    .balign 8", "segments:"]
    for i, (vaddr, memsz, filesz, flags, _) in enumerate(segments):
        out.append("    .quad %#x, %#x, %#x, %d, segment_%d" % (vaddr, memsz, filesz, flags, i))
    out += ["    .globl embedded_program", "    .type embedded_program, %object",
            "embedded_program:",
            "    .quad program_name, %#x, %#x, %d, %d, segments" % (entry, phdr_addr, phnum,
                                                                   len(segments)),
            "    .size embedded_program, . - embedded_program",
            "program_name:", "    .asciz \"%s\"" % name,
            "    .section .note.GNU-stack, \"\", %progbits", ""]
    with open(out_s, "w") as f:
        f.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
