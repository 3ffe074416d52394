/* token.c: replay tokens read back: decode, validate without expanding, and hand out the choices in order. */
#include <stdlib.h>
#include <string.h>

#include "strategy.h"
#include "token.h"

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
