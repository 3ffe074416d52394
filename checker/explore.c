/* explore.c: the driver loop: run executions, ask the strategy at each branch, bound preemptions, classify. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* Grow *p (elements of size sz) so that it holds at least n elements. */
void weft__grow(void **p, int *cap, int n, size_t sz)
{
    if (n <= *cap)
        return;
    int c = *cap ? *cap : 64;
    while (c < n)
        c *= 2;
    void *q = realloc(*p, sz * (size_t)c);
    if (!q)
        weft__out_of_memory("the checker's tables");
    *p = q;
    *cap = c;
}

/* Hook: the runtime's question at a branch point: apply the preemption bound, let the strategy pick, record
 * it. Returns the index, or the strategy's WEFT__PRUNE or WEFT__DIVERGED, which the runtime acts on. */
static int x_choose(weft__explorer *x, int kind, int n, const int *ids, const bool *preempt)
{
    const weft__rt *R = &weft__R;
    if (WEFT__UNLIKELY(n > x->scratch_cap))
        weft__grow((void **)&x->scratch, &x->scratch_cap, n, sizeof *x->scratch);
    int na = 0;
    int spent = x->dpor ? x->charged : R->preemptions; /* the preemptions the bound counts so far */
    bool limit = kind == WEFT__BR_TASK && preempt && x->bound >= 0 && spent >= x->bound;
    if (!limit) { /* every alternative: scratch keeps 0, 1, 2, ... from one call to the next */
        for (int i = x->ident; i < n; i++)
            x->scratch[i] = i;
        if (n > x->ident)
            x->ident = n;
        na = n;
    } else {
        for (int i = 0; i < n; i++)
            if (!preempt[i])
                x->scratch[na++] = i;
        x->ident = 0;
    }
    if (na < n && !x->dpor) /* dpor knows which cut alternatives it needs: it decides */
        x->cut = true;
    if (n == 1 && x->token)
        return 0; /* forced: tokens record only real choices */
    weft__branch b = {kind, n, ids, preempt, x->scratch, na};
    int idx = x->strat->choose(x, &b);
    if (idx < 0)
        return idx; /* pruned or diverged: the runtime ends the execution */
    if (x->traces) {
        if (kind == WEFT__BR_TASK)
            weft__traces_event(x->traces, ids[idx]);
        else
            weft__traces_data(x->traces, idx);
    }
    if (n == 1)
        return idx; /* asked only because the strategy watches every step (dpor) */
    if (WEFT__UNLIKELY(x->nrec + 1 > x->rec_cap))
        weft__grow((void **)&x->rec, &x->rec_cap, x->nrec + 1, sizeof *x->rec);
    x->rec[x->nrec++] = (weft__choice){kind, n, idx, kind == WEFT__BR_TASK ? ids[idx] + 1 : idx, R->nsteps};
    return idx;
}

/* Keep a strategy's account of how re-executing its choices went otherwise (printf-style), for the runtime to
 * end the execution with; returns WEFT__DIVERGED, which the strategy's choose returns. */
int weft__diverged(weft__explorer *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->why, sizeof x->why, fmt, ap);
    va_end(ap);
    return WEFT__DIVERGED;
}

/* Hook: the message kept by weft__diverged. */
static const char *x_diverged(weft__explorer *x)
{
    return x->why;
}

/* Hook (when x_every): task id was woken by the step under way. */
static void x_wake(weft__explorer *x, int id)
{
    if (x->dpor)
        weft__dpor_wake(x->dpor, id);
    if (x->traces)
        weft__traces_after(x->traces, id);
}

/* Hook (when x_every): task id was spawned by `parent` (-1: the clock) during the step under way. */
static void x_spawn(weft__explorer *x, int id, int parent)
{
    if (x->dpor)
        weft__dpor_spawn(x->dpor, id, parent);
    if (x->traces)
        weft__traces_after(x->traces, id);
}

/* Hook (when x_every): the step under way also completes task id's pending step (a rendezvous): it comes
 * after id's steps. */
static void x_join(weft__explorer *x, int id)
{
    if (x->dpor)
        weft__dpor_join(x->dpor, id);
    if (x->traces)
        weft__traces_join(x->traces, id);
}

/* Hook (when x_every): the step under way also accesses footprint key `key`. */
static void x_amend(weft__explorer *x, int key)
{
    if (x->dpor)
        weft__dpor_amend(x->dpor, key);
    if (x->traces)
        weft__traces_amend(x->traces, key);
}

/* The checker's entry points, installed in the runtime for the length of a check. */
static const weft__hooks hooks = {
    .choose = x_choose,
    .diverged = x_diverged,
    .wake = x_wake,
    .spawn = x_spawn,
    .join = x_join,
    .amend = x_amend,
};

