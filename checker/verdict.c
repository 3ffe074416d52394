/* verdict.c: why an execution ended as it did: the state of what each task waits on, and why nothing wakes it. */
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

static void cat(char *buf, size_t n, const char *fmt, ...) WEFT__PRINTF(3, 4);
static void cat(char *buf, size_t n, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, n - len, fmt, ap);
    va_end(ap);
}

/* "chan#2 `results`", "mutex#1", "nil channel", "addr#3 `counter`". */
void weft__obj_label(const void *obj, bool raw, char *buf, size_t n)
{
    if (!obj) {
        snprintf(buf, n, "nil channel");
        return;
    }
    const char *name = weft__name_of(obj);
    if (raw) {
        const weft__rt *R = &weft__R;
        int id = 0;
        const void *seen[256];
        int nseen = 0;
        for (long long i = 0; i < R->nsteps && !id; i++) {
            const weft__step *s = &R->steps[i];
            if (!s->raw)
                continue;
            int j = 0;
            while (j < nseen && seen[j] != s->obj)
                j++;
            if (j == nseen && nseen < 256)
                seen[nseen++] = s->obj;
            if (s->obj == obj)
                id = j + 1;
        }
        snprintf(buf, n, name ? "addr#%d `%s`" : "addr#%d", id, name);
        return;
    }
    const weft__obj *h = obj;
    if (name)
        snprintf(buf, n, "%s#%d `%s`", weft__kind_name(h->kind), h->id, name);
    else
        snprintf(buf, n, "%s#%d", weft__kind_name(h->kind), h->id);
    if (h->kind != WEFT__K_CHAN || name)
        return;
    /* an unnamed channel made by weft: say whose it is, with that object's name */
    const weft_chan *c = obj;
    const void *owner = c->ctx ? (const void *)c->ctx : (const void *)c->timer;
    if (!owner)
        return;
    const weft__obj *o = owner;
    const char *oname = weft__name_of(owner);
    size_t len = strlen(buf);
    snprintf(buf + len, n - len, oname ? " (%s of %s#%d `%s`)" : " (%s of %s#%d)", c->ctx ? "Done" : "channel",
             weft__kind_name(o->kind), o->id, oname);
}

/* A virtual time as Go prints durations: "1.5s", "250ms", "3us", "0s". */
void weft__dur(int64_t ns, char *buf, size_t n)
{
    static const struct {
        int64_t unit;
        const char *name;
    } units[] = {{WEFT_SECOND, "s"}, {WEFT_MS, "ms"}, {WEFT_US, "us"}, {1, "ns"}};
    if (ns == 0) {
        snprintf(buf, n, "0s");
        return;
    }
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        if (ns >= units[i].unit || units[i].unit == 1) {
            int64_t whole = ns / units[i].unit, frac = ns % units[i].unit;
            if (!frac) {
                snprintf(buf, n, "%lld%s", (long long)whole, units[i].name);
            } else {
                char f[24];
                snprintf(f, sizeof f, "%0*lld", i == 0 ? 9 : i == 1 ? 6 : 3, (long long)frac);
                size_t k = strlen(f);
                while (k > 0 && f[k - 1] == '0')
                    f[--k] = 0;
                snprintf(buf, n, "%lld.%s%s", (long long)whole, f, units[i].name);
            }
            return;
        }
    }
}

/* What the clock will still do for a timer: "fires at t=2s", "was stopped", "has fired". */
static void timer_fate(const struct weft_timer *t, char *buf, size_t n)
{
    char d[32];
    weft__dur(t->when, d, sizeof d);
    if (t->active)
        snprintf(buf, n, "its %s fires at t=%s, past the leak horizon", t->kind == WEFT__TM_TICKER ? "ticker" : "timer",
                 d);
    else if (t->stopped)
        snprintf(buf, n, "its %s was stopped", t->kind == WEFT__TM_TICKER ? "ticker" : "timer");
    else
        snprintf(buf, n, "its timer has fired already and will not send again");
}

