/* execve: a static ELF64 loader reading any VFS file. PT_LOAD segments
 * become regions (file bytes copied in, bss demand-zero), the stack gets
 * argv, envp and auxv as on Linux, and only when the new image is complete
 * does it replace the old one (FD_CLOEXEC descriptors closed, handled
 * signals reset to default). A file starting with "#!" runs its
 * interpreter (one level: the interpreter must be an ELF). */
#include <string.h>
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/gate.h>
#include <abi/limits.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <plat/cpu.h>
#include <plat/mode.h>
#include <plat/random.h>
#include <plat/timer.h>
#include <plat/uaccess.h>
#include <sched/sync.h>
#include "proc_internal.h"

#define EI_NIDENT 16
struct elf64_ehdr {
    unsigned char e_ident[EI_NIDENT];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
struct elf64_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};
#define ET_EXEC 2
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define EM_X86_64 62
#define EM_AARCH64 183

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

#define EXEC_MAX_PHDRS 64
#define EXEC_ARGS_MAX (128 * 1024)      /* argv + envp strings and pointers */
#define EXEC_MAX_STRINGS 4096
#define EXEC_COPY_CHUNK 4096
/* The "#!" line, newline included, fits in this many bytes (Linux 5.1+'s
 * BINPRM_BUF_SIZE): a longer one is ENOEXEC. */
#define EXEC_SCRIPT_LINE_MAX 256
/* The main thread's stack follows RLIMIT_STACK within these bounds: room
 * for the arguments at least, and no more than leaves the gap above the
 * mmap area (VM_MMAP_TOP) a gap still. */
#define EXEC_STACK_MIN (EXEC_ARGS_MAX + 128 * 1024)
#define EXEC_STACK_MAX (256UL << 20)

/* The ELF machine this kernel runs. */
static uint16_t elf_machine(void)
{
    return strcmp(PLAT_ARCH_NAME, "amd64") == 0 ? EM_X86_64 : EM_AARCH64;
}

/* Arguments gathered in kernel memory: strings packed in buf. */
/* The arguments and environment an exec copies in. Both arrays start
 * small and double as they fill (to EXEC_ARGS_MAX bytes and
 * EXEC_MAX_STRINGS strings): a usual exec then needs no run of contiguous
 * free pages, which memory may lack after a fork bomb even though most of
 * it is free. */
#define EXEC_STRINGS_FIRST PAGE_SIZE
#define EXEC_OFFSETS_FIRST 64

struct exec_strings {
    char *buf;
    size_t used, size;
    unsigned argc, envc;
    unsigned offsets_size;
    uint32_t *offsets;
};

/* Doubles *array (of *size elements of elem bytes, used of them in use)
 * until it holds need elements. */
static int grow_array(void **array, size_t *size, size_t used, size_t need, size_t elem)
{
    size_t n = *size;
    while (n < need)
        n *= 2;
    if (n == *size)
        return 0;
    void *bigger = kmalloc(n * elem);
    if (!bigger)
        return -ENOMEM;
    memcpy(bigger, *array, used * elem);
    kfree(*array);
    *array = bigger;
    *size = n;
    return 0;
}

/* Makes room for one more string of len bytes and its NUL. */
static int strings_reserve(struct exec_strings *es, size_t len)
{
    unsigned count = es->argc + es->envc;
    if (count >= EXEC_MAX_STRINGS || es->used + len + 1 > EXEC_ARGS_MAX)
        return -E2BIG;
    size_t offsets_size = es->offsets_size;
    int rc = grow_array((void **)&es->offsets, &offsets_size, count, count + 1,
                        sizeof(*es->offsets));
    es->offsets_size = (unsigned)offsets_size;
    if (rc == 0)
        rc = grow_array((void **)&es->buf, &es->size, es->used, es->used + len + 1, 1);
    return rc;
}

static int strings_add(struct exec_strings *es, const char *s, size_t len)
{
    int rc = strings_reserve(es, len);
    if (rc < 0)
        return rc;
    es->offsets[es->argc + es->envc] = (uint32_t)es->used;
    memcpy(es->buf + es->used, s, len);
    es->buf[es->used + len] = '\0';
    es->used += len + 1;
    return 0;
}

