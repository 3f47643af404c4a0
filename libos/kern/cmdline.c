/* Parsing the kernel command line. Pure: the host unit tests run it too. */
#include <string.h>
#include <kern/cmdline.h>

/* Finds the last word that is exactly key or starts with "key=". Returns a
 * pointer just past the key, or NULL. */
static const char *find_key(const char *cmdline, const char *key)
{
    size_t key_len = strlen(key);
    const char *found = NULL;
    const char *p = cmdline;

    while (*p) {
        while (*p == ' ')
            p++;
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        size_t word_len = (size_t)(p - word);
        if (word_len >= key_len && memcmp(word, key, key_len) == 0 &&
            (word_len == key_len || word[key_len] == '='))
            found = word + key_len;
    }
    return found;
}

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
    const char *p = find_key(cmdline, key);
    size_t n = 0;

    if (!p || *p != '=')
        return false;
    p++;
    while (p[n] && p[n] != ' ')
        n++;
    if (size) {
        if (n >= size)
            n = size - 1;
        memcpy(buf, p, n);
        buf[n] = '\0';
    }
    return true;
}

bool cmdline_has(const char *cmdline, const char *key)
{
    return find_key(cmdline, key) != NULL;
}
