/* wget [-q] [-O FILE] URL: fetches an http:// URL with an HTTP/1.1 GET
 * (Host header, Connection: close) into FILE, standard output for "-O -",
 * or the last part of the URL's path (index.html when empty). Bodies with
 * Content-Length, chunked, or up to the end of the connection; redirects
 * (301 302 303 307 308) followed up to 5 times. Exit 1 with a message on
 * a connection failure, an HTTP error status or a short body. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define WGET_MAX_REDIRECTS 5
#define WGET_BUF_BYTES     16384
#define WGET_LINE_MAX      4096

struct url {
    char host[256];
    char port[8];
    char path[2048];
};

/* A buffered reader on the connection. */
struct reader {
    int fd;
    size_t start, end;
    char buf[WGET_BUF_BYTES];
};

static int is_quiet;

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "wget: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return -1;
}

static int parse_url(const char *text, struct url *url)
{
    if (strncasecmp(text, "http://", 7) != 0)
        return fail("only http:// URLs are supported", text);
    text += 7;
    size_t host_len = strcspn(text, ":/?#");
    if (host_len == 0 || host_len >= sizeof url->host)
        return fail("bad host in URL", text);
    memcpy(url->host, text, host_len);
    url->host[host_len] = '\0';
    text += host_len;
    strcpy(url->port, "80");
    if (*text == ':') {
        size_t port_len = strspn(++text, "0123456789");
        if (port_len == 0 || port_len >= sizeof url->port)
            return fail("bad port in URL", text);
        memcpy(url->port, text, port_len);
        url->port[port_len] = '\0';
        text += port_len;
    }
    size_t path_len = strcspn(text, "#");
    if (path_len + 2 > sizeof url->path)
        return fail("URL too long", NULL);
    snprintf(url->path, sizeof url->path, "%s%.*s", *text == '/' ? "" : "/", (int)path_len, text);
    return 0;
}

static int connect_to(const struct url *url)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *list;
    int status = getaddrinfo(url->host, url->port, &hints, &list);
    if (status != 0) {
        fprintf(stderr, "wget: bad address '%s': %s\n", url->host, gai_strerror(status));
        return -1;
    }
    int fd = -1, error = 0;
    for (struct addrinfo *ai = list; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            error = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            error = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list);
    if (fd < 0)
        fprintf(stderr, "wget: can't connect to %s:%s: %s\n", url->host, url->port,
                strerror(error));
    return fd;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t done = write(fd, data, len);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return -1;
        data += done;
        len -= (size_t)done;
    }
    return 0;
}

static ssize_t fill(struct reader *r)
{
    if (r->start == r->end)
        r->start = r->end = 0;
    for (;;) {
        ssize_t got = read(r->fd, r->buf + r->end, sizeof r->buf - r->end);
        if (got < 0 && errno == EINTR)
            continue;
        if (got > 0)
            r->end += (size_t)got;
        return got;
    }
}

/* One line without its CRLF; -1 at the end of the connection. */
static int read_line(struct reader *r, char *line, size_t size)
{
    size_t len = 0;
    for (;;) {
        while (r->start < r->end) {
            char c = r->buf[r->start++];
            if (c == '\n') {
                if (len > 0 && line[len - 1] == '\r')
                    len--;
                line[len] = '\0';
                return 0;
            }
            if (len + 1 < size)
                line[len++] = c;
        }
        if (fill(r) <= 0)
            return -1;
    }
}

/* Copies `len` body bytes (all of them up to EOF when len < 0) to out. */
static int copy_body(struct reader *r, int out, long long len)
{
    while (len != 0) {
        if (r->start == r->end) {
            ssize_t got = fill(r);
            if (got < 0)
                return fail("read error", strerror(errno));
            if (got == 0)
                return len < 0 ? 0 : fail("connection closed before the end of the body", NULL);
        }
        size_t chunk = r->end - r->start;
        if (len >= 0 && (long long)chunk > len)
            chunk = (size_t)len;
        if (write_all(out, r->buf + r->start, chunk) < 0)
            return fail("write error", strerror(errno));
        r->start += chunk;
        if (len > 0)
            len -= (long long)chunk;
    }
    return 0;
}

static int copy_chunked(struct reader *r, int out)
{
    char line[WGET_LINE_MAX];
    for (;;) {
        if (read_line(r, line, sizeof line) < 0)
            return fail("connection closed in a chunked body", NULL);
        char *end;
        long long size = strtoll(line, &end, 16);
        if (end == line || size < 0 || (*end && *end != ';' && *end != ' '))
            return fail("bad chunk size", line);
        if (size == 0)
            break;
        if (copy_body(r, out, size) < 0 || read_line(r, line, sizeof line) < 0 || line[0])
            return fail("bad chunk end", NULL);
    }
    /* Trailers up to the empty line. */
    while (read_line(r, line, sizeof line) == 0 && line[0])
        ;
    return 0;
}

/* Transfer-Encoding lists codings; chunked is the last when present. */
static int is_chunked_coding(const char *value)
{
    size_t len = strlen(value);
    while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
        len--;
    return len >= 7 && strncasecmp(value + len - 7, "chunked", 7) == 0;
}

