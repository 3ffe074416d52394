/* schedule.c: the schedule as data: its hash and digests, and replay tokens written from an execution. */
#include <stdlib.h>
#include <string.h>

#include "strategy.h"
#include "token.h"

/* FNV-1a over n bytes, continuing from h. */
uint32_t weft__fnv(uint32_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    return h;
}

/* One step's contribution to the schedule digests: who, what, where (not the detail: a select's case is set
 * after the choices made inside the step). */
static uint32_t step_hash(uint32_t h, const weft__step *s)
{
    int v[2] = {s->task, s->line};
    h = weft__fnv(h, v, sizeof v);
    return weft__fnv(h, s->op, strlen(s->op));
}

/* A hash of the current execution's schedule: task, operation, line and detail of every step. */
uint32_t weft__trace_hash(void)
{
    const weft__rt *R = &weft__R;
    uint32_t h = 2166136261u;
    for (long long i = 0; i < R->nsteps; i++) {
        const weft__step *s = &R->steps[i];
        int v[3] = {s->task, s->line, s->detail};
        h = weft__fnv(h, v, sizeof v);
        h = weft__fnv(h, s->op, strlen(s->op));
    }
    return h;
}

/* The 4-bit digest of steps [from, to) of the current execution (what a token records between choices). */
unsigned weft__steps_digest(long long from, long long to)
{
    const weft__rt *R = &weft__R;
    uint32_t h = 2166136261u;
    for (long long i = from; i < to && i < R->nsteps; i++)
        h = step_hash(h, &R->steps[i]);
    return (h ^ (h >> 4) ^ (h >> 8) ^ (h >> 16) ^ (h >> 24)) & 15u;
}

/* A 16-bit digest of how the current execution ended: verdict, task, site and message. */
uint32_t weft__end_digest(void)
{
    const weft__end *e = &weft__R.end;
    int v[3] = {(int)e->verdict, e->task, e->line};
    uint32_t h = weft__fnv(2166136261u, v, sizeof v);
    if (e->file)
        h = weft__fnv(h, e->file, strlen(e->file));
    h = weft__fnv(h, e->msg, strnlen(e->msg, sizeof e->msg));
    return (h ^ (h >> 16)) & 0xffffu;
}

typedef struct buf {
    unsigned char *p;
    size_t n, cap;
} buf;

static void put(buf *b, unsigned c)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            weft__out_of_memory("a replay token");
    }
    b->p[b->n++] = (unsigned char)c;
}

static void put_u32(buf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        put(b, (v >> (8 * i)) & 0xff);
}

static void put_varint(buf *b, unsigned long long v)
{
    while (v >= 0x80) {
        put(b, (unsigned)(v & 0x7f) | 0x80);
        v >>= 7;
    }
    put(b, (unsigned)v);
}

/* Nibble writer for the choices. */
typedef struct nib {
    buf *b;
    int half; /* a nibble is waiting in `hold` */
    unsigned hold;
} nib;

static void put_nib(nib *w, unsigned v)
{
    if (w->half) {
        put(w->b, w->hold | (v << 4));
        w->half = 0;
    } else {
        w->hold = v;
        w->half = 1;
    }
}

static void put_num(nib *w, unsigned long long v)
{
    while (v >= 8) {
        put_nib(w, 8 | (unsigned)(v & 7));
        v >>= 3;
    }
    put_nib(w, (unsigned)v);
}

static bool same(const weft__tchoice *a, const weft__tchoice *b)
{
    return a->value == b->value && a->delta == b->delta && a->digest == b->digest;
}

/* Write choices c[0..n) compactly: literals, and repeats of the last P choices where they pay. */
static void put_choices(nib *w, const weft__tchoice *c, long long n)
{
    long long i = 0;
    while (i < n) {
        int best_p = 0;
        long long best_len = 0;
        for (int p = 1; p <= MAX_PERIOD && p <= i; p++) {
            long long len = 0;
            while (i + len < n && same(&c[i + len], &c[i + len - p]))
                len++;
            len -= len % p;
            if (len > best_len) {
                best_len = len;
                best_p = p;
            }
        }
        if (best_len >= 4) {
            put_nib(w, OP_REPEAT);
            put_num(w, (unsigned long long)best_p);
            put_num(w, (unsigned long long)(best_len / best_p));
            i += best_len;
            continue;
        }
        unsigned v = (unsigned)c[i].value;
        if (v < LIT_MAX) {
            put_nib(w, v);
        } else {
            put_nib(w, OP_LARGE);
            put_num(w, v - LIT_MAX);
        }
        put_num(w, (unsigned long long)c[i].delta);
        put_nib(w, c[i].digest & 15u);
        i++;
    }
}

