/* chan.c: Go channels: buffered FIFO or unbuffered rendezvous, close, len and cap. */
#include <string.h>

#include "rt.h"

/* Public: a channel of elements of elem_size bytes; cap 0 is unbuffered. */
weft_chan *weft_chan_make_at(size_t elem_size, size_t cap, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_chan_make", file, line);
    if (cap > ((size_t)1 << 24) || (elem_size && cap > ((size_t)1 << 30) / elem_size))
        weft__usage("weft_chan_make", file, line, "capacity %zu of %zu-byte elements is too large", cap, elem_size);
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

/* Perform the send described by clause cl (ready) on behalf of the running task. */
void weft__chan_do_send(const weft__clause *cl, const char *file, int line) WEFT__HIDDEN;
void weft__chan_do_send(const weft__clause *cl, const char *file, int line)
{
    weft_chan *c = cl->obj;
    if (c->closed)
        weft__fail(WEFT_PANIC, file, line, "send on closed channel");
    if (c->cap > 0) {
        size_t tail = (c->head + c->len) % c->cap;
        if (c->elem_size)
            memcpy(c->buf + tail * c->elem_size, cl->in, c->elem_size);
        c->len++;
        return;
    }
    int j = -1;
    weft__task *r = weft__partner(c, WEFT__CL_RECV, weft__R.cur, &j);
    const weft__clause *rc = &r->cl[j];
    if (rc->out && c->elem_size)
        memcpy(rc->out, cl->in, c->elem_size);
    if (rc->ok)
        *rc->ok = true;
    weft__wake(r, j);
}

/* Perform the receive described by clause cl (ready) on behalf of the running task; returns ok. */
bool weft__chan_do_recv(const weft__clause *cl) WEFT__HIDDEN;
bool weft__chan_do_recv(const weft__clause *cl)
{
    weft_chan *c = cl->obj;
    bool ok = true;
    if (c->len > 0) {
        if (cl->out && c->elem_size)
            memcpy(cl->out, c->buf + c->head * c->elem_size, c->elem_size);
        c->head = (c->head + 1) % c->cap;
        c->len--;
    } else if (c->closed) {
        if (cl->out && c->elem_size)
            memset(cl->out, 0, c->elem_size);
        ok = false;
    } else {
        int j = -1;
        weft__task *s = weft__partner(c, WEFT__CL_SEND, weft__R.cur, &j);
        if (cl->out && c->elem_size)
            memcpy(cl->out, s->cl[j].in, c->elem_size);
        weft__wake(s, j);
    }
    if (cl->ok)
        *cl->ok = ok;
    return ok;
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
    int k = weft__wait("chan_send", &cl, 1, false, file, line);
    if (k & WEFT__FIRED)
        return;
    weft__chan_do_send(&cl, file, line);
}

/* Public: receive from c into out (may be NULL); false once c is closed and drained. */
bool weft_chan_recv_at(weft_chan *c, void *out, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_chan_recv", file, line);
    bool ok = false;
    weft__clause cl = {.kind = WEFT__CL_RECV, .obj = c, .out = out, .ok = &ok};
    int k = weft__wait("chan_recv", &cl, 1, false, file, line);
    if (k & WEFT__FIRED)
        return ok;
    return weft__chan_do_recv(&cl);
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
    c->closed = true;
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
