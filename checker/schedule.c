/* schedule.c: the schedule as data: its hash, and replay tokens (encode, decode, validate, read back). */
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

/* Token layout, before base32: version 2 | fingerprint u32 | flags u8 | [varint max_steps] | [varint stack_size]
 * | [varint leak_horizon] | [varint hang_ms] | verdict u8 | end digest u16 | varint steps | varint nchoices |
 * choices as nibbles | trace u32 | checksum u32. The flags byte: bit 0 idle time; bits 1-4 say which of the
 * bracketed fields follow (each is at its default when absent).
 * A choice is three fields: its value, the steps taken since the previous choice and a 4-bit digest of those
 * steps (task, operation, line). Its value: a nibble 0-12 is the value, 15 V is the value V + 13; then the
 * step delta as a number, then the digest as one nibble. 13 P R repeats the last P choices R times (a
 * spinning task's choices are periodic). Numbers are written 3 bits a nibble, low first, 8 = more.
 * Text: "weft2-" followed by base32 (Crockford alphabet, lower case). Version 1 tokens ("weft1-") carried
 * neither the verdict nor the flags: they are refused. */
#define TOKEN_VERSION 2
#define DEF_MAX_STEPS 100000 /* the flags' defaults (weft_options_init), left out of tokens */
#define DEF_STACK ((size_t)256 * 1024)
#define DEF_HORIZON WEFT_MINUTE
static const char B32[] = "0123456789abcdefghjkmnpqrstvwxyz";
#define PREFIX "weft2-"

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

#define LIT_MAX 13 /* values below are one nibble */
#define OP_REPEAT 13
#define OP_LARGE 15
#define MAX_PERIOD 64
#define RING 64 /* the reader keeps the last RING choices: at least MAX_PERIOD */

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

/* ---- decoding ----------------------------------------------------------- */

typedef struct rd {
    const unsigned char *p;
    size_t n, i;
    bool bad;
} rd;

static unsigned get(rd *r)
{
    if (r->i >= r->n) {
        r->bad = true;
        return 0;
    }
    return r->p[r->i++];
}

static uint32_t get_u32(rd *r)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)get(r) << (8 * i);
    return v;
}

