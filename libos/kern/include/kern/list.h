/* Intrusive doubly linked lists with a sentinel head. */
#ifndef KERN_LIST_H
#define KERN_LIST_H

#include <stdbool.h>
#include <kern/util.h>

struct list {
    struct list *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list *head)
{
    head->next = head->prev = head;
}

static inline bool list_empty(const struct list *head)
{
    return head->next == head;
}

static inline void list_insert_after(struct list *pos, struct list *node)
{
    node->prev = pos;
    node->next = pos->next;
    pos->next->prev = node;
    pos->next = node;
}

static inline void list_push_front(struct list *head, struct list *node)
{
    list_insert_after(head, node);
}

static inline void list_push_back(struct list *head, struct list *node)
{
    list_insert_after(head->prev, node);
}

static inline void list_remove(struct list *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    node->next = node->prev = node;
}

/* Moves every node of src to the end of dst, in order; src is left empty. */
static inline void list_splice_back(struct list *dst, struct list *src)
{
    if (list_empty(src))
        return;
    struct list *first = src->next, *last = src->prev;
    first->prev = dst->prev;
    dst->prev->next = first;
    last->next = dst;
    dst->prev = last;
    list_init(src);
}

#define list_entry(node, type, member) container_of(node, type, member)
#define list_for_each(pos, head) \
    for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#endif
