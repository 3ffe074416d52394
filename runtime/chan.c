/* chan.c: Go channels: buffered FIFO or unbuffered rendezvous, close, len and cap. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* Public: a channel of elements of elem_size bytes; cap 0 is unbuffered; a buffer too large panics as Go. */
weft_chan *weft_chan_make_at(size_t elem_size, size_t cap, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_chan_make", file, line);
    /* Go's makechan: a buffer beyond what memory can hold (here 4 GiB, weft_alloc's limit), a negative
     * capacity or element size (a huge size_t) panics */
    size_t max = (size_t)1 << 32;
    if (elem_size > max || cap > (size_t)INT64_MAX || (elem_size && cap > max / elem_size))
        weft__fail(WEFT_PANIC, file, line, "makechan: size out of range");
    weft_chan *c = weft__obj_make(WEFT__K_CHAN, sizeof *c, file, line);
    c->elem_size = elem_size;
    c->cap = cap;
    if (cap && elem_size)
        c->buf = weft__arena_alloc(cap * elem_size);
    return c;
}

static void check(weft_chan *c, const char *call, const char *file, int line)
{
    weft__require(call, file, line);
    if (c)
        weft__obj_check(c, WEFT__K_CHAN, call, file, line);
}

static void copy_elem(const weft_chan *c, void *dst, const void *src)
{
    if (dst && c->elem_size)
        memcpy(dst, src, c->elem_size);
}

/* One way a channel step can go: clause `clause` completes, with the pending task `partner` (its clause
 * `pclause`) for a rendezvous on an unbuffered channel, or by itself (partner NULL). */
typedef struct alt {
    int clause;
    weft__task *partner;
    int pclause;
} alt;

/* At least size bytes at *buf (of *have): grown when a step needs more than any before, then kept. */
static void *scratch(void **buf, size_t *have, size_t size)
{
    if (size > *have) {
        size_t n = *have ? *have : 4096;
        while (n < size)
            n *= 2;
        void *p = realloc(*buf, n);
        if (!p)
            weft__out_of_memory("a channel step's partners");
        *buf = p;
        *have = n;
    }
    return *buf;
}

/* The ways clause i of the running task t can complete now, appended to a[] from *n (room for cap).
 * Lazy arrival (docs/exploration.md): a task's arrival at a blocking operation is not a step, so nothing in a
 * program can tell whether a partner arrived long ago or just now; every offering partner is an alternative,
 * and a poll's default stays possible while only partners, none of them certain, make a case ready. Returns
 * whether the clause is ready by itself (buffer or close). */
static bool alternatives(const weft__task *t, int i, alt *a, int *n, int cap)
{
    const weft__clause *cl = &t->cl[i];
    weft_chan *c = cl->obj;
    if (!c)
        return false;
    if (c->closed || (c->cap && (cl->kind == WEFT__CL_SEND ? c->len < c->cap : c->len > 0))) {
        if (*n < cap)
            a[*n] = (alt){i, NULL, -1};
        ++*n;
        return true;
    }
    if (c->cap || (cl->kind == WEFT__CL_SEND && !t->has_default))
        return false;
    int want = cl->kind == WEFT__CL_SEND ? WEFT__CL_RECV : WEFT__CL_SEND;
    weft__task *local[16], **ps = local;
    int lc[16], *pc = lc;
    int k = weft__partners(c, want, t, ps, pc, 16);
    if (k > 16) { /* many partners: the runtime's scratch (a step's own arena room would add up to N^2) */
        char *room = scratch(&weft__R.partners, &weft__R.partners_size, (sizeof *ps + sizeof *pc) * (size_t)k);
        ps = (weft__task **)room;
        pc = (int *)(room + sizeof *ps * (size_t)k);
        weft__partners(c, want, t, ps, pc, k);
    }
    for (int j = 0; j < k; j++) {
        if (*n < cap)
            a[*n] = (alt){i, ps[j], pc[j]};
        ++*n;
    }
    return false;
}

/* Complete alternative a for the running task: a rendezvous completes the partner's step too (it resumes
 * before the next choice), else the buffer or the close decides. */