/* Copies NULL-terminated kernel arrays of strings into es. */
static int strings_from_kernel(struct exec_strings *es, char *const argv[], char *const envp[])
{
    int rc = 0;
    for (unsigned i = 0; argv && argv[i] && rc == 0; i++, es->argc++)
        rc = strings_add(es, argv[i], strlen(argv[i]));
    for (unsigned i = 0; envp && envp[i] && rc == 0; i++, es->envc++)
        rc = strings_add(es, envp[i], strlen(envp[i]));
    return rc;
}

static int read_exact(struct file *f, void *buf, size_t len, uint64_t off)
{
    if (off > (uint64_t)INT64_MAX - len)
        return -ENOEXEC;
    long n = proc_files_ops->file_pread(f, buf, len, (int64_t)off);
    if (n == -EINVAL)
        return -ENOEXEC;
    if (n < 0)
        return (int)n;
    return (size_t)n == len ? 0 : -ENOEXEC;
}

/* Checks the headers; fills phdrs. -ENOEXEC for anything we cannot run. */
static int check_elf(const struct elf64_ehdr *eh, const struct elf64_phdr *ph, unsigned phnum,
                     uint64_t file_size)
{
    uint64_t first_load = 0, prev_end = 0;
    bool has_load = false;
    for (unsigned i = 0; i < phnum; i++) {
        if (ph[i].p_type == PT_INTERP)
            return -ENOEXEC;            /* static programs only */
        if (ph[i].p_type != PT_LOAD)
            continue;
        uint64_t start = ph[i].p_vaddr, size = ph[i].p_memsz;
        if (ph[i].p_filesz > size || size == 0 || start < VM_USER_MIN ||
            start >= VM_MMAP_TOP || size > VM_MMAP_TOP - start ||
            ph[i].p_offset + ph[i].p_filesz < ph[i].p_offset ||
            ph[i].p_offset + ph[i].p_filesz > file_size)
            return -ENOEXEC;
        /* Ascending and disjoint (a page may be shared, bytes may not). */
        if (has_load && start < prev_end)
            return -ENOEXEC;
        if (!has_load)
            first_load = start;
        has_load = true;
        prev_end = start + size;
    }
    if (!has_load || eh->e_entry < first_load || eh->e_entry >= VM_MMAP_TOP)
        return -ENOEXEC;
    return 0;
}

static unsigned seg_prot(uint32_t flags)
{
    return (flags & PF_R ? VM_READ : 0) | (flags & PF_W ? VM_WRITE : 0) |
           (flags & PF_X ? VM_EXEC : 0);
}

/* Maps a loadable segment (ascending after the ones before: mapped_end
 * and prev_prot carry from one to the next). Segments sharing a page merge
 * their permissions into one region. */
static int map_segment(struct vm_space *vm, uint64_t vaddr, uint64_t memsz, uint32_t flags,
                       uintptr_t *mapped_end, unsigned *prev_prot)
{
    uintptr_t start = ALIGN_DOWN(vaddr, PAGE_SIZE);
    uintptr_t end = ALIGN_UP(vaddr + memsz, PAGE_SIZE);
    unsigned prot = seg_prot(flags);
    if (start < *mapped_end) {
        /* The first page is shared with the previous segment: give
         * that page both permissions through its own region. */
        if (start + PAGE_SIZE != *mapped_end)
            return -ENOEXEC;
        int rc = vm_mprotect(vm, start, PAGE_SIZE, prot | *prev_prot);
        if (rc < 0)
            return -ENOEXEC;
        start += PAGE_SIZE;
    }
    if (end > start) {
        int rc = vm_map_region(vm, start, end - start, prot, VM_KIND_ELF);
        if (rc < 0)
            return rc == -EEXIST ? -ENOEXEC : rc;
    }
    *mapped_end = MAX(*mapped_end, end);
    *prev_prot = prot;
    return 0;
}

/* Maps and fills the PT_LOAD segments. Segments sharing a page merge their
 * permissions into one region. Returns the highest end (for brk). */
static int load_segments(struct vm_space *vm, struct file *f,
                         const struct elf64_phdr *ph, unsigned phnum, uintptr_t *brk_start,
                         void *chunk)
{
    uintptr_t mapped_end = 0;
    unsigned prev_prot = 0;
    for (unsigned i = 0; i < phnum; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        int rc = map_segment(vm, ph[i].p_vaddr, ph[i].p_memsz, ph[i].p_flags, &mapped_end,
                             &prev_prot);
        if (rc < 0)
            return rc;
        for (uint64_t done = 0; done < ph[i].p_filesz;) {
            size_t n = MIN((uint64_t)EXEC_COPY_CHUNK, ph[i].p_filesz - done);
            int rc = read_exact(f, chunk, n, ph[i].p_offset + done);
            if (rc == 0)
                rc = vm_write(vm, ph[i].p_vaddr + done, chunk, n);
            if (rc < 0)
                return rc;
            done += n;
        }
        *brk_start = MAX(*brk_start, (uintptr_t)(ph[i].p_vaddr + ph[i].p_memsz));
    }
    return 0;
}