static unsigned long long get_varint(rd *r)
{
    unsigned long long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        unsigned c = get(r);
        v |= (unsigned long long)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

/* The reader of a decoded token's choices: the payload, a nibble cursor, the last RING choices, and a repeat
 * under way. Mutable behind a const token: reading is not a change of the token. */
struct weft__tokrd {
    unsigned char *bytes;   /* the payload (choices and trace) */
    size_t n;               /* bytes of choices */
    size_t start;           /* offset of the first choice */
    rd r;
    int half;
    unsigned hold;
    long long count;        /* choices read */
    long long rep_left;     /* choices still to copy in the repeat under way */
    int rep_p;              /* its period */
    weft__tchoice ring[RING]; /* choice k is ring[k % RING] */
    long long at_step;      /* the step of the last choice read */
};

static unsigned get_nib(struct weft__tokrd *d)
{
    if (d->half) {
        d->half = 0;
        return d->hold >> 4;
    }
    d->hold = get(&d->r);
    d->half = 1;
    return d->hold & 15;
}

static unsigned long long get_num(struct weft__tokrd *d)
{
    unsigned long long acc = 0;
    for (int shift = 0; shift < 42; shift += 3) {
        unsigned v = get_nib(d);
        acc |= (unsigned long long)(v & 7) << shift;
        if (!(v & 8))
            return acc;
    }
    d->r.bad = true;
    return 0;
}

static void rewind_rd(struct weft__tokrd *d)
{
    d->r = (rd){d->bytes, d->n, d->start, false};
    d->half = 0;
    d->count = 0;
    d->rep_left = 0;
    d->rep_p = 0;
    d->at_step = 0;
}

/* Read one item: a literal choice into *c (returns 1), or the start of a repeat (returns 2, rep_* set);
 * 0 when malformed. nv: the choices the token holds. */
static int read_item(struct weft__tokrd *d, long long nv, weft__tchoice *c)
{
    unsigned op = get_nib(d);
    if (op < LIT_MAX || op == OP_LARGE) {
        unsigned long long v = op < LIT_MAX ? op : get_num(d) + LIT_MAX;
        unsigned long long delta = get_num(d);
        unsigned dg = get_nib(d);
        if (v > 0x7fffffff || delta > (1ull << 40) || d->r.bad)
            return 0;
        *c = (weft__tchoice){(int)v, (long long)delta, dg};
        return 1;
    }
    if (op == OP_REPEAT) {
        unsigned long long p = get_num(d), r = get_num(d);
        if (d->r.bad || p == 0 || p > MAX_PERIOD || (long long)p > d->count || r == 0 ||
            r > (unsigned long long)nv || p * r > (unsigned long long)(nv - d->count))
            return 0;
        d->rep_p = (int)p;
        d->rep_left = (long long)(p * r);
        return 2;
    }
    return 0;
}

/* Append choice c as number d->count. */
static void push(struct weft__tokrd *d, const weft__tchoice *c)
{
    d->ring[d->count % RING] = *c;
    d->count++;
    d->at_step += c->delta;
}

/* Check the whole choice stream of d without expanding repeats: its structure, that it holds nv choices,
 * and that their steps fit in nsteps. O(token length). */
static bool validate(struct weft__tokrd *d, long long nv, long long nsteps)
{
    rewind_rd(d);
    while (d->count < nv) {
        weft__tchoice c;
        int k = read_item(d, nv, &c);
        if (k == 0)
            return false;
        if (k == 1) {
            push(d, &c);
        } else {
            /* a repeat of the last p choices, L times over: skip whole periods, keep the last ones in the ring */
            int p = d->rep_p;
            long long L = d->rep_left;
            long long skip = L > 2 * RING ? ((L - 2 * RING) / p) * p : 0;
            long long per = 0;
            weft__tchoice last[MAX_PERIOD];
            for (int j = 0; j < p; j++) {
                last[j] = d->ring[(d->count - p + j) % RING];
                per += last[j].delta;
            }
            if (per > 0 && skip / p > (nsteps + 1) / per)
                return false;
            d->at_step += (skip / p) * per;
            d->count += skip;
            for (int j = 0; j < p; j++)
                d->ring[(d->count - p + j) % RING] = last[j];
            for (long long j = skip; j < L; j++) {
                weft__tchoice e = d->ring[(d->count - p) % RING];
                push(d, &e);
            }
            d->rep_left = 0;
        }
        if (d->at_step > nsteps)
            return false;
    }
    return !d->r.bad;
}

/* The next choice of token t into *c; false when every choice has been read. Rewinds with
 * weft__token_rewind. c->delta is the steps since the previous choice; the reader keeps the total. */
bool weft__token_next(const weft__token *t, weft__tchoice *c)
{
    struct weft__tokrd *d = t->rd;
    if (!d || d->count >= t->nvalues)
        return false;
    if (d->rep_left == 0) {
        weft__tchoice lit;
        int k = read_item(d, t->nvalues, &lit);
        if (k == 0)
            return false; /* cannot happen: validated */
        if (k == 1) {
            push(d, &lit);
            *c = lit;
            return true;
        }
    }
    *c = d->ring[(d->count - d->rep_p) % RING];
    push(d, c);
    d->rep_left--;
    return true;
}

/* Start reading t's choices from the first again. */
void weft__token_rewind(const weft__token *t)
{
    if (t->rd)
        rewind_rd(t->rd);
}

/* The step (0-based count of steps before it) at which the last choice read was made. */
long long weft__token_step(const weft__token *t)
{
    return t->rd ? t->rd->at_step : 0;
}

/* Release what weft__token_decode allocated (t may be zeroed or half-decoded). */
void weft__token_free(weft__token *t)
{
    if (t->rd) {
        free(t->rd->bytes);
        free(t->rd);
    }
    t->rd = NULL;
}

/* Decode and validate token text s into t (t->rd malloc'd: release with weft__token_free). On failure, a
 * one-line reason in err, and nothing to release. Memory is bounded by the text's length whatever it claims:
 * repeats are expanded only as the replay reads them. */
bool weft__token_decode(const char *s, weft__token *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (!s || strncmp(s, PREFIX, sizeof PREFIX - 1) != 0) {
        if (s && strncmp(s, "weft", 4) == 0 && s[4] >= '0' && s[4] <= '9' && s[5] == '-' && s[4] < PREFIX[4])
            snprintf(err, errlen,
                     "the token was made by an older weft (token version %c; this weft reads version %d): "
                     "re-run the check to get a new token",
                     s[4], TOKEN_VERSION);
        else if (s && strncmp(s, "weft", 4) == 0 && s[4] >= '0' && s[4] <= '9')
            snprintf(err, errlen, "token version '%c' is not supported by this weft (it reads version %d)", s[4],
                     TOKEN_VERSION);
        else
            snprintf(err, errlen, "not a weft replay token (it must start with '%s')", PREFIX);
        return false;
    }
    const char *p = s + sizeof PREFIX - 1;
    size_t nch = strlen(p);
    if (nch < 16 || nch > 1u << 20) {
        snprintf(err, errlen, "the token is %s", nch < 16 ? "truncated" : "too long");
        return false;
    }
    size_t nbytes = nch * 5 / 8;
    if ((nbytes * 8 + 4) / 5 != nch) {
        snprintf(err, errlen, "the token has a wrong length (truncated or extended)");
        return false;
    }
    unsigned char *bytes = calloc(nbytes + 1, 1);
    if (!bytes)
        weft__out_of_memory("a replay token");
    for (size_t i = 0; i < nch; i++) {
        const char *q = p[i] ? strchr(B32, p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]) : NULL;
        if (!q) {
            unsigned char c = (unsigned char)p[i];
            if (c >= 0x20 && c < 0x7f)
                snprintf(err, errlen, "bad character '%c' at position %zu", c, i + sizeof PREFIX);
            else
                snprintf(err, errlen, "bad byte 0x%02x at position %zu", c, i + sizeof PREFIX);
            free(bytes);
            return false;
        }
        unsigned v = (unsigned)(q - B32);
        for (int k = 0; k < 5; k++) {
            size_t bit = i * 5 + (size_t)k;
            if (!((v >> (4 - k)) & 1))
                continue;
            if (bit / 8 >= nbytes) {
                snprintf(err, errlen, "the token is corrupted (bad padding at its end)");
                free(bytes);
                return false;
            }
            bytes[bit / 8] |= (unsigned char)(0x80 >> (bit % 8));
        }
    }
    rd r = {bytes, nbytes, 0, false};
    if (nbytes < 9) {
        snprintf(err, errlen, "the token is truncated");
        free(bytes);
        return false;
    }
    r.i = nbytes - 4;
    uint32_t sum = get_u32(&r);
    if (sum != weft__fnv(2166136261u, bytes, nbytes - 4)) {
        snprintf(err, errlen, "the token is corrupted (checksum mismatch)");
        free(bytes);
        return false;
    }
    r.i = 0;
    r.n = nbytes - 8;
    unsigned version = get(&r);
    if (version != TOKEN_VERSION) {
        snprintf(err, errlen, "token version %u is not supported (this weft reads version %d)", version,
                 TOKEN_VERSION);
        free(bytes);
        return false;
    }
    t->fingerprint = get_u32(&r);
    unsigned flags = get(&r);
    t->time_mode = (int)(flags & 1);
    t->max_steps = flags & 2 ? (long long)get_varint(&r) : DEF_MAX_STEPS;
    unsigned long long ss = flags & 4 ? get_varint(&r) : DEF_STACK;
    unsigned long long lh = flags & 8 ? get_varint(&r) : (unsigned long long)DEF_HORIZON;
    unsigned long long hang = flags & 16 ? get_varint(&r) : 0;
    t->verdict = (int)get(&r);
    t->end_digest = get(&r);
    t->end_digest |= (uint32_t)get(&r) << 8;
    t->nsteps = (long long)get_varint(&r);
    unsigned long long nv = get_varint(&r);
    /* the limits the flags accept (nothing is allocated by these numbers: choices are read as the replay goes) */
    if (r.bad || flags > 31 || t->max_steps <= 0 || t->max_steps > 1000000000 || ss < 16 * 1024 ||
        ss > (1u << 30) || lh > (unsigned long long)INT64_MAX || hang > 1000000000000ull || t->verdict > WEFT_CRASH ||
        t->verdict == WEFT_OK || t->nsteps < 0 || t->nsteps > (1ll << 40) || nv > 1000000000ull) {
        snprintf(err, errlen, "the token is malformed");
        free(bytes);
        return false;
    }
    t->stack_size = (size_t)ss;
    t->leak_horizon = (int64_t)lh;
    t->hang_ms = (long long)hang;
    t->nvalues = (long long)nv;
    struct weft__tokrd *d = calloc(1, sizeof *d);
    if (!d)
        weft__out_of_memory("a replay token");
    d->bytes = bytes;
    d->n = nbytes - 8;
    d->start = r.i;
    t->rd = d;
    bool ok = validate(d, t->nvalues, t->nsteps);
    r.n = nbytes - 4;
    r.i = nbytes - 8;
    t->trace = get_u32(&r);
    if (!ok || r.bad) {
        weft__token_free(t);
        snprintf(err, errlen, "the token is malformed");
        return false;
    }
    rewind_rd(d);
    return true;
}