static void perform(const weft__clause *cl, const alt *a, const char *file, int line)
{
    weft_chan *c = cl->obj;
    weft__task *p = a->partner;
    if (cl->kind == WEFT__CL_SEND) {
        if (c->closed)
            weft__fail(WEFT_PANIC, file, line, "send on closed channel");
        if (p) {
            const weft__clause *pc = &p->cl[a->pclause];
            copy_elem(c, pc->out, cl->in);
            if (pc->ok)
                *pc->ok = true;
            if (weft__R.x_every)
                weft__R.hooks->join(weft__R.x, p->id);
            weft__step_partner(p->id);
            weft__wake(p, a->pclause);
            return;
        }
        if (c->elem_size)
            memcpy(c->buf + ((c->head + c->len) % c->cap) * c->elem_size, cl->in, c->elem_size);
        c->len++;
        weft__changed(c);
        return;
    }
    bool ok = true;
    if (p) {
        copy_elem(c, cl->out, p->cl[a->pclause].in);
        if (weft__R.x_every)
            weft__R.hooks->join(weft__R.x, p->id);
        weft__step_partner(p->id);
        weft__wake(p, a->pclause);
    } else if (c->len > 0) {
        copy_elem(c, cl->out, c->buf + c->head * c->elem_size);
        c->head = (c->head + 1) % c->cap;
        c->len--;
        c->nrecv++;
        weft__changed(c);
    } else { /* closed and drained */
        if (cl->out && c->elem_size)
            memset(cl->out, 0, c->elem_size);
        ok = false;
        weft__step_idle(); /* nothing changes: a loop that ignores ok spins */
    }
    if (cl->ok)
        *cl->ok = ok;
}

/* Select fairness (WEFT__PASS_MAX): the alternative t must take because its channel steps passed over that
 * channel too often in a row, or -1 (the choice is free). */
static int fair_choice(const weft__task *t, const alt *a, int na)
{
    if (!t->passed || t->npassed < WEFT__PASS_MAX)
        return -1;
    for (int j = 0; j < na; j++)
        if (t->cl[a[j].clause].obj == t->passed)
            return j;
    return -1;
}

/* Keep count of the channel t's steps pass over (WEFT__PASS_MAX): this step (alternative k of a[0..na), k == na
 * the default) passes it over again if it could complete on it and does not; a step that takes it, or names it
 * while it cannot complete on it (it ran dry), ends the count; a step that does not name it leaves the count as
 * it is. With no channel counted, the first one this step passes over is. */
static void passed_over(weft__task *t, const alt *a, int na, int k)
{
    const void *took = k < na ? t->cl[a[k].clause].obj : NULL;
    if (t->passed) {
        bool named = false, ready = false;
        for (int i = 0; i < t->ncl; i++)
            named |= t->cl[i].obj == t->passed;
        for (int j = 0; j < na; j++)
            ready |= t->cl[a[j].clause].obj == t->passed;
        if (!named)
            return;
        if (ready && took != t->passed) {
            t->npassed++;
            return;
        }
        t->passed = NULL;
        t->npassed = 0;
    }
    for (int j = 0; j < na; j++)
        if (t->cl[a[j].clause].obj != took) {
            t->passed = t->cl[a[j].clause].obj;
            t->npassed = 1;
            return;
        }
}

/* Count (d = 1) or uncount (d = -1) the clauses a task offers on their channels. */
static void count_offers(const weft__clause *cl, int n, int d)
{
    for (int i = 0; i < n; i++) {
        if (cl[i].obj && (cl[i].kind == WEFT__CL_SEND || cl[i].kind == WEFT__CL_RECV)) {
            weft_chan *c = cl[i].obj;
            c->waiting[cl[i].kind == WEFT__CL_RECV] += d;
            if (cl[i].kind == WEFT__CL_SEND && c->cap == 0) /* a waiting receiver may now pair, or no longer (an */
                weft__changed(c); /* offer to receive matters to a poll only, which is always enabled) */
            else if (c->cap == 0 && weft__R.nnews < (int)(sizeof weft__R.news / sizeof *weft__R.news))
                weft__R.news[weft__R.nnews++] = &c->h; /* a busy-wait polling c sees the offer (spin.c) */
            else if (c->cap == 0)
                weft__R.news_lost = true;
        }
    }
}

/* One channel operation over clauses cl[0..n) (a send, a receive or a select) as one step, taken when it can
 * complete: a ready clause completes (several ways: each is explored), else a poll takes its default. A task
 * without default waits disabled until a clause is ready, or until a partner's step completes its offer.
 * Returns the clause index, or -1 for the default. */