/* "OK", "DEADLOCK", ..., "ERROR" */
const char *weft_verdict_name(weft_verdict v)
{
    static const char *const names[] = {"OK", "DEADLOCK", "LEAK", "PANIC", "ASSERT", "LIVELOCK", "CRASH", "ERROR"};
    return (unsigned)v < sizeof names / sizeof *names ? names[v] : "UNKNOWN";
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d)
        abort();
    return memcpy(d, s, n);
}

static char *errorf(const char *fmt, const char *a, const char *b)
{
    char buf[512];
    snprintf(buf, sizeof buf, fmt, a, b);
    return dup(buf);
}

/* Release the strings of a result. */
void weft_result_free(weft_result *r)
{
    if (!r)
        return;
    free(r->replay);
    free(r->report);
    free(r->error);
    r->replay = r->report = r->error = NULL;
}

/* One more execution of body(arg) under x's strategy (a shrink attempt); true when it ran to an end of the
 * verdict v (not pruned, not an error). */
static bool run_again(weft__explorer *x, void (*body)(void *), void *arg, weft_verdict v)
{
    const weft__rt *R = &weft__R;
    x->nrec = 0;
    x->strat->begin(x);
    weft__exec_begin(body, arg);
    weft__exec_run();
    return !R->end.pruned && !R->end.usage && !R->end.nondet && R->end.verdict == v;
}

/* The bug just found (its execution just ended; r holds its verdict) is reported. Under dpor its execution's
 * events may then be taken in an order that switches tasks less (the same events, ordered by the same
 * happens-before: the same bug): a search reaches each trace through one of its orders, which may preempt
 * more than another (the order the races it reversed lead to), so the first bug found under iterative
 * bounding could be reported with more preemptions than it needs. Eight greedy orders are tried (the running
 * task goes on whenever its next event is ready; else the earliest, the lowest-numbered, the highest-numbered
 * task's or that of the task with the fewest events left, first among all or among those that leave no task
 * to preempt: shrink.c); the one with the fewest preemptions, if fewer, is run once more and its report
 * replaces the first. These executions are not counted: they run no new trace. Sets r's steps, preemptions,
 * replay and report. */
static void report_bug(weft__explorer *x, const char *name, const weft_options *o, weft_result *r,
                       void (*body)(void *), void *arg)
{
    weft__rt *R = &weft__R;
    r->steps = R->nsteps;
    r->preemptions = R->preemptions;
    r->replay = weft__token_encode(x, name);
    r->report = weft__report(name, r->replay, o, r); /* first: a bug found is never lost */
    if (x->strat != &weft__dpor || r->preemptions == 0 || r->verdict == WEFT_CRASH || r->verdict == WEFT_LIVELOCK ||
        !(x->shrink = weft__shrink_new(x->dpor)))
        return;
    weft__dpor_free(x->dpor);
    x->dpor = NULL;
    struct weft__traces *traces = x->traces;
    int bound = x->bound;
    x->traces = NULL;
    x->strat = &weft__shrink;
    x->bound = -1;
    int best = -1, fewest = r->preemptions;
    for (int tie = 0; tie < 8 && fewest > 0; tie++) {
        weft__shrink_tie(x->shrink, tie);
        if (run_again(x, body, arg, r->verdict) && R->preemptions < fewest) {
            best = tie;
            fewest = R->preemptions;
        }
    }
    if (best >= 0) {
        weft__shrink_tie(x->shrink, best);
        if (run_again(x, body, arg, r->verdict) && R->preemptions == fewest) {
            free(r->replay);
            free(r->report);
            r->steps = R->nsteps;
            r->preemptions = R->preemptions;
            r->replay = weft__token_encode(x, name);
            r->report = weft__report(name, r->replay, o, r);
        }
    }
    x->traces = traces;
    x->bound = bound; /* the search's, as the result reports it */
    x->strat = &weft__dpor;
    weft__shrink_free(x->shrink);
    x->shrink = NULL;
}

/* Explore body(arg) under opt (NULL: weft_options_init defaults) and return what was found (weft_check, in
 * embed.c, wraps it). */
