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
    if (!dst)
        return;
    if (c->elem_size == sizeof(int)) /* the common element sizes are copied inline, without a call */
        memcpy(dst, src, sizeof(int));
    else if (c->elem_size == sizeof(void *))
        memcpy(dst, src, sizeof(void *));
    else if (c->elem_size)
        memcpy(dst, src, c->elem_size);
}

/* One way a channel step can go: clause `clause` completes, with the pending task `partner` (its clause
 * `pclause`) for a rendezvous on an unbuffered channel, or by itself (partner NULL). */
typedef struct alt {
    int clause;
    weft__task *partner;
    int pclause;
} alt;

/* How many ways clause i of the running task t can complete now; *sure is set when it is ready by itself (buffer
 * or close: one way). Lazy arrival (docs/exploration.md): a task's arrival at a blocking operation is not a step,
 * so nothing in a program can tell whether a partner arrived long ago or just now; every offering partner is a
 * way, and a poll's default stays possible while only partners, none of them certain, make a case ready. The
 * partners are counted, not listed: c->offerers holds exactly the pending tasks offering on c (t's own offers
 * were withdrawn when it was chosen, and the tasks a step wakes resume before the next choice), each once. */
static int ways(const weft__task *t, int i, bool *sure)
{
    const weft__clause *cl = &t->cl[i];
    const weft_chan *c = cl->obj;
    if (!c)
        return 0;
    if (c->closed || (c->cap && (cl->kind == WEFT__CL_SEND ? c->len < c->cap : c->len > 0))) {
        *sure = true;
        return 1;
    }
    if (c->cap || (cl->kind == WEFT__CL_SEND && !t->has_default))
        return 0;
    return c->offerers[cl->kind == WEFT__CL_SEND]; /* a send pairs with receivers [1], a receive with senders [0] */
}

#ifdef WEFT_VERIFY_WAITQ
/* Debugging aid (-DWEFT_VERIFY_WAITQ): c->offerers and c->selects equal a walk of c's waiter list. */
static void verify_offerers(const weft_chan *c)
{
    int sel = 0;
    const weft__task *prev = NULL;
    for (const weft__clause *w = c->h.wq_head; w; prev = w->task, w = w->wq_next)
        sel += w->task != prev && w->task->state == WEFT__T_PENDING && w->task->offers && w->task->ncl > 1;
    if (sel != c->selects) {
        fprintf(stderr, "weft: chan#%d counts %d selects offering on it, its waiter list %d\n", c->h.id, c->selects,
                sel);
        abort();
    }
    for (int side = 0; side < 2; side++) {
        int kind = side ? WEFT__CL_RECV : WEFT__CL_SEND, k = 0;
        const weft__task *last = NULL;
        for (const weft__clause *w = c->h.wq_head; w; w = w->wq_next) {
            if (w->kind == kind && w->task != last && w->task->state == WEFT__T_PENDING && w->task->offers)
                k++;
            if (w->kind == kind)
                last = w->task;
        }
        if (k != c->offerers[side]) {
            fprintf(stderr, "weft: chan#%d counts %d tasks offering to %s, its waiter list %d\n", c->h.id,
                    c->offerers[side], side ? "receive" : "send", k);
            abort();
        }
    }
}
#endif

/* The clause alternative k of the running task t's step belongs to (ways() in clause order), or -1 for the
 * default (k == the number of alternatives); *j is then k's place among that clause's ways, and *sure tells
 * whether that clause is ready by itself. */
static int clause_of(const weft__task *t, int k, int *j, bool *sure)
{
    for (int i = 0; i < t->ncl; i++) {
        *sure = false;
        int w = ways(t, i, sure);
        if (k < w) {
            *j = k;
            return i;
        }
        k -= w;
    }
    return -1;
}

/* The alternative that is way j of the running task t's clause i (ready by itself when sure, else with its j-th
 * partner in task id order: the order every choice index, and so every replay token, refers to). */
static alt nth_alt(const weft__task *t, int i, int j, bool sure)
{
    alt a = {i, NULL, -1};
    if (sure)
        return a;
    const weft__clause *cl = &t->cl[i];
    a.partner = weft__partner(cl->obj, cl->kind == WEFT__CL_SEND ? WEFT__CL_RECV : WEFT__CL_SEND, j, &a.pclause);
    if (!a.partner) { /* the count and the waiter list disagree: a bug in weft, not in the program */
        fprintf(stderr, "weft: internal error: channel partner %d not on its waiter list\n", j);
        abort();
    }
    return a;
}

/* Complete alternative a for the running task: a rendezvous completes the partner's step too (it resumes
 * before the next choice), else the buffer or the close decides. */
