/* schedule.c: the schedule as data: its hash, and replay tokens (encode, decode, validate). */
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

/* Token layout, before base32: version 1 | fingerprint u32 | time mode u8 | varint max_steps |
 * varint steps | varint nvalues | values as nibbles | trace u32 | checksum u32.
 * Values: a nibble 0-12 is the value; 13 P R repeats the last P values R times (a spinning task's choices
 * are periodic); 15 V is the value V + 13; P, R and V are written 3 bits a nibble, low first, 8 = more.
 * Text: "weft1-" followed by base32 (Crockford alphabet, lower case). */
#define TOKEN_VERSION 1
static const char B32[] = "0123456789abcdefghjkmnpqrstvwxyz";
#define PREFIX "weft1-"

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
            abort();
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

/* Nibble writer for the values. */
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

/* Write values[0..n) compactly: literals, and repeats of the last P values where they pay. */
static void put_values(nib *w, const weft__choice *rec, int n)
{
    int i = 0;
    while (i < n) {
        int best_p = 0;
        long long best_len = 0;
        for (int p = 1; p <= MAX_PERIOD && p <= i; p++) {
            long long len = 0;
            while (i + len < n && rec[i + len].value == rec[i + len - p].value)
                len++;
            len -= len % p;
            if (len > best_len) {
                best_len = len;
                best_p = p;
            }
        }
        if (best_len >= 6) {
            put_nib(w, OP_REPEAT);
            put_num(w, (unsigned long long)best_p);
            put_num(w, (unsigned long long)(best_len / best_p));
            i += (int)best_len;
            continue;
        }
        unsigned v = (unsigned)rec[i++].value;
        if (v < LIT_MAX) {
            put_nib(w, v);
        } else {
            put_nib(w, OP_LARGE);
            put_num(w, v - LIT_MAX);
        }
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
        abort();
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

/* The replay token of the current execution of test `name`: a malloc'd string. */
char *weft__token_encode(const weft__explorer *x, const char *name, uint32_t trace, long long nsteps)
{
    buf b = {0};
    put(&b, TOKEN_VERSION);
    put_u32(&b, weft__fnv(2166136261u, name, strlen(name)));
    put(&b, (unsigned)weft__R.opt->time_mode);
    put_varint(&b, (unsigned long long)weft__R.opt->max_steps);
    put_varint(&b, (unsigned long long)nsteps);
    put_varint(&b, (unsigned long long)x->nrec);
    nib w = {&b, 0, 0};
    put_values(&w, x->rec, x->nrec);
    if (w.half)
        put_nib(&w, 0);
    put_u32(&b, trace);
    char *s = weft__token_seal(b.p, b.n);
    free(b.p);
    return s;
}

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

typedef struct nibr {
    rd *r;
    int half;
    unsigned hold;
} nibr;

static unsigned get_nib(nibr *w)
{
    if (w->half) {
        w->half = 0;
        return w->hold >> 4;
    }
    w->hold = get(w->r);
    w->half = 1;
    return w->hold & 15;
}

static unsigned long long get_num(nibr *w)
{
    unsigned long long acc = 0;
    for (int shift = 0; shift < 42; shift += 3) {
        unsigned d = get_nib(w);
        acc |= (unsigned long long)(d & 7) << shift;
        if (!(d & 8))
            return acc;
    }
    w->r->bad = true;
    return 0;
}

/* Read nv values into out; false when the encoding is malformed. */
static bool get_values(nibr *w, int *out, unsigned long long nv)
{
    unsigned long long i = 0;
    while (i < nv && !w->r->bad) {
        unsigned op = get_nib(w);
        if (op < LIT_MAX) {
            out[i++] = (int)op;
        } else if (op == OP_LARGE) {
            unsigned long long v = get_num(w) + LIT_MAX;
            if (v > 0x7fffffff)
                return false;
            out[i++] = (int)v;
        } else if (op == OP_REPEAT) {
            unsigned long long p = get_num(w), r = get_num(w);
            if (p == 0 || p > i || r == 0 || r > nv || p * r > nv - i)
                return false;
            for (unsigned long long k = 0; k < p * r; k++, i++)
                out[i] = out[i - p];
        } else {
            return false;
        }
    }
    return !w->r->bad;
}

/* Decode and validate token text s into t (t->values malloc'd). On failure, a one-line reason in err. */
bool weft__token_decode(const char *s, weft__token *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (!s || strncmp(s, PREFIX, sizeof PREFIX - 1) != 0) {
        if (s && strncmp(s, "weft", 4) == 0 && s[4] >= '0' && s[4] <= '9')
            snprintf(err, errlen, "token version '%c' is not supported by this weft (it reads version 1)", s[4]);
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
        abort();
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
    t->time_mode = (int)get(&r);
    t->max_steps = (long long)get_varint(&r);
    t->nsteps = (long long)get_varint(&r);
    unsigned long long nv = get_varint(&r);
    if (r.bad || nv > 100000000 || t->time_mode > 1 || t->max_steps <= 0 || t->max_steps > 1000000000 ||
        t->nsteps < 0) {
        snprintf(err, errlen, "the token is malformed");
        free(bytes);
        return false;
    }
    t->values = malloc(sizeof *t->values * (nv ? nv : 1));
    if (!t->values)
        abort();
    nibr w = {&r, 0, 0};
    if (!get_values(&w, t->values, nv))
        r.bad = true;
    t->nvalues = (int)nv;
    r.n = nbytes - 4;
    r.i = nbytes - 8;
    t->trace = get_u32(&r);
    free(bytes);
    if (r.bad) {
        free(t->values);
        t->values = NULL;
        snprintf(err, errlen, "the token is malformed");
        return false;
    }
    return true;
}