/* Lays out the initial stack (from the top: random bytes, strings, then
 * 16-byte aligned auxv, envp, argv, argc) and returns its stack pointer. */
static int build_stack(struct vm_space *vm, size_t stack_bytes, const struct exec_strings *es,
                       const struct elf64_ehdr *eh, uintptr_t phdr_addr,
                       const struct cred *ids, uintptr_t *sp_out)
{
    int rc = vm_map_region(vm, VM_STACK_TOP - stack_bytes, stack_bytes,
                           VM_READ | VM_WRITE, VM_KIND_STACK);
    if (rc < 0)
        return rc;
    uintptr_t top = VM_STACK_TOP;
    uint8_t random[16];
    if (plat_random_seed(random, sizeof(random)) != (int)sizeof(random)) {
        uint64_t t = plat_time_ns() * 0x9E3779B97F4A7C15ULL;
        for (unsigned i = 0; i < sizeof(random); i++) {
            t ^= t >> 29;
            t *= 0xBF58476D1CE4E5B9ULL;
            random[i] = (uint8_t)(t >> 56);
        }
    }
    top -= sizeof(random);
    uintptr_t random_addr = top;
    rc = vm_write(vm, random_addr, random, sizeof(random));
    if (rc < 0)
        return rc;
    top -= es->used;
    uintptr_t strings_addr = top;
    rc = vm_write(vm, strings_addr, es->buf, es->used);
    if (rc < 0)
        return rc;
    top = ALIGN_DOWN(top, 16);

    uint64_t auxv[][2] = {
        { AT_PHDR, phdr_addr }, { AT_PHENT, sizeof(struct elf64_phdr) },
        { AT_PHNUM, eh->e_phnum }, { AT_PAGESZ, PAGE_SIZE }, { AT_ENTRY, eh->e_entry },
        { AT_UID, ids->uid }, { AT_EUID, ids->euid }, { AT_GID, ids->gid },
        { AT_EGID, ids->egid },
        { AT_SECURE, ids->euid != ids->uid || ids->egid != ids->gid },
        { AT_RANDOM, random_addr }, { AT_EXECFN, strings_addr },
        { AT_TANDEM_GATE, GATE_ADDRESS }, { AT_TANDEM_DIRECT, plat_direct_mode },
        { AT_NULL, 0 },
    };
    size_t words = 1 + es->argc + 1 + es->envc + 1 + ARRAY_SIZE(auxv) * 2;
    uintptr_t sp = ALIGN_DOWN(top - words * 8, 16);
    uint64_t *table = kmalloc(words * 8);
    if (!table)
        return -ENOMEM;
    size_t w = 0;
    table[w++] = es->argc;
    for (unsigned i = 0; i < es->argc; i++)
        table[w++] = strings_addr + es->offsets[i];
    table[w++] = 0;
    for (unsigned i = 0; i < es->envc; i++)
        table[w++] = strings_addr + es->offsets[es->argc + i];
    table[w++] = 0;
    memcpy(&table[w], auxv, sizeof(auxv));
    rc = vm_write(vm, sp, table, words * 8);
    kfree(table);
    *sp_out = sp;
    return rc;
}

static struct exec_strings *strings_alloc(void);
static void strings_free(struct exec_strings *es);

/* An empty space for a new image. The size limits are the process's: they
 * hold for the new program from its first segment on. */
static struct vm_space *new_space(void)
{
    struct vm_space *vm = vm_space_create();
    struct vm_space *old_vm = vm_space_current();
    if (vm && old_vm) {
        uint64_t as_limit, data_limit;
        vm_get_limits(old_vm, &as_limit, &data_limit);
        vm_set_limits(vm, as_limit, data_limit);
    }
    return vm;
}

/* Builds the new image of path in a fresh space: *vm_out, entry and stack
 * pointer. Touches nothing of the caller's process. */
