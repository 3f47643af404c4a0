/* redir.h: applying and undoing redirections (redir.c). */
#ifndef SH_REDIR_H
#define SH_REDIR_H

#include "sh.h"

#define REDIR_UNDO_MAX 16

struct redir_undo {
    struct {
        int fd;
        int copy;        /* -1: fd was closed before */
    } saved[REDIR_UNDO_MAX];
    int n;
};

int apply_redirs(struct redir *list, struct redir_undo *undo);
void undo_redirs(struct redir_undo *undo);
void forget_redirs(struct redir_undo *undo);

#endif
