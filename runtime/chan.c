/* chan.c: Go channels: buffered FIFO or unbuffered rendezvous, close, len and cap. */
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

/* Whether clause cl can complete right now, as Go's chansend and chanrecv decide before parking. */
/* Whether clause cl can complete now; *partner (and *j, its clause) receive the parked task it would pair
 * with, or NULL. */
static bool ready_now(const weft__clause *cl, weft__task **partner, int *j)
{
    weft_chan *c = cl->obj;
    *partner = NULL;
    if (!c)
        return false;
    if (cl->kind == WEFT__CL_SEND)
        return c->closed || (*partner = weft__partner(c, WEFT__CL_RECV, weft__R.cur, j)) || c->len < c->cap;
    *partner = weft__partner(c, WEFT__CL_SEND, weft__R.cur, j);
    return c->len > 0 || c->closed || *partner;
}

static void copy_elem(const weft_chan *c, void *dst, const void *src)
{
    if (dst && c->elem_size)
        memcpy(dst, src, c->elem_size);
}

/* Complete the ready clause cl for the running task: hand off to the parked partner (clause j of it) that
 * ready_now found, or use the buffer. */
static void perform(const weft__clause *cl, weft__task *partner, int j, const char *file, int line)
{
    weft_chan *c = cl->obj;
    if (cl->kind == WEFT__CL_SEND) {
        if (c->closed)
            weft__fail(WEFT_PANIC, file, line, "send on closed channel");
        weft__task *r = partner;
        if (r) { /* a receiver waits: the buffer is empty, hand the value over */
            copy_elem(c, r->cl[j].out, cl->in);
            if (r->cl[j].ok)
                *r->cl[j].ok = true;
            weft__wake(r, j);
            return;
        }
        if (c->elem_size)
            memcpy(c->buf + ((c->head + c->len) % c->cap) * c->elem_size, cl->in, c->elem_size);
        c->len++;
        return;
    }
    bool ok = true;
    weft__task *s = partner;
    if (s && c->cap == 0) {
        copy_elem(c, cl->out, s->cl[j].in);
        weft__wake(s, j);
    } else if (c->len > 0) {
        copy_elem(c, cl->out, c->buf + c->head * c->elem_size);
        c->head = (c->head + 1) % c->cap;
        c->len--;
        if (s) { /* the buffer was full: the parked sender's value takes the freed slot */
            if (c->elem_size)
                memcpy(c->buf + ((c->head + c->len) % c->cap) * c->elem_size, s->cl[j].in, c->elem_size);
            c->len++;
            weft__wake(s, j);
        }
    } else { /* closed and drained */
        if (cl->out && c->elem_size)
            memset(cl->out, 0, c->elem_size);
        ok = false;
    }
    if (cl->ok)
        *cl->ok = ok;
}

/* Count (d = 1) or uncount (d = -1) the clauses of a task parking on their channels. */
static void count_parked(const weft__clause *cl, int n, int d)
{
    for (int i = 0; i < n; i++)
        if (cl[i].obj && (cl[i].kind == WEFT__CL_SEND || cl[i].kind == WEFT__CL_RECV))
            ((weft_chan *)cl[i].obj)->parked[cl[i].kind == WEFT__CL_RECV] += d;
}

/* Task t (running) parks in the queues of its clauses until a partner or a close completes one; returns it. */
static int park(weft__task *t, const char *op, weft__clause *cl, int n, const char *file, int line)
{
    t->parked = true;
    t->by_close = false;
    count_parked(cl, n, 1);
    weft__R.select_epoch += n > 1;
    int k = weft__wait(op, cl, n, false, file, line) & ~WEFT__FIRED;
    count_parked(cl, n, -1);
    t->parked = false;
    weft__R.select_epoch += n > 1;
    if (t->by_close && cl[k].kind == WEFT__CL_SEND)
        weft__fail(WEFT_PANIC, file, line, "send on closed channel");
    return k;
}

/* One channel operation over clauses cl[0..n) (a send, a receive or a select), as one step: complete a
 * ready clause (several ready: each is explored), else take the default, else park in every channel's
 * queue until a partner or a close completes one clause. Returns the clause index, or -1 for the default. */