static int exec_load(void *files, struct cred_box *caller, const char *path,
                     const struct exec_strings *es,
                     size_t stack_bytes, struct vm_space **vm_out, uintptr_t *entry,
                     uintptr_t *sp, struct stat *prog)
{
    struct elf64_phdr *ph = NULL;
    void *chunk = NULL;
    int rc;
    struct file *f;
    rc = proc_files_ops->open_exec(files, path, &f);
    if (rc < 0)
        return rc;
    struct stat st;
    proc_files_ops->file_stat(f, &st);
    if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
        rc = -EACCES;
        goto out;
    }
    *prog = st;                 /* its set-id bits and owner */
    struct elf64_ehdr eh;
    rc = read_exact(f, &eh, sizeof(eh), 0);
    if (rc < 0)
        goto out;
    if (memcmp(eh.e_ident, "\x7f" "ELF", 4) != 0 || eh.e_ident[4] != 2 /* 64-bit */ ||
        eh.e_ident[5] != 1 /* little-endian */ || eh.e_ident[6] != 1 || eh.e_type != ET_EXEC ||
        eh.e_machine != elf_machine() || eh.e_phentsize != sizeof(struct elf64_phdr) ||
        eh.e_phnum == 0 || eh.e_phnum > EXEC_MAX_PHDRS) {
        rc = -ENOEXEC;
        goto out;
    }
    size_t ph_bytes = (size_t)eh.e_phnum * sizeof(struct elf64_phdr);
    ph = kmalloc(ph_bytes);
    chunk = kmalloc(EXEC_COPY_CHUNK);
    rc = -ENOMEM;
    if (!ph || !chunk)
        goto out;
    rc = read_exact(f, ph, ph_bytes, eh.e_phoff);
    if (rc == 0)
        rc = check_elf(&eh, ph, eh.e_phnum, (uint64_t)st.st_size);
    if (rc < 0)
        goto out;
    uintptr_t phdr_addr = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_PHDR)
            phdr_addr = ph[i].p_vaddr;
        else if (!phdr_addr && ph[i].p_type == PT_LOAD && eh.e_phoff >= ph[i].p_offset &&
                 eh.e_phoff + ph_bytes <= ph[i].p_offset + ph[i].p_filesz)
            phdr_addr = ph[i].p_vaddr + (eh.e_phoff - ph[i].p_offset);
    }
    struct vm_space *vm = new_space();
    rc = -ENOMEM;
    if (!vm)
        goto out;
    uintptr_t brk_start = 0;
    rc = load_segments(vm, f, ph, eh.e_phnum, &brk_start, chunk);
    /* the ids the program will run with (cred_exec at the point of no
     * return makes them the process's) */
    struct cred ids;
    cred_box_get(caller, &ids);
    cred_exec(&ids, st.st_mode, st.st_uid, st.st_gid);
    if (rc == 0)
        rc = build_stack(vm, stack_bytes, es, &eh, phdr_addr, &ids, sp);
    if (rc < 0) {
        vm_space_destroy(vm);
        goto out;
    }
    vm_brk_init(vm, brk_start);
    *vm_out = vm;
    *entry = eh.e_entry;
out:
    kfree(ph);
    kfree(chunk);
    proc_files_ops->file_close(f);
    return rc;
}

/* Reads the "#!" line of path, if it has one, into line (NUL-terminated,
 * without the newline). 1 for a script, 0 for anything else, -errno. */