/* "task 2 `worker`" or "task 0 (the test body)". */
void weft__task_label(int id, char *buf, size_t n)
{
    if (id < 0) {
        snprintf(buf, n, "the clock");
        return;
    }
    const weft__task *t = weft__R.tasks[id];
    if (id == 0)
        snprintf(buf, n, "task 0 (the test body)");
    else
        snprintf(buf, n, "task %d `%s`", id, t->name);
}

/* A pending task's channel clause, as the index of waiters() holds it. */
typedef struct waiter {
    uintptr_t obj;          /* the channel (its address orders the index only: nothing printed depends on it) */
    int kind;               /* WEFT__CL_SEND or WEFT__CL_RECV */
    int task;
} waiter;

/* Every pending task's channel clauses, sorted by channel, direction and task id: a report asks who waits on
 * the channel of every blocked task, and scanning every task for each made a report on N tasks O(N^2).
 * Invariant: when built, w[0..n) are the clauses of the state identified by (gen, nsteps, arrivals), which
 * changes whenever a task arrives at a step or takes one. Grown, then kept (reports only: no step uses it). */
static struct {
    waiter *w;
    int n, cap;
    bool built;
    uint32_t gen;
    long long nsteps;
    uint64_t arrivals;
} ix;

static int waiter_cmp(const void *pa, const void *pb)
{
    const waiter *a = pa, *b = pb;
    if (a->obj != b->obj)
        return a->obj < b->obj ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return (a->task > b->task) - (a->task < b->task);
}

/* The index for the current state: built at the first question about it, O(C log C) for C channel clauses. */
static void index_waiters(void)
{
    const weft__rt *R = &weft__R;
    if (ix.built && ix.gen == R->gen && ix.nsteps == R->nsteps && ix.arrivals == R->arrivals)
        return;
    ix.n = 0;
    for (int i = 0; i < R->ntasks; i++) {
        const weft__task *u = R->tasks[i];
        if (u->state != WEFT__T_PENDING)
            continue;
        for (int j = 0; j < u->ncl; j++) {
            const weft__clause *c = &u->cl[j];
            if (c->kind != WEFT__CL_SEND && c->kind != WEFT__CL_RECV)
                continue;
            if (ix.n == ix.cap) {
                int cap = ix.cap ? 2 * ix.cap : 256;
                waiter *w = realloc(ix.w, sizeof *w * (size_t)cap);
                if (!w)
                    weft__out_of_memory("a report's index of waiting tasks");
                ix.w = w;
                ix.cap = cap;
            }
            ix.w[ix.n++] = (waiter){(uintptr_t)c->obj, c->kind, u->id};
        }
    }
    qsort(ix.w, (size_t)ix.n, sizeof *ix.w, waiter_cmp);
    ix.built = true;
    ix.gen = R->gen;
    ix.nsteps = R->nsteps;
    ix.arrivals = R->arrivals;
}

