/* libFuzzer target: prefix sets (src/server/prefixset.c) driven by lines of text —
 * "+<cidr>" adds, "-<cidr>" subtracts, "?<length>" takes the next prefix as a pool
 * would, "=<cidr>" asks whether one CIDR is free in one piece.  After every step the
 * set must stay sorted, disjoint and merged, its compacted CIDRs must cover exactly its
 * ranges, and a prefix taken must have been free. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prefixset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_invariants(const struct prefixset *s)
{
    struct cidr *cidrs;
    size_t n = prefixset_cidrs(s, &cidrs), k = 0;

    for (size_t i = 0; i < s->n; i++) {
        u128 at = s->ranges[i].first;
        if (s->ranges[i].first > s->ranges[i].last
            || (i && s->ranges[i - 1].last + 1 >= s->ranges[i].first)) {
            abort();
        }
        /* The CIDRs of this range follow one another from its first address to its
         * last. */
        for (;;) {
            if (k >= n || cidr_first(&cidrs[k]) != at || cidr_last(&cidrs[k]) > s->ranges[i].last) {
                abort();
            }
            if (cidr_last(&cidrs[k]) == s->ranges[i].last) {
                k++;
                break;
            }
            at = cidr_last(&cidrs[k++]) + 1;
        }
    }
    if (k != n) {
        abort();
    }
    free(cidrs);
}

/* Applies one line to 's'. */
static void
step(struct prefixset *s, const char *line)
{
    struct cidr c;
    struct prefixset one;

    switch (line[0]) {
    case '+':
    case '-':
    case '=':
        if (cidr_parse(line + 1, &c) || c.addr.family != s->family) {
            return;
        }
        if (line[0] == '=') {
            (void) prefixset_fits_one_cidr(s, &c);
            return;
        }
        prefixset_init(&one, s->family);
        prefixset_add(&one, &c);
        if (line[0] == '+') {
            prefixset_union(s, &one);
        } else {
            prefixset_subtract(s, &one);
        }
        prefixset_done(&one);
        return;
    case '?': {
        int len = atoi(line + 1);
        if (len < 0 || len > ip_bits(s->family) || prefixset_first_fit(s, len, &c)) {
            return;
        }
        prefixset_init(&one, s->family);
        prefixset_add(&one, &c);
        if (c.prefix != len || !prefixset_contains(s, &one)) {
            abort();
        }
        prefixset_subtract(s, &one);
        if (prefixset_intersects(s, &one)) {
            abort();
        }
        prefixset_done(&one);
        return;
    }
    default:
        return;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct prefixset sets[2];
    char *save = NULL;

    memcpy(text, data, size);
    text[size] = '\0';
    prefixset_init(&sets[0], 4);
    prefixset_init(&sets[1], 6);
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        struct prefixset *s = strchr(line, ':') ? &sets[1] : &sets[0];
        step(s, line);
        check_invariants(s);
    }
    prefixset_done(&sets[0]);
    prefixset_done(&sets[1]);
    free(text);
    return 0;
}