static int read_script_line(void *files, const char *path, char line[EXEC_SCRIPT_LINE_MAX])
{
    struct file *f;
    int rc = proc_files_ops->open_exec(files, path, &f);
    if (rc < 0)
        return rc;
    struct stat st;
    proc_files_ops->file_stat(f, &st);
    if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
        rc = -EACCES;
    long n = 0;
    if (rc == 0)
        n = proc_files_ops->file_pread(f, line, EXEC_SCRIPT_LINE_MAX, 0);
    proc_files_ops->file_close(f);
    if (rc < 0)
        return rc;
    if (n < 0)
        return n == -EINVAL || n == -EISDIR ? 0 : (int)n;
    if (n < 2 || line[0] != '#' || line[1] != '!')
        return 0;
    char *end = memchr(line, '\n', (size_t)n);
    if (!end && n == EXEC_SCRIPT_LINE_MAX)
        return -ENOEXEC;                /* the line does not fit */
    if (!end)
        end = line + n;                 /* a file of just "#!..." */
    *end = '\0';
    return 1;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits a "#!" line in place: the interpreter and its one optional
 * argument (the rest of the line, trailing blanks removed), as Linux. */
static int parse_script_line(char *line, char **interp, char **arg)
{
    char *p = line + 2;
    while (is_blank(*p))
        p++;
    if (*p == '\0')
        return -ENOEXEC;
    *interp = p;
    while (*p && !is_blank(*p))
        p++;
    if (*p)
        *p++ = '\0';
    while (is_blank(*p))
        p++;
    char *end = p + strlen(p);
    while (end > p && (is_blank(end[-1]) || end[-1] == '\r'))
        *--end = '\0';
    *arg = *p ? p : NULL;
    return 0;
}

/* The arguments of a script's interpreter: interp, the optional arg, the
 * script's path as given, then argv[1..] and the environment of es. */
static int script_strings(const struct exec_strings *es, const char *interp, const char *arg,
                          const char *path, struct exec_strings *out)
{
    int rc = strings_add(out, interp, strlen(interp));
    out->argc++;
    if (rc == 0 && arg) {
        rc = strings_add(out, arg, strlen(arg));
        out->argc++;
    }
    if (rc == 0) {
        rc = strings_add(out, path, strlen(path));
        out->argc++;
    }
    for (unsigned i = 1; i < es->argc && rc == 0; i++, out->argc++) {
        const char *s = es->buf + es->offsets[i];
        rc = strings_add(out, s, strlen(s));
    }
    for (unsigned i = 0; i < es->envc && rc == 0; i++, out->envc++) {
        const char *s = es->buf + es->offsets[es->argc + i];
        rc = strings_add(out, s, strlen(s));
    }
    return rc;
}

/* Loads path, or the interpreter its "#!" line names. *script_es is NULL
 * for a program (the image got es), else the interpreter's arguments the
 * image got (the caller frees them). */
static int exec_load_any(void *files, struct cred_box *caller, const char *path,
                         struct exec_strings *es,
                         size_t stack_bytes, struct exec_strings **script_es,
                         struct vm_space **vm, uintptr_t *entry, uintptr_t *sp,
                         struct stat *prog)
{
    char line[EXEC_SCRIPT_LINE_MAX];
    *script_es = NULL;
    int rc = read_script_line(files, path, line);
    if (rc <= 0)
        return rc < 0 ? rc : exec_load(files, caller, path, es, stack_bytes, vm, entry, sp,
                                       prog);
    char *interp, *arg;
    rc = parse_script_line(line, &interp, &arg);
    if (rc < 0)
        return rc;
    struct exec_strings *ses = strings_alloc();
    if (!ses)
        return -ENOMEM;
    rc = script_strings(es, interp, arg, path, ses);
    if (rc == 0)
        rc = exec_load(files, caller, interp, ses, stack_bytes, vm, entry, sp, prog);
    if (rc < 0) {
        strings_free(ses);
        return rc;
    }
    *script_es = ses;
    return 0;
}

/* The argv part of es (the strings before the environment's). */
static size_t argv_bytes(const struct exec_strings *es)
{
    if (es->argc == 0)
        return 0;
    return es->envc ? es->offsets[es->argc] : es->used;
}

/* The main thread's stack size for p's RLIMIT_STACK (soft). */
static size_t stack_bytes_for(struct proc *p)
{
    uint64_t limit = proc_rlimit_cur(p, RLIMIT_STACK);
    limit = MAX(limit, (uint64_t)EXEC_STACK_MIN);
    limit = MIN(limit, (uint64_t)EXEC_STACK_MAX);
    return ALIGN_UP((size_t)limit, PAGE_SIZE);
}

/* The core: es holds the arguments, path is kernel memory. */
static int exec_commit(struct trap_frame *tf, struct vm_space *vm, uintptr_t entry,
                       uintptr_t sp, struct proc_cmdline *cmdline, const char *name,
                       const struct stat *prog);

static int exec_image(struct trap_frame *tf, const char *path, struct exec_strings *es)
{
    struct proc *p = proc_current();
    struct vm_space *vm;
    uintptr_t entry, sp;
    struct exec_strings *script_es;
    struct stat prog;           /* the program loaded (a script's interpreter) */

    int rc = exec_load_any(p->files, &p->ids, path, es, stack_bytes_for(p), &script_es, &vm,
                           &entry, &sp, &prog);
    if (rc < 0)
        return rc;
    const struct exec_strings *used = script_es ? script_es : es;
    struct proc_cmdline *cmdline = proc_cmdline_make(used->buf, argv_bytes(used));
    if (script_es)
        strings_free(script_es);
    const char *base = strrchr(path, '/');
    return exec_commit(tf, vm, entry, sp, cmdline, base ? base + 1 : path, &prog);
}

/* Replaces the current process's image with vm (entry, sp), named name,
 * with the set-id bits of prog (NULL: none). Consumes vm and cmdline. */
static int exec_commit(struct trap_frame *tf, struct vm_space *vm, uintptr_t entry,
                       uintptr_t sp, struct proc_cmdline *cmdline, const char *name,
                       const struct stat *prog)
{
    struct proc_thread *pt = proc_thread_current();
    struct proc *p = pt->proc;

    /* The new image is complete: the other threads go (Linux's de_thread),
     * unless this thread is itself being ended (exit_group, a fatal
     * signal, another thread's exec). */
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    struct list *pos;
    list_for_each(pos, &p->threads) {
        struct proc_thread *t = list_entry(pos, struct proc_thread, link);
        if (t != pt && !t->is_exiting) {
            t->is_exiting = true;
            if (t->kthread)
                thread_interrupt(t->kthread);
        }
    }
    while (p->thread_count > 1 && !pt->is_exiting && !p->is_exiting)
        waitq_sleep_uninterruptible(&p->thread_exit_wq, &proc_lock, 0);
    bool is_cancelled = pt->is_exiting || p->is_exiting;
    spin_unlock_irqrestore(&proc_lock, flags);
    if (is_cancelled) {
        vm_space_destroy(vm);
        proc_cmdline_put(cmdline);
        return -EINTR;          /* the way out ends this thread */
    }

    /* The point of no return: the new image replaces the old. Its size
     * limits are the process's (prlimit sets them under the same mutex). */
    mutex_lock(&proc_vm_mutex);
    proc_rlimit_apply_vm(p, vm);
    flags = arch_irq_save();
    struct vm_space *old = p->vm;
    p->vm = vm;
    vm_space_activate(vm);
    arch_user_state_init(pt->user_state);
    arch_user_state_restore(pt->user_state);
    arch_irq_restore(flags);
    if (old)
        vm_space_destroy(old);
    mutex_unlock(&proc_vm_mutex);
    flags = spin_lock_irqsave(&proc_lock);
    struct proc_cmdline *old_cmdline = p->cmdline;
    p->cmdline = cmdline;
    spin_unlock_irqrestore(&proc_lock, flags);
    proc_cmdline_put(old_cmdline);
    proc_files_ops->exec(p->files);
    if (prog) {
        spin_lock(&p->ids.lock);
        cred_exec(&p->ids.cred, prog->st_mode, prog->st_uid, prog->st_gid);
        spin_unlock(&p->ids.lock);
    }
    sig_reset_on_exec(p, pt);
    strlcpy(p->name, name, sizeof(p->name));
    arch_user_frame_init(tf, entry, sp);
    return 0;
}

/* Builds program's image in a fresh space: its segments copied as the
 * build laid them out, then the stack. */
static int embedded_load(const struct embedded_program *program, const struct exec_strings *es,
                         size_t stack_bytes, struct vm_space **vm_out, uintptr_t *sp)
{
    struct vm_space *vm = new_space();
    if (!vm)
        return -ENOMEM;
    uintptr_t mapped_end = 0, brk_start = 0;
    unsigned prev_prot = 0;
    int rc = 0;
    for (uint64_t i = 0; i < program->segment_count && rc == 0; i++) {
        const struct embedded_segment *seg = &program->segments[i];
        rc = map_segment(vm, seg->vaddr, seg->memsz, (uint32_t)seg->flags, &mapped_end,
                         &prev_prot);
        if (rc == 0)
            rc = vm_write(vm, seg->vaddr, seg->data, seg->filesz);
        brk_start = MAX(brk_start, (uintptr_t)(seg->vaddr + seg->memsz));
    }
    struct elf64_ehdr eh = { .e_entry = program->entry, .e_phnum = (uint16_t)program->phnum };
    struct cred ids;
    cred_box_get(&proc_current()->ids, &ids);
    if (rc == 0)
        rc = build_stack(vm, stack_bytes, es, &eh, program->phdr_addr, &ids, sp);
    if (rc < 0) {
        vm_space_destroy(vm);
        return rc;
    }
    vm_brk_init(vm, brk_start);
    *vm_out = vm;
    return 0;
}

int proc_exec_embedded(struct trap_frame *tf, const struct embedded_program *program,
                       char *const argv[], char *const envp[])
{
    struct exec_strings *es = strings_alloc();
    if (!es)
        return -ENOMEM;
    int rc = strings_from_kernel(es, argv, envp);
    struct vm_space *vm;
    uintptr_t sp;
    if (rc == 0)
        rc = embedded_load(program, es, stack_bytes_for(proc_current()), &vm, &sp);
    if (rc == 0)
        rc = exec_commit(tf, vm, program->entry, sp, proc_cmdline_make(es->buf, argv_bytes(es)),
                         program->name, NULL);
    strings_free(es);
    return rc;
}

/* For the loader's tests: loads path as exec would and throws the image
 * away. Returns what exec would. */
int proc_exec_try_load(void *files, const char *path)
{
    struct cred_box root = CRED_BOX_INIT(CRED_ROOT);     /* the tests load as root */
    static char *const argv[] = { "test", NULL };
    struct exec_strings *es = strings_alloc();
    if (!es)
        return -ENOMEM;
    int rc = strings_add(es, argv[0], strlen(argv[0]));
    es->argc = 1;
    struct vm_space *vm;
    uintptr_t entry, sp;
    struct stat prog;
    if (rc == 0)
        rc = exec_load(files, &root, path, es, VM_STACK_SIZE, &vm, &entry, &sp, &prog);
    if (rc == 0)
        vm_space_destroy(vm);
    strings_free(es);
    return rc;
}

static struct exec_strings *strings_alloc(void)
{
    struct exec_strings *es = kzalloc(sizeof(*es));
    if (!es)
        return NULL;
    es->size = EXEC_STRINGS_FIRST;
    es->offsets_size = EXEC_OFFSETS_FIRST;
    es->buf = kmalloc(es->size);
    es->offsets = kmalloc(es->offsets_size * sizeof(*es->offsets));
    if (!es->buf || !es->offsets) {
        strings_free(es);
        return NULL;
    }
    return es;
}

static void strings_free(struct exec_strings *es)
{
    kfree(es->buf);
    kfree(es->offsets);
    kfree(es);
}

int proc_exec(struct trap_frame *tf, const char *path, char *const argv[], char *const envp[])
{
    struct exec_strings *es = strings_alloc();
    if (!es)
        return -ENOMEM;
    int rc = strings_from_kernel(es, argv, envp);
    if (rc == 0)
        rc = exec_image(tf, path, es);
    strings_free(es);
    return rc;
}

/* Copies a NULL-terminated user array of strings into es. */
static int copy_string_array(struct exec_strings *es, uintptr_t uarray, unsigned *count)
{
    if (!uarray)
        return 0;
    for (unsigned i = 0;; i++) {
        uintptr_t ustr;
        if (copy_from_user(&ustr, (const void *)(uarray + i * sizeof(uintptr_t)),
                           sizeof(ustr)) < 0)
            return -EFAULT;
        if (!ustr)
            return 0;
        int rc = strings_reserve(es, 0);
        long len = -ENAMETOOLONG;
        /* until the string fits (the buffer doubling each time) */
        while (rc == 0 && len == -ENAMETOOLONG) {
            len = strncpy_from_user(es->buf + es->used, (const char *)ustr, es->size - es->used);
            if (len == -ENAMETOOLONG)
                rc = strings_reserve(es, es->size - es->used);
        }
        if (rc < 0)
            return rc;
        if (len < 0)
            return (int)len;
        es->offsets[es->argc + es->envc] = (uint32_t)es->used;
        es->used += (size_t)len + 1;
        (*count)++;
    }
}

long proc_execve_user(struct trap_frame *tf, const char *upath, uintptr_t uargv,
                      uintptr_t uenvp)
{
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return -ENOMEM;
    long rc = strncpy_from_user(path, upath, PATH_MAX);
    struct exec_strings *es = NULL;
    if (rc >= 0) {
        es = strings_alloc();
        rc = es ? 0 : -ENOMEM;
    }
    if (rc == 0)
        rc = copy_string_array(es, uargv, &es->argc);
    if (rc == 0)
        rc = copy_string_array(es, uenvp, &es->envc);
    if (rc == 0)
        rc = exec_image(tf, path, es);
    if (es)
        strings_free(es);
    kfree(path);
    return rc;
}
