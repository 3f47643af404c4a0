/* httpd -p PORT DIR: serves the files under DIR over HTTP/1.1 (GET and
 * HEAD; keep-alive, and pipelined requests answered in order) from one
 * process with a poll loop over non-blocking sockets, so that many clients
 * cost a few KiB each and no fork. A directory gives its index.html; a
 * path with a ".." segment is refused (400) before any file is opened;
 * a missing file is 404. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <unistd.h>

#define HTTPD_MAX_CLIENTS   256
#define HTTPD_REQUEST_BYTES 4096    /* request line and headers */
#define HTTPD_OUT_BYTES     16384
#define HTTPD_PATH_MAX      1024

struct client {
    int fd;
    int file_fd;                    /* the body being sent, or -1 */
    long long body_left;
    int is_keep_alive;
    size_t in_len;                  /* request bytes buffered */
    size_t out_start, out_end;      /* bytes waiting in out */
    char in[HTTPD_REQUEST_BYTES];
    char out[HTTPD_OUT_BYTES];
};

static struct client *clients[HTTPD_MAX_CLIENTS];
static int client_count;
static const char *root_dir;

static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static void drop_client(int index)
{
    struct client *c = clients[index];
    if (c->file_fd >= 0)
        close(c->file_fd);
    close(c->fd);
    free(c);
    clients[index] = clients[--client_count];
}

static const char *content_type(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html"}, {".htm", "text/html"}, {".txt", "text/plain"},
        {".css", "text/css"}, {".js", "application/javascript"}, {".json", "application/json"},
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".gif", "image/gif"},
        {".svg", "image/svg+xml"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(dot, types[i][0]) == 0)
            return types[i][1];
    return "application/octet-stream";
}

static void respond_status(struct client *c, int status, const char *reason, int is_head)
{
    char body[128];
    int body_len = snprintf(body, sizeof body, "%d %s\n", status, reason);
    c->out_end = (size_t)snprintf(c->out, sizeof c->out,
        "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
        "Connection: %s\r\n\r\n%s", status, reason, body_len,
        c->is_keep_alive ? "keep-alive" : "close", is_head ? "" : body);
    c->out_start = 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes %XX and checks the path: 0, or -1 for a bad or escaping path. */
static int decode_path(const char *target, char *path, size_t size)
{
    size_t len = 0;
    if (target[0] != '/')
        return -1;
    for (const char *p = target; *p && *p != '?' && *p != '#'; p++) {
        char c = *p;
        if (c == '%') {
            int high = hex_digit(p[1]), low = high < 0 ? -1 : hex_digit(p[2]);
            if (low < 0)
                return -1;
            c = (char)(high << 4 | low);
            p += 2;
        }
        if (c == '\0' || len + 1 >= size)
            return -1;
        path[len++] = c;
    }
    path[len] = '\0';
    /* No ".." segment: the path stays under the root. */
    for (const char *seg = path; seg; seg = strchr(seg + 1, '/')) {
        const char *start = seg[0] == '/' ? seg + 1 : seg;
        if (start[0] == '.' && start[1] == '.' && (start[2] == '/' || start[2] == '\0'))
            return -1;
    }
    return 0;
}

/* Answers the request in c->in[0..header_len) (its headers end there). */
static void handle_request(struct client *c, size_t header_len)
{
    char method[16], target[HTTPD_PATH_MAX], version[16];
    c->in[header_len - 1] = '\0';
    if (sscanf(c->in, "%15s %1023s HTTP/%15s", method, target, version) != 3) {
        c->is_keep_alive = 0;
        respond_status(c, 400, "Bad Request", 0);
        return;
    }
    c->is_keep_alive = strcmp(version, "1.0") != 0;
    for (char *line = strchr(c->in, '\n'); line; line = strchr(line + 1, '\n')) {
        if (strncasecmp(line + 1, "Connection:", 11) != 0)
            continue;
        const char *value = line + 12 + strspn(line + 12, " \t");
        if (strncasecmp(value, "close", 5) == 0)
            c->is_keep_alive = 0;
        else if (strncasecmp(value, "keep-alive", 10) == 0)
            c->is_keep_alive = 1;
    }
    int is_head = strcmp(method, "HEAD") == 0;
    if (!is_head && strcmp(method, "GET") != 0) {
        respond_status(c, 501, "Not Implemented", 0);
        return;
    }
    char path[HTTPD_PATH_MAX], file[2 * HTTPD_PATH_MAX + 16];
    if (decode_path(target, path, sizeof path) < 0) {
        respond_status(c, 400, "Bad Request", is_head);
        return;
    }
    snprintf(file, sizeof file, "%s%s", root_dir, path);
    struct stat st;
    if (stat(file, &st) < 0)
        st.st_mode = 0;
    if (S_ISDIR(st.st_mode)) {
        strcat(file, file[strlen(file) - 1] == '/' ? "index.html" : "/index.html");
        if (stat(file, &st) < 0)
            st.st_mode = 0;
    }
    int fd = S_ISREG(st.st_mode) ? open(file, O_RDONLY) : -1;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        respond_status(c, 404, "Not Found", is_head);
        return;
    }
    c->out_start = 0;
    c->out_end = (size_t)snprintf(c->out, sizeof c->out,
        "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %lld\r\nConnection: %s\r\n\r\n",
        content_type(file), (long long)st.st_size, c->is_keep_alive ? "keep-alive" : "close");
    if (is_head) {
        close(fd);
        return;
    }
    c->file_fd = fd;
    c->body_left = st.st_size;
}