int weft__chan_op(const char *op, weft__clause *cl, int n, bool has_default, const char *file, int line) WEFT__HIDDEN;
int weft__chan_op(const char *op, weft__clause *cl, int n, bool has_default, const char *file, int line)
{
    weft__task *t = weft__R.cur;
    weft__wait(op, cl, n, has_default, file, line);
    if (n == 1 && !has_default) { /* a plain send or receive */
        weft__task *p;
        int j;
        if (ready_now(cl, &p, &j)) {
            weft__step_obj(cl->obj, -1);
            perform(cl, p, j, file, line);
            return 0;
        }
        return park(t, op, cl, n, file, line);
    }
    int ready[n > 0 ? n : 1], pj[n > 0 ? n : 1], nr = 0;
    weft__task *pt[n > 0 ? n : 1];
    for (int i = 0; i < n; i++)
        if (ready_now(&cl[i], &pt[i], &pj[i]))
            ready[nr++] = i;
    if (nr > 0) {
        int k = nr == 1 ? ready[0] : ready[weft__x_choose(WEFT__BR_CASE, nr, NULL, NULL)];
        weft__step_obj(cl[k].obj, n > 1 || has_default ? k : -1);
        perform(&cl[k], pt[k], pj[k], file, line);
        return k;
    }
    if (has_default) {
        weft__step_obj(NULL, -1);
        weft__poll_failed();
        return -1;
    }
    return park(t, op, cl, n, file, line);
}

/* Close c now (the step is taken or a context is being cancelled): parked receivers get the zero value and
 * ok == false; parked senders panic when they resume. */
void weft__chan_close_now(weft_chan *c) WEFT__HIDDEN;
void weft__chan_close_now(weft_chan *c)
{
    weft__rt *R = &weft__R;
    c->closed = true;
    if (!c->parked[0] && !c->parked[1])
        return;
    for (int i = 0, na = weft__alive(); i < na; i++) {
        weft__task *u = R->tasks[R->alive[i]];
        if (u->state != WEFT__T_PENDING || !u->parked)
            continue;
        for (int j = 0; j < u->ncl; j++) {
            const weft__clause *cl = &u->cl[j];
            if (cl->obj != c)
                continue;
            if (cl->kind == WEFT__CL_RECV) {
                if (cl->out && c->elem_size)
                    memset(cl->out, 0, c->elem_size);
                if (cl->ok)
                    *cl->ok = false;
            } else {
                u->by_close = true;
            }
            weft__wake(u, j);
            break;
        }
    }
}

/* A timer's value: handed to a parked receiver, else buffered unless the buffer is full (then dropped). */
void weft__chan_offer(weft_chan *c, const void *elem) WEFT__HIDDEN;
void weft__chan_offer(weft_chan *c, const void *elem)
{
    int j = -1;
    weft__task *r = weft__partner(c, WEFT__CL_RECV, NULL, &j);
    if (r) {
        copy_elem(c, r->cl[j].out, elem);
        if (r->cl[j].ok)
            *r->cl[j].ok = true;
        weft__wake(r, j);
    } else if (c->len < c->cap) {
        memcpy(c->buf + ((c->head + c->len) % c->cap) * c->elem_size, elem, c->elem_size);
        c->len++;
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
    weft__chan_op("chan_send", &cl, 1, false, file, line);
}

/* Public: receive from c into out (may be NULL); false once c is closed and drained. */
bool weft_chan_recv_at(weft_chan *c, void *out, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_chan_recv", file, line);
    bool ok = false;
    weft__clause cl = {.kind = WEFT__CL_RECV, .obj = c, .out = out, .ok = &ok};
    weft__chan_op("chan_recv", &cl, 1, false, file, line);
    return ok;
}

/* Public: close c; receivers see ok == false once it is drained, pending senders panic. */
void weft_chan_close_at(weft_chan *c, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_chan_close", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = c};
    weft__wait("chan_close", &cl, 1, false, file, line);
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
    weft__wait("chan_len", &cl, 1, false, file, line);
    return c ? c->len : 0;
}

/* Public: the capacity (constant: not a scheduling point). */
size_t weft_chan_cap_at(weft_chan *c, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_chan_cap", file, line);
    return c ? c->cap : 0;
}