static const char *default_file_name(const char *path)
{
    static char name[256];
    size_t len = strcspn(path, "?");
    const char *base = path;
    for (size_t i = 0; i < len; i++)
        if (path[i] == '/')
            base = path + i + 1;
    size_t base_len = (size_t)(path + len - base);
    if (base_len == 0 || base_len >= sizeof name)
        return "index.html";
    memcpy(name, base, base_len);
    name[base_len] = '\0';
    return name;
}

/* Resolves a Location header against the current URL. */
static int follow(struct url *url, const char *location)
{
    if (strncasecmp(location, "http://", 7) == 0)
        return parse_url(location, url);
    if (strncasecmp(location, "https://", 8) == 0)
        return fail("redirect to https is not supported", location);
    if (location[0] == '/') {
        if (strlen(location) >= sizeof url->path)
            return fail("redirect too long", NULL);
        strcpy(url->path, location);
        return 0;
    }
    /* Relative to the directory of the current path. */
    char *slash = strrchr(url->path, '/');
    size_t dir_len = slash ? (size_t)(slash - url->path) + 1 : 0;
    if (dir_len + strlen(location) >= sizeof url->path)
        return fail("redirect too long", NULL);
    strcpy(url->path + dir_len, location);
    return 0;
}

int main(int argc, char **argv)
{
    const char *output = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "qO:")) != -1) {
        if (opt == 'q')
            is_quiet = 1;
        else if (opt == 'O')
            output = optarg;
        else
            goto usage;
    }
    if (optind != argc - 1)
        goto usage;
    struct url url;
    if (parse_url(argv[optind], &url) < 0)
        return 1;
    static struct reader reader;
    char line[WGET_LINE_MAX], location[WGET_LINE_MAX];
    for (int redirects = 0;; redirects++) {
        int fd = connect_to(&url);
        if (fd < 0)
            return 1;
        if (!is_quiet)
            fprintf(stderr, "Connecting to %s:%s\n", url.host, url.port);
        char request[WGET_LINE_MAX];
        int request_len = snprintf(request, sizeof request,
            "GET %s HTTP/1.1\r\nHost: %s%s%s\r\nUser-Agent: Tandem-wget\r\nAccept: */*\r\n"
            "Connection: close\r\n\r\n", url.path, url.host, strcmp(url.port, "80") ? ":" : "",
            strcmp(url.port, "80") ? url.port : "");
        if (request_len >= (int)sizeof request || write_all(fd, request, (size_t)request_len) < 0) {
            fail("can't send the request", NULL);
            return 1;
        }
        reader.fd = fd;
        reader.start = reader.end = 0;
        int status = 0;
        if (read_line(&reader, line, sizeof line) < 0 ||
            sscanf(line, "HTTP/%*d.%*d %d", &status) != 1) {
            fail("bad or no status line from the server", NULL);
            return 1;
        }
        char status_line[WGET_LINE_MAX];
        snprintf(status_line, sizeof status_line, "%s", line);
        long long content_length = -1;
        int is_chunked = 0;
        location[0] = '\0';
        for (;;) {
            if (read_line(&reader, line, sizeof line) < 0) {
                fail("connection closed in the headers", NULL);
                return 1;
            }
            if (!line[0])
                break;
            char *colon = strchr(line, ':');
            if (!colon)
                continue;
            *colon = '\0';
            char *value = colon + 1 + strspn(colon + 1, " \t");
            if (strcasecmp(line, "Content-Length") == 0)
                content_length = strtoll(value, NULL, 10);
            else if (strcasecmp(line, "Transfer-Encoding") == 0 && is_chunked_coding(value))
                is_chunked = 1;
            else if (strcasecmp(line, "Location") == 0)
                snprintf(location, sizeof location, "%s", value);
        }
        if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
            close(fd);
            if (!location[0] || redirects == WGET_MAX_REDIRECTS) {
                fail(location[0] ? "too many redirects" : "redirect without Location", NULL);
                return 1;
            }
            if (!is_quiet)
                fprintf(stderr, "Redirected to %s\n", location);
            if (follow(&url, location) < 0)
                return 1;
            continue;
        }
        if (status < 200 || status > 299) {
            fail("server returned error", status_line);
            close(fd);
            return 1;
        }
        const char *name = output ? output : default_file_name(url.path);
        int is_stdout = strcmp(name, "-") == 0;
        int out = is_stdout ? STDOUT_FILENO : open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0) {
            fprintf(stderr, "wget: can't open '%s': %s\n", name, strerror(errno));
            return 1;
        }
        if (!is_quiet && !is_stdout)
            fprintf(stderr, "saving to '%s'\n", name);
        int result = is_chunked ? copy_chunked(&reader, out) : copy_body(&reader, out, content_length);
        close(fd);
        if (!is_stdout && close(out) < 0)
            result = fail("write error", strerror(errno));
        if (result == 0 && !is_quiet && !is_stdout)
            fprintf(stderr, "'%s' saved\n", name);
        return result < 0 ? 1 : 0;
    }
usage:
    fprintf(stderr, "usage: wget [-q] [-O FILE] URL\n");
    return 2;
}
