/* memory.c: allocation for the shell: checked malloc, arenas (parse trees,
 * expansion temporaries released to a mark) and growable string buffers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

#define ARENA_BLOCK_BYTES 4000
#define ARENA_ALIGN 16

struct arena_block {
    struct arena_block *prev;
    size_t size, used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

static struct arena scratch_arena = { NULL, 1 };
struct arena *scratch = &scratch_arena;

static void out_of_memory(void)
{
    static const char msg[] = "sh: out of memory\n";
    write(2, msg, sizeof msg - 1);
    _exit(2);
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

struct arena *arena_new(void)
{
    struct arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    a->refs = 1;
    return a;
}

void arena_ref(struct arena *a)
{
    a->refs++;
}

static void arena_free_blocks(struct arena *a, struct arena_block *until)
{
    while (a->head && a->head != until) {
        struct arena_block *prev = a->head->prev;
        free(a->head);
        a->head = prev;
    }
}

void arena_unref(struct arena *a)
{
    if (!a || --a->refs > 0)
        return;
    arena_free_blocks(a, NULL);
    free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > ARENA_BLOCK_BYTES ? size : ARENA_BLOCK_BYTES;
        b = xmalloc(sizeof *b + cap);
        b->prev = a->head;
        b->size = cap;
        b->used = 0;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void arena_get_mark(struct arena *a, struct arena_mark *mark)
{
    mark->block = a->head;
    mark->used = a->head ? a->head->used : 0;
}

void arena_release(struct arena *a, const struct arena_mark *mark)
{
    arena_free_blocks(a, mark->block);
    if (a->head)
        a->head->used = mark->used;
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap * 2 : 64;
        while (cap < sb->len + n + 1)
            cap *= 2;
        sb->s = xrealloc(sb->s, cap);
        sb->cap = cap;
    }
    memcpy(sb->s + sb->len, s, n);
    sb->len += n;
    sb->s[sb->len] = '\0';
}

void sb_addc(struct strbuf *sb, char c)
{
    sb_add(sb, &c, 1);
}

void sb_adds(struct strbuf *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

const char *sb_str(struct strbuf *sb)
{
    return sb->s ? sb->s : "";
}

void sb_free(struct strbuf *sb)
{
    free(sb->s);
    sb->s = NULL;
    sb->len = sb->cap = 0;
}