/* The token text of payload p[0..n): the payload, its checksum, in base32 after the prefix (a malloc'd string). */
char *weft__token_seal(const unsigned char *p, size_t n)
{
    buf b = {0};
    for (size_t i = 0; i < n; i++)
        put(&b, p[i]);
    put_u32(&b, weft__fnv(2166136261u, b.p, b.n));
    size_t bits = b.n * 8, nch = (bits + 4) / 5;
    char *s = malloc(sizeof PREFIX + nch);
    if (!s)
        weft__out_of_memory("a replay token");
    memcpy(s, PREFIX, sizeof PREFIX - 1);
    char *o = s + sizeof PREFIX - 1;
    for (size_t i = 0; i < nch; i++) {
        unsigned v = 0;
        for (int k = 0; k < 5; k++) {
            size_t bit = i * 5 + (size_t)k;
            v = (v << 1) | (bit < bits ? (b.p[bit / 8] >> (7 - bit % 8)) & 1u : 0u);
        }
        *o++ = B32[v];
    }
    *o = 0;
    free(b.p);
    return s;
}

/* The token text of header h (everything but `rd`) and its choices c[0..h->nvalues) (a malloc'd string). */
char *weft__token_pack(const weft__token *h, const weft__tchoice *c)
{
    buf b = {0};
    put(&b, TOKEN_VERSION);
    put_u32(&b, h->fingerprint);
    unsigned flags = (unsigned)h->time_mode | (h->max_steps != DEF_MAX_STEPS) << 1 |
                     (h->stack_size != DEF_STACK) << 2 | (h->leak_horizon != DEF_HORIZON) << 3 | (h->hang_ms != 0) << 4;
    put(&b, flags);
    if (flags & 2)
        put_varint(&b, (unsigned long long)h->max_steps);
    if (flags & 4)
        put_varint(&b, (unsigned long long)h->stack_size);
    if (flags & 8)
        put_varint(&b, (unsigned long long)h->leak_horizon);
    if (flags & 16)
        put_varint(&b, (unsigned long long)h->hang_ms);
    put(&b, (unsigned)h->verdict);
    put(&b, h->end_digest & 0xff);
    put(&b, (h->end_digest >> 8) & 0xff);
    put_varint(&b, (unsigned long long)h->nsteps);
    put_varint(&b, (unsigned long long)h->nvalues);
    nib w = {&b, 0, 0};
    put_choices(&w, c, h->nvalues);
    if (w.half)
        put_nib(&w, 0);
    put_u32(&b, h->trace);
    char *s = weft__token_seal(b.p, b.n);
    free(b.p);
    return s;
}

/* The replay token of the execution that just ended, in test `name`, explored by x: a malloc'd string. */
char *weft__token_encode(const weft__explorer *x, const char *name)
{
    const weft__rt *R = &weft__R;
    weft__token h;
    memset(&h, 0, sizeof h);
    h.fingerprint = weft__fnv(2166136261u, name, strlen(name));
    h.time_mode = (int)R->opt->time_mode;
    h.max_steps = R->opt->max_steps;
    h.stack_size = R->opt->stack_size;
    h.leak_horizon = R->opt->leak_horizon;
    h.hang_ms = weft__deadline_hang_ms();
    h.verdict = (int)R->end.verdict;
    h.end_digest = weft__end_digest();
    h.nsteps = R->nsteps;
    h.nvalues = x->nrec;
    h.trace = weft__trace_hash();
    weft__tchoice *c = malloc(sizeof *c * (size_t)(x->nrec ? x->nrec : 1));
    if (!c)
        weft__out_of_memory("a replay token");
    long long prev = 0;
    for (int i = 0; i < x->nrec; i++) {
        c[i].value = x->rec[i].value;
        c[i].delta = x->rec[i].step - prev;
        c[i].digest = weft__steps_digest(prev, x->rec[i].step);
        prev = x->rec[i].step;
    }
    char *s = weft__token_pack(&h, c);
    free(c);
    return s;
}

