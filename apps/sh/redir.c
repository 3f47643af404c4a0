/* redir.c: redirections. apply_redirs opens and installs them, and when
 * given an undo record first saves each descriptor it replaces (above 10,
 * close-on-exec) so a builtin or compound command can have them undone. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sh.h"
#include "redir.h"

#define SAVED_FD_MIN 10
#define HEREDOC_DIRECT_BYTES 4096   /* at most PIPE_BUF: written without a helper */

static int heredoc_fd(struct redir *r)
{
    const char *body = r->body ? r->body : "";
    if (r->expand_body) {
        body = expand_heredoc(body);
        if (!body)
            return -1;
    }
    int fds[2];
    if (pipe(fds) < 0) {
        sh_error("pipe: %s", strerror(errno));
        return -1;
    }
    size_t len = strlen(body);
    if (len <= HEREDOC_DIRECT_BYTES) {
        out_write(fds[1], body, len);
        close(fds[1]);
        return fds[0];
    }
    pid_t pid = fork();
    if (pid < 0) {
        sh_error("fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        close(fds[0]);
        out_write(fds[1], body, len);
        _exit(0);
    }
    close(fds[1]);
    return fds[0];
}

static int dup_target(struct redir *r, const char *target)
{
    if (strcmp(target, "-") == 0) {
        close(r->fd);
        return -2;
    }
    char *end;
    long fd = strtol(target, &end, 10);
    if (*target == '\0' || *end || fd < 0 || fd > 1000) {
        sh_error("%s: bad file descriptor", target);
        return -1;
    }
    if (fcntl((int)fd, F_GETFD) < 0) {
        sh_error("%ld: %s", fd, strerror(errno));
        return -1;
    }
    if (fd == r->fd)
        return -2;
    if (dup2((int)fd, r->fd) < 0) {
        sh_error("%ld: %s", fd, strerror(errno));
        return -1;
    }
    return -2;
}

/* Open what r names; returns a descriptor, -1 on error, -2 when r->fd is
 * already in place (duplications, closes). */
static int open_redir(struct redir *r)
{
    if (r->kind == REDIR_HEREDOC)
        return heredoc_fd(r);
    const char *target = expand_string(r->word);
    if (!target)
        return -1;
    int flags;
    switch (r->kind) {
    case REDIR_IN: flags = O_RDONLY; break;
    case REDIR_OUT:
    case REDIR_CLOBBER: flags = O_WRONLY | O_CREAT | O_TRUNC; break;
    case REDIR_APPEND: flags = O_WRONLY | O_CREAT | O_APPEND; break;
    case REDIR_RDWR: flags = O_RDWR | O_CREAT; break;
    default: return dup_target(r, target);
    }
    if (r->kind == REDIR_OUT && opt.noclobber) {
        struct stat st;
        if (stat(target, &st) == 0 && S_ISREG(st.st_mode)) {
            sh_error("%s: cannot overwrite existing file", target);
            return -1;
        }
    }
    int fd = open(target, flags, 0666);
    if (fd < 0) {
        sh_error("%s: %s", target, strerror(errno));
        return -1;
    }
    return fd;
}

static void save_fd(struct redir_undo *undo, int fd)
{
    for (int i = 0; i < undo->n; i++)
        if (undo->saved[i].fd == fd)
            return;
    if (undo->n == REDIR_UNDO_MAX)
        return;
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, SAVED_FD_MIN);
    undo->saved[undo->n].fd = fd;
    undo->saved[undo->n].copy = copy;
    undo->n++;
}

int apply_redirs(struct redir *list, struct redir_undo *undo)
{
    if (undo)
        undo->n = 0;
    for (struct redir *r = list; r; r = r->next) {
        if (undo)
            save_fd(undo, r->fd);
        int fd = open_redir(r);
        if (fd == -1)
            return -1;
        if (fd == -2 || fd == r->fd)
            continue;
        if (dup2(fd, r->fd) < 0) {
            sh_error("%d: %s", r->fd, strerror(errno));
            close(fd);
            return -1;
        }
        close(fd);
    }
    return 0;
}

void undo_redirs(struct redir_undo *undo)
{
    for (int i = undo->n - 1; i >= 0; i--) {
        if (undo->saved[i].copy >= 0) {
            dup2(undo->saved[i].copy, undo->saved[i].fd);
            close(undo->saved[i].copy);
        } else {
            close(undo->saved[i].fd);
        }
    }
    undo->n = 0;
}

void forget_redirs(struct redir_undo *undo)
{
    for (int i = 0; i < undo->n; i++)
        if (undo->saved[i].copy >= 0)
            close(undo->saved[i].copy);
    undo->n = 0;
}