weft_result weft__check(const char *name, void (*body)(void *), void *arg, const weft_options *opt)
{
    weft_result r;
    memset(&r, 0, sizeof r);
    r.bound = -1;
    r.traces = -1;
    weft_options defaults;
    if (!opt) {
        weft_options_init(&defaults);
        opt = &defaults;
    }
    weft__rt *R = &weft__R;
    if (R->active && !weft__recover_abandoned()) {
        r.error = dup("weft_check: called from inside a running check");
        return r;
    }
    if (!name || !body) {
        r.error = dup(!name ? "weft_check: NULL test name" : "weft_check: NULL body");
        return r;
    }
    char oerr[256];
    if (!weft__options_check(opt, oerr, sizeof oerr)) {
        r.error = errorf("weft_check: %s%s", oerr, "");
        return r;
    }
    weft__explorer x;
    memset(&x, 0, sizeof x);
    x.opt = opt;
    weft__token token;
    memset(&token, 0, sizeof token);
    if (opt->replay) {
        char err[256];
        if (!weft__token_decode(opt->replay, &token, err, sizeof err)) {
            r.error = errorf("bad replay token: %s%s", err, "");
            return r;
        }
        if (token.fingerprint != weft__fnv(2166136261u, name, strlen(name))) {
            weft__token_free(&token);
            r.error = errorf("bad replay token: it was made for another test, not '%s'%s", name, "");
            return r;
        }
        x.token = &token;
        x.strat = &weft__replay;
        x.bound = -1;
    } else if (opt->strategy == WEFT_STRATEGY_DFS || opt->strategy == WEFT_STRATEGY_DPOR) {
        x.strat = opt->strategy == WEFT_STRATEGY_DFS ? &weft__dfs : &weft__dpor;
        x.bound = opt->max_preemptions >= 0 ? opt->max_preemptions : 0;
    } else if (opt->strategy == WEFT_STRATEGY_RANDOM) {
        x.strat = &weft__random;
        x.bound = -1;
    } else if (opt->strategy == WEFT_STRATEGY_PCT) {
        x.strat = &weft__pct;
        x.bound = -1;
    } else {
        r.error = dup("weft_check: unknown strategy in the options (WEFT_STRATEGY_DPOR, _DFS, _RANDOM or _PCT)");
        return r;
    }
    weft_options o = *opt;
    if (x.token) {
        weft__replay_options(&token, &o);
    }
    size_t page = 4096;
    size_t ss = (o.stack_size + page - 1) & ~(page - 1);
    if (R->stack_size != ss) {
        weft__stack_release_all();
        R->stack_size = ss;
    }
    R->opt = &o;
    R->x = &x;
    R->hooks = &hooks;
    double t0 = now_seconds();
    bool iterative = !x.token && (x.strat == &weft__dfs || x.strat == &weft__dpor) && o.max_preemptions < 0;
    x.iterative = iterative;
    bool stopped = false;
    weft__crash_arm(name);
    if (o.count_traces && !x.token)
        x.traces = weft__traces_new();
    for (;;) {
        x.nrec = 0;
        x.strat->begin(&x);
        if (x.traces) {
            weft__traces_begin(x.traces);
            R->x_every = true;
        }
        weft__exec_begin(body, arg);
        weft__exec_run();
        if (R->end.pruned)
            x.pruned++;
        else
            x.executions++;
        if (R->nsteps > x.longest)
            x.longest = R->nsteps;
        if (x.traces && !R->end.pruned)
            weft__traces_end(x.traces);
        if (R->end.usage || R->end.nondet) {
            r.error = errorf(R->end.nondet ? "nondeterministic program: %s%s" : "%s%s", R->end.msg, "");
            break;
        }
        char m[480];
        if (x.token && !weft__replay_same_end(&x, m, sizeof m)) {
            r.error = errorf("nondeterministic program: %s%s", m, "");
            break;
        }
        if (R->end.verdict != WEFT_OK) {
            r.verdict = R->end.verdict;
            r.executions = x.executions;
            r.pruned = x.pruned;
            r.bound = x.bound;
            r.longest = x.longest;
            r.traces = x.traces ? weft__traces_count(x.traces) : -1;
            r.seconds = now_seconds() - t0;
            report_bug(&x, name, &o, &r, body, arg);
            break;
        }
        if (!x.strat->next(&x)) {
            if (iterative && x.cut) { /* dfs starts over with a higher bound (dpor raises it itself) */
                x.bound++;
                x.cut = false;
                x.npath = x.nalts = 0;
                continue;
            }
            break;
        }
        if ((o.max_executions > 0 && x.executions + x.pruned >= o.max_executions) ||
            (o.time_limit > 0 && now_seconds() - t0 >= o.time_limit)) {
            stopped = true;
            break;
        }
        if (WEFT__UNLIKELY(o.progress != NULL))
            weft__progress_tick(&o, name, x.executions + x.pruned, x.pruned, x.bound, t0);
    }
    weft__crash_disarm();
    r.executions = x.executions;
    r.bound = x.bound;
    r.pruned = x.pruned;
    r.longest = x.longest;
    r.traces = x.traces ? weft__traces_count(x.traces) : -1;
    weft__traces_free(x.traces);
    if (!r.report)
        r.seconds = now_seconds() - t0;
    r.complete = !r.error && r.verdict == WEFT_OK && !stopped && !x.cut && !x.deep &&
                 (x.strat == &weft__dfs || x.strat == &weft__dpor);
    R->opt = NULL;
    R->x = NULL;
    R->hooks = NULL;
    R->x_every = false;
    if (x.dpor)
        weft__dpor_free(x.dpor);
    weft__pct_free(x.pct);
    free(x.rec);
    free(x.scratch);
    free(x.path);
    free(x.alts);
    weft__token_free(&token);
    return r;
}