int weft__chan_op(int op, weft__clause *cl, int n, bool has_default, const char *file, int line) WEFT__HIDDEN;
int weft__chan_op(int op, weft__clause *cl, int n, bool has_default, const char *file, int line)
{
    weft__task *t = weft__R.cur;
    t->offers = !has_default;
    if (t->offers) {
        count_offers(cl, n, 1);
        for (int i = 0; i < n && weft__R.x_every; i++) { /* a partner can see the arrival: part of the step */
            int k = weft__offer_key(cl[i].obj);
            if (k >= 0)
                weft__R.hooks->amend(weft__R.x, k);
        }
    }
    int r = weft__wait(op, cl, n, has_default, file, line);
    if (t->offers) {
        count_offers(cl, n, -1);
        t->offers = false;
    }
    if (r & WEFT__FIRED) /* a partner's step completed ours */
        return r & ~WEFT__FIRED;
    alt local[16];
    alt *a = local;
    int na = 0;
    bool sure = false;
    for (int i = 0; i < n; i++)
        sure |= alternatives(t, i, a, &na, 16);
    if (na > 16) {
        a = scratch(&weft__R.alts, &weft__R.alts_size, sizeof *a * (size_t)na);
        int m = 0;
        for (int i = 0; i < n; i++)
            alternatives(t, i, a, &m, na);
    }
    int nchoice = na + (has_default && !sure);
    if (nchoice == 0) /* not enabled: the scheduler never chooses it so */
        weft__nondet("a channel operation was chosen though it could not complete");
    int k = fair_choice(t, a, na);
    if (k < 0)
        k = nchoice == 1 ? 0 : weft__choose(WEFT__BR_CASE, nchoice, NULL, NULL);
    passed_over(t, a, na, k);
    if (k == na) { /* the default */
        weft__step_obj(NULL, -1);
        weft__poll_failed();
        return -1;
    }
    int i = a[k].clause;
    weft__step_obj(cl[i].obj, n > 1 || has_default ? i : -1);
    perform(&cl[i], &a[k], file, line);
    return i;
}

/* Close c now (the step is taken, or a context is being cancelled): tasks waiting on it become able to
 * complete (receivers get the zero value, senders panic) when they take their steps. */
void weft__chan_close_now(weft_chan *c) WEFT__HIDDEN;
void weft__chan_close_now(weft_chan *c)
{
    c->closed = true;
    c->closed_on_senders = c->waiting[0] > 0;
    weft__changed(c);
}

/* A timer's value: buffered unless the buffer is full (then dropped). */
void weft__chan_offer(weft_chan *c, const void *elem) WEFT__HIDDEN;
void weft__chan_offer(weft_chan *c, const void *elem)
{
    if (c->len < c->cap) {
        memcpy(c->buf + ((c->head + c->len) % c->cap) * c->elem_size, elem, c->elem_size);
        c->len++;
        weft__changed(c);
    }
}

/* Public: send *elem on c (blocks until received or buffered; forever on NULL). */
void weft_chan_send_at(weft_chan *c, const void *elem, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_chan_send", file, line);
    if (c && c->elem_size && !elem)
        weft__usage("weft_chan_send", file, line, "NULL element pointer for a channel of %zu-byte elements",
                    c->elem_size);
    weft__clause cl = {.kind = WEFT__CL_SEND, .obj = c, .in = elem};
    weft__chan_op(WEFT__OP_CHAN_SEND, &cl, 1, false, file, line);
}

/* Public: receive from c into out (may be NULL); false once c is closed and drained. */
bool weft_chan_recv_at(weft_chan *c, void *out, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_chan_recv", file, line);
    bool ok = false;
    weft__clause cl = {.kind = WEFT__CL_RECV, .obj = c, .out = out, .ok = &ok};
    weft__chan_op(WEFT__OP_CHAN_RECV, &cl, 1, false, file, line);
    return ok;
}

/* Public: close c; receivers see ok == false once it is drained, pending senders panic. */
void weft_chan_close_at(weft_chan *c, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_chan_close", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = c};
    weft__wait(WEFT__OP_CHAN_CLOSE, &cl, 1, false, file, line);
    if (!c)
        weft__fail(WEFT_PANIC, file, line, "close of nil channel");
    if (c->closed)
        weft__fail(WEFT_PANIC, file, line, "close of closed channel");
    weft__chan_close_now(c);
}

/* Public: the number of buffered elements (a visible read of the channel's state). */
size_t weft_chan_len_at(weft_chan *c, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_chan_len", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = c};
    weft__wait(WEFT__OP_CHAN_LEN, &cl, 1, false, file, line);
    return c ? c->len : 0;
}

/* Public: the capacity (constant: not a scheduling point). */
size_t weft_chan_cap_at(weft_chan *c, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_chan_cap", file, line);
    return c ? c->cap : 0;
}