/* Parses a request when its headers are complete. */
static void try_request(struct client *c)
{
    if (c->out_end > c->out_start || c->file_fd >= 0)
        return;                         /* still answering the last one */
    char *end = NULL;
    for (size_t i = 3; i < c->in_len && !end; i++)
        if (memcmp(c->in + i - 3, "\r\n\r\n", 4) == 0)
            end = c->in + i + 1;
    if (!end) {
        if (c->in_len == sizeof c->in) {
            c->is_keep_alive = 0;
            c->in_len = 0;
            respond_status(c, 400, "Bad Request", 0);
        }
        return;
    }
    size_t header_len = (size_t)(end - c->in);
    handle_request(c, header_len);
    memmove(c->in, end, c->in_len - header_len);
    c->in_len -= header_len;
}

/* Sends what is pending; 0 to keep the client, -1 to drop it. */
static int send_pending(struct client *c)
{
    for (;;) {
        /* The body goes behind what is pending (the header first), so a
         * small response leaves in one send: as two, Nagle would hold the
         * body until the peer acknowledged the header, and a peer that
         * delays its ACKs (Linux: 40 ms) would make every request wait. */
        if (c->out_start == c->out_end)
            c->out_start = c->out_end = 0;
        if (c->file_fd >= 0 && c->out_end < sizeof c->out) {
            size_t room = sizeof c->out - c->out_end;
            size_t want = c->body_left < (long long)room ? (size_t)c->body_left : room;
            ssize_t got = want ? read(c->file_fd, c->out + c->out_end, want) : 0;
            if (got <= 0) {
                close(c->file_fd);
                c->file_fd = -1;
                if (c->body_left > 0)
                    return -1;          /* the file shrank: the length was a lie */
            } else {
                c->out_end += (size_t)got;
                c->body_left -= got;
            }
        }
        if (c->out_start == c->out_end) {
            if (c->file_fd >= 0)
                continue;
            if (!c->is_keep_alive)
                return -1;
            try_request(c);             /* a pipelined request */
            if (c->out_start == c->out_end)
                return 0;
            continue;
        }
        ssize_t sent = send(c->fd, c->out + c->out_start, c->out_end - c->out_start, 0);
        if (sent < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
        c->out_start += (size_t)sent;
    }
}

static void accept_clients(int listen_fd)
{
    while (client_count < HTTPD_MAX_CLIENTS) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0)
            return;
        struct client *c = malloc(sizeof *c);
        if (!c) {
            close(fd);
            return;
        }
        set_nonblocking(fd);
        c->fd = fd;
        c->file_fd = -1;
        c->body_left = 0;
        c->is_keep_alive = 1;
        c->in_len = c->out_start = c->out_end = 0;
        clients[client_count++] = c;
    }
}

int main(int argc, char **argv)
{
    int port = -1, opt;
    while ((opt = getopt(argc, argv, "p:")) != -1) {
        if (opt != 'p')
            goto usage;
        port = atoi(optarg);
    }
    if (port <= 0 || port > 65535 || optind != argc - 1)
        goto usage;
    root_dir = argv[optind];
    struct stat st;
    if (strlen(root_dir) >= HTTPD_PATH_MAX || stat(root_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "httpd: %s: not a directory\n", root_dir);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    int listen_fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                   .sin_addr = { htonl(INADDR_ANY) } };
    if (listen_fd < 0 || setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
        bind(listen_fd, (struct sockaddr *)&address, sizeof address) < 0 ||
        listen(listen_fd, 128) < 0) {
        fprintf(stderr, "httpd: port %d: %s\n", port, strerror(errno));
        return 1;
    }
    set_nonblocking(listen_fd);
    static struct pollfd fds[HTTPD_MAX_CLIENTS + 1];
    for (;;) {
        fds[0] = (struct pollfd){ .fd = client_count < HTTPD_MAX_CLIENTS ? listen_fd : -1,
                                  .events = POLLIN };
        for (int i = 0; i < client_count; i++) {
            struct client *c = clients[i];
            int is_sending = c->out_end > c->out_start || c->file_fd >= 0;
            fds[i + 1] = (struct pollfd){ .fd = c->fd, .events = is_sending ? POLLOUT : POLLIN };
        }
        int polled = client_count;
        if (poll(fds, (nfds_t)polled + 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            perror("httpd: poll");
            return 1;
        }
        /* Backwards: drop_client moves the last client into the hole. */
        for (int i = polled - 1; i >= 0; i--) {
            struct client *c = clients[i];
            short revents = fds[i + 1].revents;
            if (!revents)
                continue;
            if ((revents & POLLIN) && c->in_len < sizeof c->in) {
                ssize_t got = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
                if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
                    drop_client(i);
                    continue;
                }
                if (got > 0)
                    c->in_len += (size_t)got;
                try_request(c);
            } else if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
                drop_client(i);
                continue;
            }
            if (send_pending(c) < 0)
                drop_client(i);
        }
        if (fds[0].revents & POLLIN)
            accept_clients(listen_fd);
    }
usage:
    fprintf(stderr, "usage: httpd -p PORT DIR\n");
    return 2;
}
