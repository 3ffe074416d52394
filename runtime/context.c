/* context.c: cancellation trees: background, with_cancel, with_timeout, cancel, done, err. */
#include "rt.h"

struct weft_timer *weft__timer_new(int kind, int objkind, size_t size, int64_t ns, const char *file, int line)
    WEFT__HIDDEN;

/* Public: the background context of this execution: never cancelled, Done is NULL. */
weft_ctx *weft_ctx_background_at(const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_ctx_background", file, line);
    weft__rt *R = &weft__R;
    if (!R->background)
        R->background = weft__obj_make(WEFT__K_CTX, sizeof(weft_ctx), NULL, 0);
    return R->background;
}

/* Public: weft_ctx_background without a call site. */
weft_ctx *(weft_ctx_background)(void)
{
    return weft_ctx_background_at(NULL, 0, NULL);
}

/* Cancel c and its descendants with err (idempotent): close Done, stop the deadline timer. */
void weft__ctx_cancel(struct weft_ctx *c, int err)
{
    if (c->err || !c->done)
        return;
    c->err = err;
    weft__changed(c); /* a busy-wait on its err sees it */
    weft__chan_close_now(c->done);
    if (c->timer)
        c->timer->active = false;
    for (struct weft_ctx *k = c->child; k; k = k->sibling)
        weft__ctx_cancel(k, err);
}

static weft_ctx *derive(weft_ctx *parent, const char *call, const char *file, int line)
{
    weft__require(call, file, line);
    if (!parent)
        weft__fail(WEFT_PANIC, file, line, "cannot create context from nil parent");
    weft__obj_check(parent, WEFT__K_CTX, call, file, line);
    weft__rt *R = &weft__R;
    weft_ctx *c = weft__obj_make(WEFT__K_CTX, sizeof *c, file, line);
    c->parent = parent;
    c->done = weft_chan_make_at(0, 0, file, line, NULL);
    c->done->ctx = c;
    if (parent->child_tail)
        parent->child_tail->sibling = c;
    else
        parent->child = c;
    parent->child_tail = c;
    if (R->ctxs_tail)
        R->ctxs_tail->next = c;
    else
        R->ctxs = c;
    R->ctxs_tail = c;
    c->has_deadline = parent->has_deadline;
    c->deadline = parent->deadline;
    if (parent->err)
        weft__ctx_cancel(c, parent->err);
    return c;
}

/* Public: a child of parent, cancelled by weft_ctx_cancel or when parent is; a NULL parent panics as Go. */
weft_ctx *weft_ctx_with_cancel_at(weft_ctx *parent, const char *file, int line, const char *func)
{
    (void)func;
    return derive(parent, "weft_ctx_with_cancel", file, line);
}

/* Public: a child of parent that also cancels itself (DEADLINE_EXCEEDED) once the clock passes now + ns
 * (ns <= 0: cancelled at once, as Go's WithDeadline of a past time). */
weft_ctx *weft_ctx_with_timeout_at(weft_ctx *parent, int64_t ns, const char *file, int line, const char *func)
{
    (void)func;
    weft_ctx *c = derive(parent, "weft_ctx_with_timeout", file, line);
    int64_t now = weft__R.now;
    int64_t d = ns <= 0 ? now : (now > INT64_MAX - ns ? INT64_MAX : now + ns);
    if (c->err || (c->has_deadline && c->deadline <= d))
        return c; /* the parent's earlier deadline governs (Go: WithDeadline returns WithCancel) */
    c->has_deadline = true;
    c->deadline = d;
    if (ns <= 0) {
        weft__ctx_cancel(c, WEFT_DEADLINE_EXCEEDED);
        return c;
    }
    c->timer = weft__timer_new(WEFT__TM_CTX, WEFT__K_TIMER, sizeof *c->timer, ns, file, line);
    c->timer->ctx = c;
    return c;
}

/* Public: cancel ctx and every descendant (idempotent; background is never cancelled). */
void weft_ctx_cancel_at(weft_ctx *ctx, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_ctx_cancel", file, line);
    weft__obj_check(ctx, WEFT__K_CTX, "weft_ctx_cancel", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = ctx};
    weft__wait(WEFT__OP_CTX_CANCEL, &cl, 1, false, file, line);
    ctx->cancel_called = true;
    weft__ctx_cancel(ctx, WEFT_CANCELED);
}

/* Public: the channel closed when ctx is cancelled (NULL for background: never ready). */
weft_chan *weft_ctx_done_at(weft_ctx *ctx, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_ctx_done", file, line);
    weft__obj_check(ctx, WEFT__K_CTX, "weft_ctx_done", file, line);
    return ctx->done;
}

/* Public: weft_ctx_done without a call site. */
weft_chan *(weft_ctx_done)(weft_ctx *ctx)
{
    return weft_ctx_done_at(ctx, NULL, 0, NULL);
}

/* Public: 0, WEFT_CANCELED or WEFT_DEADLINE_EXCEEDED (a visible read). */
int weft_ctx_err_at(weft_ctx *ctx, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_ctx_err", file, line);
    weft__obj_check(ctx, WEFT__K_CTX, "weft_ctx_err", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = ctx};
    weft__wait(WEFT__OP_CTX_ERR, &cl, 1, false, file, line);
    return ctx->err;
}

/* Whether nothing has cancelled c and nothing ever will: no weft_ctx_cancel, and no deadline timer pending on
 * it or on an ancestor (a WithTimeout context whose deadline has not come yet is cancelled by its own timer
 * when it does: not a leak). Background is never lost. */
bool weft__ctx_lost(const struct weft_ctx *c)
{
    if (!c->done || c->cancel_called || c->err)
        return false;
    for (const struct weft_ctx *a = c; a; a = a->parent)
        if (a->timer && a->timer->active)
            return false;
    return true;
}

/* At the end of an execution where every task finished: a ticker never stopped, or a cancellable context
 * that nothing will ever cancel, is a LEAK (the seeds' lost ticker; go vet's lostcancel). */
weft_verdict weft__end_checks(void)
{
    weft__rt *R = &weft__R;
    for (struct weft_timer *t = R->timers; t; t = t->next)
        if (t->kind == WEFT__TM_TICKER && !t->stopped)
            return WEFT_LEAK;
    for (struct weft_ctx *c = R->ctxs; c; c = c->next)
        if (weft__ctx_lost(c))
            return WEFT_LEAK;
    return WEFT_OK;
}