/* The tasks pending with a clause of `kind` on obj, as "task 1, task 3" or "none" (as much as fits in buf). */
static void waiters(const void *obj, int kind, char *buf, size_t n)
{
    index_waiters();
    waiter key = {(uintptr_t)obj, kind, -1};
    int lo = 0, hi = ix.n; /* the first entry not below key */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (waiter_cmp(&ix.w[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    buf[0] = 0;
    size_t len = 0;
    for (int i = lo; i < ix.n && ix.w[i].obj == key.obj && ix.w[i].kind == kind && len + 1 < n; i++) {
        if (i > lo && ix.w[i].task == ix.w[i - 1].task) /* a select naming obj twice: the task once */
            continue;
        cat(buf, n, "%stask %d", buf[0] ? ", " : "", ix.w[i].task);
        len = strlen(buf);
    }
    if (!buf[0])
        snprintf(buf, n, "none");
}

static void task_list(const int *ids, int k, char *buf, size_t n)
{
    buf[0] = 0;
    for (int i = 0; i < k; i++)
        cat(buf, n, "%stask %d", i ? ", " : "", ids[i]);
    if (!k)
        snprintf(buf, n, "none");
}

/* What has become of task `id` that another task depends on: "has exited", "is blocked (see its entry)". */
static const char *fate(int id, int self)
{
    if (id == self)
        return "is this task itself";
    const weft__task *t = weft__R.tasks[id];
    if (t->state == WEFT__T_DONE)
        return "has exited";
    if (t->state == WEFT__T_PENDING && !weft__task_enabled(t))
        return "is blocked itself (see its entry)";
    return "is still running";
}

/* Describe clause c of blocked task t: the object's state in `state`, why nothing can make it ready in `why`. */
void weft__explain(const weft__task *t, const weft__clause *c, char *state, size_t sn, char *why, size_t wn)
{
    const weft__rt *R = &weft__R;
    char lbl[128], a[128], b[128];
    weft__obj_label(c->obj, false, lbl, sizeof lbl);
    state[0] = why[0] = 0;
    const char *others = R->end.spinning ? "the tasks still running (see their entries) never do it"
                         : R->body_done ? "every other task has exited or is blocked, and the test body has returned"
                                        : "every other task has exited or is blocked";
    switch (c->kind) {
    case WEFT__CL_SEND:
    case WEFT__CL_RECV: {
        const weft_chan *ch = c->obj;
        bool send = c->kind == WEFT__CL_SEND;
        if (!ch) {
            snprintf(state, sn, "nil channel");
            snprintf(why, wn, "a %s on a nil channel blocks forever", send ? "send" : "receive");
            return;
        }
        waiters(ch, WEFT__CL_SEND, a, sizeof a);
        waiters(ch, WEFT__CL_RECV, b, sizeof b);
        if (!send && ch->timer) {
            char f[160];
            timer_fate(ch->timer, f, sizeof f);
            snprintf(state, sn, "%s: the channel of a %s made at %s:%d, cap 1, empty", lbl,
                     ch->timer->kind == WEFT__TM_TICKER ? "ticker" : "timer", ch->timer->h.file, ch->timer->h.line);
            snprintf(why, wn, "%s", f);
            return;
        }
        if (!send && ch->ctx) {
            snprintf(state, sn, "%s: Done of context#%d made at %s:%d, not cancelled", lbl, ch->ctx->h.id,
                     ch->ctx->h.file, ch->ctx->h.line);
            snprintf(why, wn, "no task will cancel the context%s: %s",
                     ch->ctx->timer && ch->ctx->timer->active ? " and its deadline lies past the leak horizon" : "",
                     others);
            return;
        }
        if (ch->cap)
            snprintf(state, sn, "%s: cap %zu, len %zu, %s; waiting to send: %s; waiting to receive: %s", lbl,
                     ch->cap, ch->len, ch->closed ? "closed" : "open", a, b);
        else
            snprintf(state, sn, "%s: unbuffered, %s; waiting to send: %s; waiting to receive: %s", lbl,
                     ch->closed ? "closed" : "open", a, b);
        if (send && ch->cap)
            snprintf(why, wn, "its buffer is full and no task will receive from it: %s", others);
        else if (send)
            snprintf(why, wn, "no task will receive from it: %s", others);
        else
            snprintf(why, wn, "it is empty and no task will send on it or close it: %s", others);
        return;
    }
    case WEFT__CL_LOCK: {
        const weft_mutex *m = c->obj;
        weft__task_label(m->holder, a, sizeof a);
        snprintf(state, sn, "%s: locked by %s at %s:%d", lbl, a, m->lock_file, m->lock_line);
        if (m->holder == t->id)
            snprintf(why, wn, "this task already holds it: Go mutexes are not reentrant, so locking twice "
                              "blocks forever");
        else
            snprintf(why, wn, "its holder, task %d, %s and will not unlock it", m->holder, fate(m->holder, t->id));
        return;
    }
    case WEFT__CL_WLOCK:
    case WEFT__CL_WDRAIN:
    case WEFT__CL_PARKED:
        if (c->obj && ((const weft__obj *)c->obj)->kind == WEFT__K_RWMUTEX) {
            const weft_rwmutex *m = c->obj;
            task_list(m->rtasks, m->readers, a, sizeof a);
            if (m->wtask >= 0)
                snprintf(b, sizeof b, "task %d (%s, Lock at %s:%d)", m->wtask, m->writer ? "holding" : "waiting",
                         m->wfile, m->wline);
            else
                snprintf(b, sizeof b, "none");
            snprintf(state, sn, "%s: readers: %s; writer: %s; readers parked behind the writer: %d", lbl, a, b,
                     m->nblocked);
            if (c->kind == WEFT__CL_WDRAIN)
                snprintf(why, wn, "it waits for the readers to RUnlock, and none of them will: %s", others);
            else if (c->kind == WEFT__CL_WLOCK)
                snprintf(why, wn, "another writer, task %d, holds the writer slot and %s", m->wtask,
                         fate(m->wtask, t->id));
            else if (m->wtask == t->id)
                snprintf(why, wn, "this task is the waiting writer itself");
            else if (m->writer)
                snprintf(why, wn, "a writer (task %d) holds the lock and %s", m->wtask, fate(m->wtask, t->id));
            else
                snprintf(why, wn, "a writer (task %d) is waiting, so new readers block (Go's writer preference); "
                                  "it waits for readers that will not RUnlock",
                         m->wtask);
            return;
        }
        if (c->obj && ((const weft__obj *)c->obj)->kind == WEFT__K_WG) {
            const weft_wg *wg = c->obj;
            snprintf(state, sn, "%s: counter %d, %d waiting", lbl, wg->counter, wg->waiters);
            snprintf(why, wn, "the counter stays above zero: no task will call Done: %s", others);
            return;
        }
        if (c->obj && ((const weft__obj *)c->obj)->kind == WEFT__K_COND) {
            const weft_cond *cv = c->obj;
            task_list(cv->waitq, cv->nwait, a, sizeof a);
            snprintf(state, sn, "%s: waiting: %s", lbl, a);
            snprintf(why, wn, "no task will call Signal or Broadcast: %s", others);
            return;
        }
        snprintf(state, sn, "%s", lbl);
        snprintf(why, wn, "no task will wake it");
        return;
    case WEFT__CL_ONCE: {
        const weft_once *o = c->obj;
        snprintf(state, sn, "%s: running in task %d", lbl, o->runner);
        if (o->runner == t->id)
            snprintf(why, wn, "this task is inside the Once's function itself: calling Do again blocks forever");
        else
            snprintf(why, wn, "the first call, in task %d, has not returned: that task %s", o->runner,
                     fate(o->runner, t->id));
        return;
    }
    case WEFT__CL_SLEEP: {
        char d[32], h[32];
        weft__dur(c->deadline, d, sizeof d);
        weft__dur(R->body_time + R->opt->leak_horizon, h, sizeof h);
        snprintf(state, sn, "sleeping until t=%s", d);
        snprintf(why, wn, "the clock stops at the leak horizon (t=%s: --leak-horizon after the body returned)", h);
        return;
    }
    case WEFT__CL_NEVER:
        snprintf(state, sn, "select with no cases");
        snprintf(why, wn, "an empty select blocks forever");
        return;
    default:
        snprintf(state, sn, "%s", lbl);
        snprintf(why, wn, "nothing can make it ready");
        return;
    }
}

/* Why an execution whose tasks all finished is a LEAK: the first ticker left running, else the first context
 * that nothing will ever cancel (a WithCancel one with no deadline pending above it: go vet's lostcancel).
 * A WithTimeout context is cancelled by its own deadline and is never the cause. */
void weft__lost_summary(char *buf, size_t n)
{
    const weft__rt *R = &weft__R;
    for (const struct weft_timer *t = R->timers; t; t = t->next) {
        if (t->kind == WEFT__TM_TICKER && !t->stopped) {
            snprintf(buf, n, "every task finished, but the execution left ticker#%d (made at %s:%d) running", t->h.id,
                     t->h.file ? t->h.file : "?", t->h.line);
            return;
        }
    }
    for (const struct weft_ctx *c = R->ctxs; c; c = c->next) {
        if (weft__ctx_lost(c)) {
            snprintf(buf, n,
                     "every task finished, but context#%d (made at %s:%d) was never cancelled and nothing will "
                     "cancel it: no deadline is pending on it or its parents (lostcancel)",
                     c->h.id, c->h.file ? c->h.file : "?", c->h.line);
            return;
        }
    }
    snprintf(buf, n, "every task finished, but the execution left a ticker running or a context uncancelled");
}
