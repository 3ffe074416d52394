/* timer.c: timers, tickers, weft_after and weft_after_func on the virtual clock (Go's semantics before 1.23). */
#include "rt.h"

static int64_t deadline(int64_t ns)
{
    int64_t now = weft__R.now;
    if (ns <= 0)
        return now;
    return now > INT64_MAX - ns ? INT64_MAX : now + ns;
}

/* A new active timer of `kind` firing at now + ns, linked into the execution's timer list. */
struct weft_timer *weft__timer_new(int kind, int objkind, size_t size, int64_t ns, const char *file, int line)
    WEFT__HIDDEN;
struct weft_timer *weft__timer_new(int kind, int objkind, size_t size, int64_t ns, const char *file, int line)
{
    weft__rt *R = &weft__R;
    struct weft_timer *t = weft__obj_make(objkind, size, file, line);
    t->kind = kind;
    t->active = true;
    t->when = deadline(ns);
    t->seq = t->h.id + ((long long)objkind << 32);
    if (R->x_every) /* arming is part of the step under way */
        R->hooks->amend(R->x, weft__time_arm_key());
    if (R->timers_tail)
        R->timers_tail->next = t;
    else
        R->timers = t;
    R->timers_tail = t;
    return t;
}

static weft_chan *timer_chan(struct weft_timer *t, const char *file, int line)
{
    weft_chan *c = weft_chan_make_at(sizeof(int64_t), 1, file, line, NULL);
    c->timer = t;
    return c;
}

static void send_time(weft_chan *c, int64_t when)
{
    weft__chan_offer(c, &when);
}

/* Fire timer t (its deadline has come): send the time, start the function's task, or cancel the context. */
void weft__timer_fire(struct weft_timer *t)
{
    int64_t when = t->when;
    switch (t->kind) {
    case WEFT__TM_TICKER: {
        /* the last tick due by now (ticks missed meanwhile are dropped, as Go's), then the next one; a tick
         * past INT64_MAX never comes: the ticker goes quiet instead of staying due forever */
        int64_t last = t->when + (weft__R.now - t->when) / t->period * t->period;
        if (last > INT64_MAX - t->period)
            t->active = false;
        else
            t->when = last + t->period;
        send_time(t->c, when);
        return;
    }
    case WEFT__TM_CHAN:
        t->active = false;
        send_time(t->c, when);
        return;
    case WEFT__TM_FUNC: {
        t->active = false;
        weft__task *task = weft__spawn(t->name, t->h.file, t->h.line);
        task->parent = -1;
        if (weft__R.x_every)
            weft__R.hooks->spawn(weft__R.x, task->id, -1);
        task->fn = t->fn;
        task->arg = t->arg;
        return;
    }
    default:
        t->active = false;
        weft__ctx_cancel(t->ctx, WEFT_DEADLINE_EXCEEDED);
        return;
    }
}

static void check(weft_timer *t, int kind, const char *call, const char *file, int line)
{
    weft__require(call, file, line);
    weft__obj_check(t, kind, call, file, line);
}

/* Public: a channel that receives the fire time once, ns from now (ns <= 0: due now). */
weft_chan *weft_after_at(int64_t ns, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_after", file, line);
    struct weft_timer *t = weft__timer_new(WEFT__TM_CHAN, WEFT__K_TIMER, sizeof *t, ns, file, line);
    t->c = timer_chan(t, file, line);
    return t->c;
}

/* Public: a timer whose channel receives the fire time once, ns from now (ns <= 0: due now). */
weft_timer *weft_timer_make_at(int64_t ns, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_timer_make", file, line);
    struct weft_timer *t = weft__timer_new(WEFT__TM_CHAN, WEFT__K_TIMER, sizeof *t, ns, file, line);
    t->c = timer_chan(t, file, line);
    return t;
}

/* Public: the timer's channel (NULL for a weft_after_func timer). */
weft_chan *weft_timer_chan_at(weft_timer *t, const char *file, int line, const char *func)
{
    (void)func;
    check(t, WEFT__K_TIMER, "weft_timer_chan", file, line);
    return t->c;
}

/* Public: weft_timer_chan without a call site. */
weft_chan *(weft_timer_chan)(weft_timer *t)
{
    return weft_timer_chan_at(t, NULL, 0, NULL);
}

/* Public: stop the timer; true if it had not fired yet (the channel is not drained, as before Go 1.23). */
bool weft_timer_stop_at(weft_timer *t, const char *file, int line, const char *func)
{
    (void)func;
    check(t, WEFT__K_TIMER, "weft_timer_stop", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = t};
    weft__wait(WEFT__OP_TIMER_STOP, &cl, 1, false, file, line);
    bool was = t->active;
    t->active = false;
    t->stopped = true;
    return was;
}

/* Public: make the timer fire ns from now (ns <= 0: due now); true if it had been active. */
bool weft_timer_reset_at(weft_timer *t, int64_t ns, const char *file, int line, const char *func)
{
    (void)func;
    check(t, WEFT__K_TIMER, "weft_timer_reset", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = t};
    weft__wait(WEFT__OP_TIMER_RESET, &cl, 1, false, file, line);
    bool was = t->active;
    t->active = true;
    t->stopped = false;
    t->when = deadline(ns);
    return was;
}

/* Public: run fn(arg) in a new task ns from now (ns <= 0: due now); Stop prevents it. */
weft_timer *weft_after_func_at(int64_t ns, void (*fn)(void *), void *arg, const char *name, const char *file,
                               int line, const char *func)
{
    (void)func;
    weft__require("weft_after_func", file, line);
    if (!fn)
        weft__usage("weft_after_func", file, line, "NULL function");
    struct weft_timer *t = weft__timer_new(WEFT__TM_FUNC, WEFT__K_TIMER, sizeof *t, ns, file, line);
    t->fn = fn;
    t->arg = arg;
    t->name = name;
    return t;
}

/* Public: a ticker sending the time every period on a channel of capacity 1 (ticks dropped while full);
 * period <= 0 panics as Go's NewTicker. */
weft_ticker *weft_ticker_make_at(int64_t period, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_ticker_make", file, line);
    if (period <= 0)
        weft__fail(WEFT_PANIC, file, line, "non-positive interval for NewTicker");
    struct weft_ticker *k =
        (struct weft_ticker *)weft__timer_new(WEFT__TM_TICKER, WEFT__K_TICKER, sizeof *k, period, file, line);
    k->t.period = period;
    k->t.c = timer_chan(&k->t, file, line);
    return k;
}

/* Public: the ticker's channel. */
weft_chan *weft_ticker_chan_at(weft_ticker *k, const char *file, int line, const char *func)
{
    (void)func;
    check((struct weft_timer *)k, WEFT__K_TICKER, "weft_ticker_chan", file, line);
    return k->t.c;
}

/* Public: weft_ticker_chan without a call site. */
weft_chan *(weft_ticker_chan)(weft_ticker *k)
{
    return weft_ticker_chan_at(k, NULL, 0, NULL);
}

/* Public: stop the ticker; no more ticks are sent. */
void weft_ticker_stop_at(weft_ticker *k, const char *file, int line, const char *func)
{
    (void)func;
    check((struct weft_timer *)k, WEFT__K_TICKER, "weft_ticker_stop", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = k};
    weft__wait(WEFT__OP_TICKER_STOP, &cl, 1, false, file, line);
    k->t.active = false;
    k->t.stopped = true;
}