static void perform(const weft__clause *cl, const alt *a, const char *file, int line)
{
    weft_chan *c = cl->obj;
    weft__task *p = a->partner;
    bool send = cl->kind == WEFT__CL_SEND;
    if (send && c->closed)
        weft__fail(WEFT_PANIC, file, line, "send on closed channel");
    if (p) { /* the element goes from the sender's clause to the receiver's */
        const weft__clause *pc = &p->cl[a->pclause], *rc = send ? pc : cl;
        copy_elem(c, rc->out, send ? cl->in : pc->in);
        if (rc->ok)
            *rc->ok = true;
        if (weft__R.x_every)
            weft__R.hooks->join(weft__R.x, p->id);
        weft__R.steps[weft__R.nsteps - 1].partner = p->id; /* the step completes p's too */
        weft__wake(p, a->pclause);
        return;
    }
    if (send) {
        if (c->elem_size)
            memcpy(c->buf + ((c->head + c->len) % c->cap) * c->elem_size, cl->in, c->elem_size);
        c->len++;
        weft__changed(c);
        return;
    }
    bool ok = true;
    if (c->len > 0) {
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
 * channel too often in a row (the first alternative of the first clause that can complete on it), or -1 (the
 * choice is free). */
static int fair_choice(const weft__task *t)
{
    if (!t->passed || t->npassed < WEFT__PASS_MAX)
        return -1;
    for (int i = 0, k = 0; i < t->ncl; i++) {
        bool sure = false;
        int w = ways(t, i, &sure);
        if (w > 0 && t->cl[i].obj == t->passed)
            return k;
        k += w;
    }
    return -1;
}

/* Keep count of the channel t's steps pass over (WEFT__PASS_MAX): this step (alternative k, or the default: no
 * clause) passes it over again if it could complete on it and does not; a step that takes it, or names it
 * while it cannot complete on it (it ran dry), ends the count; a step that does not name it leaves the count as
 * it is. With no channel counted, the first one this step passes over is (clauses with a way, in order). */
static void passed_over(weft__task *t, int k)
{
    bool took_sure = false;
    int j = 0, took_i = clause_of(t, k, &j, &took_sure);
    const void *took = took_i >= 0 ? t->cl[took_i].obj : NULL;
    if (t->passed) {
        bool named = false, ready = false;
        for (int i = 0; i < t->ncl; i++) {
            bool sure = false;
            named |= t->cl[i].obj == t->passed;
            ready |= t->cl[i].obj == t->passed && ways(t, i, &sure) > 0;
        }
        if (!named)
            return;
        if (ready && took != t->passed) {
            t->npassed++;
            return;
        }
        t->passed = NULL;
        t->npassed = 0;
    }
    for (int i = 0; i < t->ncl; i++) {
        bool sure = false;
        if (t->cl[i].obj != took && ways(t, i, &sure) > 0) {
            t->passed = t->cl[i].obj;
            t->npassed = 1;
            return;
        }
    }
}

/* Whether a clause before cl[i] names the same channel (in the same direction, unless any_way): a select may name
 * one twice. */
static bool named_before(const weft__clause *cl, int i, bool any_way)
{
    for (int j = 0; j < i; j++)
        if (cl[j].obj == cl[i].obj && (any_way || cl[j].kind == cl[i].kind))
            return true;
    return false;
}

/* Count (d = 1) or uncount (d = -1) the clauses a task offers on their channels, and the task once per channel
 * and direction. A waiting receiver on an unbuffered channel can pair when another task offers to send: only
 * when the senders go from none to one, or one to two (the one may be the receiver itself, a select naming the
 * channel both ways), or back, do receivers need to be looked at again (an offer to receive matters to a poll
 * only, which is always enabled). Every offer on an unbuffered channel is news to a busy-wait polling it. */
static inline __attribute__((always_inline)) void count_offers(const weft__clause *cl, int n, int d)
{
    for (int i = 0; i < n; i++) {
        if (cl[i].obj && (cl[i].kind == WEFT__CL_SEND || cl[i].kind == WEFT__CL_RECV)) {
            weft_chan *c = cl[i].obj;
            int side = cl[i].kind == WEFT__CL_RECV;
            c->waiting[side] += d;
            if (n > 1 && !named_before(cl, i, true))
                c->selects += d;
            bool first = !(n > 1 && named_before(cl, i, false));
            int before = c->offerers[side];
            if (first)
                c->offerers[side] += d;
            if (c->cap)
                continue;
            if (side == 0 && first && before <= (d > 0 ? 1 : 2))
                weft__changed(c); /* a busy-wait polling c sees the offer (spin.c), and receivers are looked at */
            else if (weft__R.nnews < (int)(sizeof weft__R.news / sizeof *weft__R.news))
                weft__R.news[weft__R.nnews++] = &c->h; /* the news only */
            else
                weft__R.news_lost = true;
        }
    }
}

/* Public to weft: see rt.h. */
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
    int na = 0;
    bool sure = false;
    for (int i = 0; i < n; i++) {
        na += ways(t, i, &sure);
#ifdef WEFT_VERIFY_WAITQ
        if (cl[i].obj && (cl[i].kind == WEFT__CL_SEND || cl[i].kind == WEFT__CL_RECV))
            verify_offerers(cl[i].obj);
#endif
    }
    int nchoice = na + (has_default && !sure);
    if (nchoice == 0) /* not enabled: the scheduler never chooses it so */
        weft__nondet("a channel operation was chosen though it could not complete");
    int k = fair_choice(t);
    if (k < 0)
        k = nchoice == 1 ? 0 : weft__choose(WEFT__BR_CASE, nchoice, NULL, NULL);
    if (n > 1 || has_default || t->passed) /* else one channel, no default: nothing to pass over */
        passed_over(t, k);
    if (k == na) { /* the default */
        weft__step_obj(NULL, -1);
        weft__poll_failed();
        return -1;
    }
    int i = 0, j = k; /* alternative k: clauses in order, each with its ways (one clause: `sure` is its own) */
    if (n > 1)
        i = clause_of(t, k, &j, &sure);
    alt a = nth_alt(t, i, j, sure);
    weft__step_obj(cl[i].obj, n > 1 || has_default ? i : -1);
    perform(&cl[i], &a, file, line);
    return i;
}

/* Close c now (the step is taken, or a context is being cancelled): tasks waiting on it become able to
 * complete (receivers get the zero value, senders panic) when they take their steps. */
void weft__chan_close_now(weft_chan *c)
{
    c->closed = true;
    c->closed_on_senders = c->waiting[0] > 0;
    weft__changed(c);
}

/* A timer's value: buffered unless the buffer is full (then dropped). */
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
