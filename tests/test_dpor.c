/* test_dpor.c: dpor against dfs on random small programs (same outcomes), and exact execution counts. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include "progen.h"
#include "testutil.h"

/* ---- the set of outcomes of one check: distinct strings, hashed; never silently truncated --------- */

#ifndef OSET_MAX
#define OSET_MAX 65536 /* distinct outcomes one check may see; more fails the test, naming this cap */
#endif
#define OSET_LEN 256   /* longest outcome + 1; a longer one fails the test too */
#define STR_(x) #x
#define STR(x) STR_(x)

typedef struct oset {
    int n, cap;          /* strings held, and allocated */
    char (*s)[OSET_LEN]; /* the strings, in the order first seen */
    int *slot;           /* open addressing over s: index + 1, 0 empty; 2 * cap entries */
    bool overflow;       /* an outcome was dropped: more than OSET_MAX, or longer than OSET_LEN - 1 */
} oset;

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot of s in the table: where it is, or the empty slot where it would go. */
static int *oset_find(const oset *o, const char *s)
{
    unsigned mask = 2u * (unsigned)o->cap - 1;
    for (unsigned i = hash(s) & mask;; i = (i + 1) & mask)
        if (!o->slot[i] || !strcmp(o->s[o->slot[i] - 1], s))
            return &o->slot[i];
}

static void oset_clear(oset *o)
{
    o->n = 0;
    o->overflow = false;
    if (o->slot)
        memset(o->slot, 0, sizeof *o->slot * 2 * (size_t)o->cap);
}

static bool oset_has(const oset *o, const char *s)
{
    return o->cap && *oset_find(o, s);
}

/* Add s (once). Capacity doubles up to OSET_MAX; beyond, or for too long a string, the set is marked. */
static void oset_add(oset *o, const char *s)
{
    if (strlen(s) >= OSET_LEN) {
        o->overflow = true;
        return;
    }
    if (oset_has(o, s))
        return;
    if (o->n == OSET_MAX) {
        o->overflow = true;
        return;
    }
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 64;
        o->s = realloc(o->s, sizeof *o->s * (size_t)o->cap);
        free(o->slot);
        o->slot = calloc(2 * (size_t)o->cap, sizeof *o->slot);
        if (!o->s || !o->slot)
            abort();
        for (int i = 0; i < o->n; i++)
            *oset_find(o, o->s[i]) = i + 1;
    }
    strcpy(o->s[o->n++], s);
    *oset_find(o, s) = o->n;
}

static void oset_record(const char *outcome, void *ctx)
{
    oset_add(ctx, outcome);
}

/* ---- dpor against dfs ------------------------------------------------------------------------------ */

/* What one strategy found on the current program. */
typedef struct side {
    weft_verdict v;
    long long executions;
    long long pruned;
    long long traces;
    int preemptions;
    oset out;
} side;

/* Run p under strategy s; bound -1: iterative preemption bounding (the default), else a fixed bound. */
static void run(const pg_prog *p, weft_strategy s, int bound, side *out)
{
    weft_options o = tu_exhaustive();
    o.strategy = s;
    o.max_preemptions = bound;
    o.max_steps = 2000;
    o.count_traces = true; /* both sides must run the same Mazurkiewicz traces */
    oset_clear(&out->out);
    pg_run r = {p, oset_record, &out->out};
    weft_result res = weft_check("random_program", pg_body, &r, &o);
    assert_null(res.error);
    out->v = res.verdict;
    out->executions = res.executions;
    out->pruned = res.pruned;
    out->preemptions = res.preemptions;
    out->traces = res.traces;
    if (res.verdict == WEFT_OK)
        assert_true(res.complete);
    if (res.verdict != WEFT_OK) { /* the token replays the schedule reported (dpor's may be re-ordered) */
        weft_options ro = tu_exhaustive();
        ro.replay = res.replay;
        ro.max_steps = 2000;
        weft_result again = weft_check("random_program", pg_body, &r, &ro);
        assert_null(again.error);
        assert_int_equal(again.verdict, res.verdict);
        assert_int_equal(again.preemptions, res.preemptions);
        weft_result_free(&again);
    }
    weft_result_free(&res);
}

static bool same_set(const oset *a, const oset *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++)
        if (!oset_has(b, a->s[i]))
            return false;
    return true;
}

/* The verdicts a generated program may end with: a blocked task, a panic where pg_can_panic says so, a busy-wait
 * spinning for ever where pg_can_spin does (scripts have no other loop but the cond wait's, which blocks; no
 * ASSERT, no CRASH). */
static bool verdict_possible(const pg_prog *p, weft_verdict v)
{
    return v == WEFT_OK || v == WEFT_DEADLOCK || v == WEFT_LEAK || (v == WEFT_PANIC && pg_can_panic(p)) ||
           (v == WEFT_LIVELOCK && pg_can_spin(p));
}

static void print_only(const char *who, const oset *a, const oset *b)
{
    for (int i = 0; i < a->n; i++)
        if (!oset_has(b, a->s[i]))
            print_error("  only %s: %s\n", who, a->s[i]);
}

static long long nprograms = 2000, first_seed = 1;

/* For every generated program: a bug is found by dpor exactly when dfs finds one, both verdicts are ones the
 * program can have (the first bug found may legitimately differ: the search orders differ), and on clean
 * programs both see exactly the same set of outcomes (what each task observed, and the final memory) and run
 * the same number of Mazurkiewicz traces, and dpor runs each trace once where the clock fires at most once
 * (its fairness orders more than the trace: pg_clock_refires). dpor runs twice:
 * without a bound and with iterative bounding (whose first bug must need the fewest preemptions, those of
 * iterative dfs's, or at most one more, where no task polls). Every disagreement is named (the first 10 with their programs and outcomes) and fails the test at the end. */
/* Built against a dpor that keeps few nodes for later rounds (tests/CMakeLists.txt): its rounds start over. */
#ifdef DPOR_MAX_LIVE
#define SMALL_TREE 1
#else
#define SMALL_TREE 0
#endif

static void dpor_matches_dfs(void **state)
{
    (void)state;
    long long mismatches = 0, clean = 0, buggy = 0, dfs_execs = 0, dpor_execs = 0, dpor_pruned = 0, iter_execs = 0, iter_twice = 0, dfs_traces = 0, outcomes = 0, exact = 0, fewest = 0, nopoll_bugs = 0, by_verdict[WEFT_CRASH + 1] = {0};
    int most = 0;
    long long slowest = 0, slowest_seed = 0; /* the clean program on which dfs ran the most executions */
    static side a, b, c; /* dfs, dpor, dpor with iterative bounding */
    static pg_prog p;
    for (long long seed = first_seed; seed < first_seed + nprograms; seed++) {
        pg_generate(&p, (uint64_t)seed);
        run(&p, WEFT_STRATEGY_DFS, 1000000, &a);
        run(&p, WEFT_STRATEGY_DPOR, 1000000, &b);
        run(&p, WEFT_STRATEGY_DPOR, -1, &c);
        bool bug_a = a.v != WEFT_OK, bug_b = b.v != WEFT_OK, bug_c = c.v != WEFT_OK, poll = pg_can_poll(&p),
             refires = pg_clock_refires(&p);
        const char *why =
            a.out.overflow || b.out.overflow || c.out.overflow
                ? "more than OSET_MAX (" STR(OSET_MAX) ") outcomes, or one longer than OSET_LEN (" STR(OSET_LEN) "): "
                  "raise the cap"
            : bug_a != bug_b || bug_a != bug_c ? "one strategy found a bug, another none"
            : !verdict_possible(&p, a.v) || !verdict_possible(&p, b.v) || !verdict_possible(&p, c.v)
                ? "a verdict this program cannot have"
            : !bug_a && !same_set(&a.out, &b.out)                   ? "different outcome sets"
            : !bug_a && !same_set(&a.out, &c.out)                   ? "different outcome sets (iterative bounding)"
            : !bug_a && (b.traces > a.traces || c.traces > a.traces) ? "dpor ran a trace dfs did not"
            : !bug_a && !refires && b.executions != b.traces ? "dpor ran some trace twice"
                                                                    : NULL;
        if (why && ++mismatches > 10)
            print_error("program %lld: %s\n", seed, why);
        else if (why) {
            print_error("program %lld: %s: dfs %s (%d outcomes, %lld traces), dpor %s (%d outcomes, %lld traces, "
                        "%lld executions), iterative %s (%d outcomes, %lld traces, %lld executions)\n",
                        seed, why, weft_verdict_name(a.v), a.out.n, a.traces, weft_verdict_name(b.v), b.out.n,
                        b.traces, b.executions, weft_verdict_name(c.v), c.out.n, c.traces, c.executions);
            pg_print(&p, stderr);
            print_only("dfs: ", &a.out, &b.out);
            print_only("dpor:", &b.out, &a.out);
        }
        if (why)
            continue;
        if (bug_a && !poll) {
            /* iterative bounding reports a bug with the fewest preemptions any bug needs (iterative dfs's), or,
             * where sleep sets hid the cheapest schedule within its bound, one more (see docs/exploration.md) */
            static side e;
            run(&p, WEFT_STRATEGY_DFS, -1, &e);
            if (c.preemptions < e.preemptions || c.preemptions > e.preemptions + 1) {
                print_error("program %lld: the first bug needs %d preemptions (dfs), dpor reported one with %d\n",
                            seed, e.preemptions, c.preemptions);
                pg_print(&p, stderr);
                mismatches++;
                continue;
            }
            fewest += c.preemptions == e.preemptions;
            nopoll_bugs++;
        }
        if (bug_a) {
            buggy++;
            by_verdict[a.v]++;
        } else {
            clean++;
            dfs_execs += a.executions;
            dpor_execs += b.executions;
            dpor_pruned += b.pruned;
            iter_execs += c.executions;
            /* iterative bounding may run a trace again: sleep sets and a bound do not always mix (docs) */
            iter_twice += !refires ? c.executions - c.traces : 0;
            dfs_traces += a.traces;
            outcomes += a.out.n;
            exact += !refires;
            most = a.out.n > most ? a.out.n : most;
            if (a.executions > slowest)
                slowest = a.executions, slowest_seed = seed;
        }
    }
    print_message("%lld programs: %lld clean (dfs %lld executions, %lld distinct traces, %lld outcomes in all; "
                  "dpor %lld and %lld pruned, with iterative "
                  "bounding %lld; at most %d outcomes; no trace run twice by dpor on the %lld "
                  "on which the clock fires at most once, %lld run again under iterative bounding), %lld with a bug (dfs first found: %lld deadlock, %lld leak, %lld panic, %lld livelock; dpor's first "
                  "with the fewest preemptions on %lld of the %lld without polls, one more on the others); most dfs "
                  "executions: %lld, program %lld\n",
                  nprograms, clean, dfs_execs, dfs_traces, outcomes, dpor_execs, dpor_pruned, iter_execs, most, exact, iter_twice, buggy, by_verdict[WEFT_DEADLOCK],
                  by_verdict[WEFT_LEAK], by_verdict[WEFT_PANIC], by_verdict[WEFT_LIVELOCK], fewest, nopoll_bugs, slowest, slowest_seed);
    if (mismatches) {
        print_error("%lld programs where dpor and dfs disagree (above; the first 10 with their programs)\n",
                    mismatches);
        fail();
    }
}

/* ---- exact counts where the number of Mazurkiewicz traces is known ---------------------------------
 *
 * weft's dependency relation (runtime/footprint.c): two steps are dependent when their footprints share an
 * object (every operation on one mutex, RWMutex, channel, WaitGroup or Once is dependent with every other on
 * the same object, reads included) or a touched address; polls and the clock are dependent on everything.
 * Spawning a task is not a step. When every step of a body is on one object, the steps are totally ordered
 * in every trace, so the traces are the distinct interleavings of the tasks' step sequences. */

static int K;
static weft_mutex *one;
static weft_rwmutex *rwm;
static weft_chan *shared_ch, *priv[8];
static weft_once *once1;
static weft_wg *wg1;
static int shared_cell, private_cell[8];

static void private_chan(int i)
{
    int v = i;
    weft_chan_send(priv[i], &v);
    weft_chan_recv(priv[i], &v);
}

/* N tasks on N private channels: no two steps dependent, one trace. */
static void private_chans(void *arg)
{
    (void)arg;
    for (int i = 0; i < K; i++) {
        priv[i] = weft_chan_make(sizeof(int), 1);
        WEFT_GO(private_chan, i);
    }
}

static void lock_once(void)
{
    weft_mutex_lock(one);
    weft_mutex_unlock(one);
}

/* N tasks each lock and unlock one mutex: a task's unlock follows its lock at once (no other lock is
 * enabled in between), so a trace is an order of the N critical sections: N!. */
static void one_mutex(void *arg)
{
    (void)arg;
    one = weft_mutex_make();
    for (int i = 0; i < K; i++)
        WEFT_GO(lock_once);
}

static void touch_twice(void)
{
    weft_touch(&shared_cell);
    weft_touch(&private_cell[0]);
}

/* N tasks each touch two shared addresses: an order of the first touches times one of the second: (N!)^2. */
static void two_addresses(void *arg)
{
    (void)arg;
    for (int i = 0; i < K; i++)
        WEFT_GO(touch_twice);
}

static void send_one(int i)
{
    weft_chan_send(shared_ch, &i);
}

/* N tasks each send once on one channel of capacity N (no send blocks): the sends are dependent (they
 * enqueue in order), one step each: N!. */
static void buffered_sends(void *arg)
{
    (void)arg;
    shared_ch = weft_chan_make(sizeof(int), (size_t)K);
    for (int i = 0; i < K; i++)
        WEFT_GO(send_one, i);
}

static void read_once(void)
{
    weft_rwmutex_rlock(rwm);
    weft_rwmutex_runlock(rwm);
}

/* N tasks each RLock and RUnlock one RWMutex: read locks never block, but weft takes every step on the
 * RWMutex as dependent, so the traces are the interleavings of N sequences of 2 steps: (2N)! / 2^N. */
static void readers(void *arg)
{
    (void)arg;
    rwm = weft_rwmutex_make();
    for (int i = 0; i < K; i++)
        WEFT_GO(read_once);
}

static void nothing(void *arg)
{
    (void)arg;
}

static void do_once(void)
{
    weft_once_do(once1, nothing, NULL);
}

/* N tasks each call Do on one Once (with a function that has no step): the first caller's entry and return
 * are two steps on the Once, and the others' entries are disabled in between; after it, the N - 1 other
 * entries come in any order: N * (N-1)! = N!. */
static void once_callers(void *arg)
{
    (void)arg;
    once1 = weft_once_make();
    for (int i = 0; i < K; i++)
        WEFT_GO(do_once);
}

static void private_then_shared(int i)
{
    for (int k = 0; k < 3; k++)
        weft_touch(&private_cell[i]);
    weft_touch(&shared_cell);
}

/* N tasks each touch a private address 3 times, then one shared address: only the order of the shared
 * touches matters: N!. */
static void independent_then_shared(void *arg)
{
    (void)arg;
    for (int i = 0; i < K; i++)
        WEFT_GO(private_then_shared, i);
}

static void done_once(void)
{
    weft_wg_done(wg1);
}

/* The body adds N to a WaitGroup, N tasks call Done, the body Waits. Steps on the WaitGroup: the body's Add
 * (first: the tasks are spawned after it), the N Dones, the body's Wait entry, and when the entry comes
 * before the last Done, the Wait's return after the last Done (the only step left then). A trace is an order
 * of the Dones and a position of the Wait entry among them: N! * (N+1) = (N+1)!. */
static void wg_dones(void *arg)
{
    (void)arg;
    wg1 = weft_wg_make();
    weft_wg_add(wg1, K);
    for (int i = 0; i < K; i++)
        WEFT_GO(done_once);
    weft_wg_wait(wg1);
}

/* One producer sends K values over a channel of capacity 2 to the body: one behaviour (a send and a receive
 * that can both go commute; the k-th receive needs the k-th send, the k-th send the (k-2)-th receive). */
static weft_chan *pc;
static void produce(void)
{
    for (int i = 0; i < K; i++)
        weft_chan_send(pc, &i);
    weft_chan_close(pc);
}

static void producer_consumer(void *arg)
{
    (void)arg;
    pc = weft_chan_make(sizeof(int), 2);
    WEFT_GO(produce);
    int v, n = 0;
    while (weft_chan_recv(pc, &v))
        weft_assert(v == n++);
}

/* A 2-stage pipeline passing K values over unbuffered channels, closed at the end: one behaviour. */
static weft_chan *pin, *pout;
static void relay(void)
{
    int v;
    while (weft_chan_recv(pin, &v))
        weft_chan_send(pout, &v);
    weft_chan_close(pout);
}

static void relay_source(void)
{
    for (int i = 0; i < K; i++)
        weft_chan_send(pin, &i);
    weft_chan_close(pin);
}

static void unbuffered_pipeline(void *arg)
{
    (void)arg;
    pin = weft_chan_make(sizeof(int), 0);
    pout = weft_chan_make(sizeof(int), 0);
    WEFT_GO(relay);
    WEFT_GO(relay_source);
    int v, n = 0;
    while (weft_chan_recv(pout, &v))
        weft_assert(v == n++);
}

/* K tasks each sleeping a different duration, joined by a WaitGroup: one behaviour. */
static void sleep_then_done(int i)
{
    weft_sleep((i + 1) * WEFT_MS);
    weft_wg_done(wg1);
}

static void sleepers(void *arg)
{
    (void)arg;
    wg1 = weft_wg_make();
    weft_wg_add(wg1, K);
    for (int i = 0; i < K; i++)
        WEFT_GO(sleep_then_done, i);
    weft_wg_wait(wg1);
}

/* The executions dpor runs on body (complete, clean); none of them may be abandoned part-way (pruned). */
static long long count(void (*body)(void *))
{
    weft_options o = tu_exhaustive();
    o.strategy = WEFT_STRATEGY_DPOR;
    weft_result r = weft_check("count", body, NULL, &o);
    assert_null(r.error);
    assert_int_equal(r.verdict, WEFT_OK);
    assert_true(r.complete);
    long long e = r.executions;
    if (r.pruned)
        print_error("%lld executions pruned\n", r.pruned);
    assert_int_equal(r.pruned, 0);
    weft_result_free(&r);
    return e;
}

static long long fact(int n)
{
    return n <= 1 ? 1 : n * fact(n - 1);
}

static long long one_trace(int n)
{
    (void)n;
    return 1;
}

static long long fact_squared(int n)
{
    return fact(n) * fact(n);
}

static long long identity(int n)
{
    return n;
}

/* Each pattern run by dpor with N = 1 .. maxn tasks (or values) must take exactly traces(N) executions, none
 * pruned. */
static void dpor_exact_counts(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        void (*body)(void *);
        long long (*traces)(int n);
        int maxn;
    } pattern[] = {
        {"private_chans", private_chans, one_trace, 5},
        {"one_mutex", one_mutex, fact, 5},
        {"two_addresses", two_addresses, fact_squared, 5},
        {"buffered_sends", buffered_sends, fact, 5},
        {"readers", readers, one_trace, 5},
        {"once_callers", once_callers, identity, 5},
        {"independent_then_shared", independent_then_shared, fact, 5},
        {"wg_dones", wg_dones, one_trace, 5},
        {"producer_consumer", producer_consumer, one_trace, 6},
        {"unbuffered_pipeline", unbuffered_pipeline, one_trace, 6},
        {"sleepers", sleepers, one_trace, 5},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof pattern / sizeof *pattern; i++)
        for (K = 1; K <= pattern[i].maxn; K++) {
            long long got = count(pattern[i].body), want = pattern[i].traces(K);
            if (got != want)
                print_error("%s, N = %d: dpor ran %lld executions, %lld traces\n", pattern[i].name, K, got, want);
            bad += got != want;
        }
    assert_int_equal(bad, 0);
}

/* ---- the clock's races, minimised from programs the generator found -------------------------------------- */

static int clock_cell;

/* A timer stopped right after it was made: the clock may fire it first (stop returns false). dpor once missed
 * that the stop disabled the clock's move. */
static void stop_after_make(void *arg)
{
    (void)arg;
    weft_timer *t = weft_timer_make(2 * WEFT_MS);
    tu_begin();
    tu_emit("%d", weft_timer_stop(t));
    tu_record();
}

static void touch_after_timer_done(weft_wg *wg)
{
    weft_touch(&shared_cell);
    weft_chan_recv(weft_after(WEFT_MS), NULL);
    weft_touch(&clock_cell);
    clock_cell = clock_cell * 10 + 7;
    weft_wg_done(wg);
}

/* The body's touch may come before or after task 1's, which waits for a timer that task 1 armed after another
 * step: dpor once took the arming step for the clock's latest race and never reversed the earlier one. */
static void race_through_clock(void *arg)
{
    (void)arg;
    clock_cell = 0;
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, 1);
    WEFT_GO(touch_after_timer_done, wg);
    weft_touch(&clock_cell);
    clock_cell = clock_cell * 10 + 5;
    weft_wg_wait(wg);
    tu_begin();
    tu_emit("%d", clock_cell);
    tu_record();
}

static weft_chan *tokens;
static int64_t took_at;

static void refill_three(weft_wg *wg)
{
    weft_ticker *t = weft_ticker_make(10 * WEFT_MS);
    for (int i = 0; i < 3; i++) {
        int one = 1;
        weft_chan_recv(weft_ticker_chan(t), NULL);
        weft_chan_send(tokens, &one);
    }
    weft_ticker_stop(t);
    weft_wg_done(wg);
}

static void take_one(weft_wg *wg)
{
    int v;
    weft_chan_recv(tokens, &v);
    took_at = weft_now();
    weft_wg_done(wg);
}

/* A ticker refills a buffer three times while a taker takes one token and reads the time: the taker can read
 * it at 10, 20, 30 or 40 ms (the clock fires a fourth time before the ticker is stopped). The first token lets
 * the taker move; the next firing is free, and it owes each later one a step (credit.c). Its receive commutes
 * with the clock's steps, but what it owes depends on whether the send that let it move came before a
 * firing or after: dpor explores both orders (it once missed 40 ms). */
static void held_by_a_taker(void *arg)
{
    (void)arg;
    tokens = weft_chan_make(sizeof(int), 8);
    took_at = -1;
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, 2);
    WEFT_GO(refill_three, wg);
    WEFT_GO(take_one, wg);
    weft_wg_wait(wg);
    tu_begin();
    tu_emit("%lld", (long long)(took_at / WEFT_MS));
    tu_record();
}

static int64_t armed_fired;

static void fire_noop(void *arg)
{
    (void)arg;
}

static void touch_then_arm(weft_wg *wg)
{
    weft_touch(&shared_cell);
    weft_touch(&shared_cell);
    weft_chan_recv(weft_after(WEFT_MS), &armed_fired);
    weft_wg_done(wg);
}

/* Task 1 touches twice, then arms a 1 ms timer: its timer fires at 1 ms, or at 3 ms when the body's 2 ms timer
 * fired first. The arming is part of the second touch's step (the step runs on to the next operation), not of
 * the touch's pending footprint: dpor once put task 1 to sleep in the clock's branch, as if its step commuted
 * with the firing, and never saw 3 ms (sleepers keep the keys their step gained: dnode.amk). */
static void arm_after_touch(void *arg)
{
    (void)arg;
    armed_fired = -1;
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, 1);
    weft_after_func(2 * WEFT_MS, fire_noop, NULL);
    WEFT_GO(touch_then_arm, wg);
    weft_wg_wait(wg);
    tu_begin();
    tu_emit("%lld", (long long)(armed_fired / WEFT_MS));
    tu_record();
}

static weft_mutex *held_mu;
static char reset_seen;
static int64_t reset_fired;

static void reset_and_wait(weft_wg *wg)
{
    weft_timer *tm = weft_timer_make(WEFT_MS);
    reset_seen = weft_timer_reset(tm, 2 * WEFT_MS) ? 'R' : 'r';
    weft_chan_recv(weft_timer_chan(tm), &reset_fired);
    weft_wg_done(wg);
}

/* The body locks, unlocks, then waits 2 ms; task 1 resets its 1 ms timer to 2 ms (too late when it fired) and
 * receives from it. The body's wait ends at 5 ms only when it arms after the reset timer's 3 ms firing; the
 * body owes each firing a step (credit.c), so its lock has to come after the 1 ms firing, and its unlock
 * (which arms) after the 3 ms one: the firings come after the body's steps that paid for them, and dpor once
 * reversed the unlock with the firing where that was impossible and missed 5 ms. */
static void held_at_the_step(void *arg)
{
    (void)arg;
    held_mu = weft_mutex_make();
    reset_seen = '-';
    reset_fired = -1;
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, 1);
    WEFT_GO(reset_and_wait, wg);
    weft_mutex_lock(held_mu);
    weft_mutex_unlock(held_mu);
    int64_t mine;
    weft_chan_recv(weft_after(2 * WEFT_MS), &mine);
    weft_wg_wait(wg);
    tu_begin();
    tu_emit("%lld %c%lld", (long long)(mine / WEFT_MS), reset_seen, (long long)(reset_fired / WEFT_MS));
    tu_record();
}

static weft_rwmutex *across_rw;
static char across_try;

static void two_ticks_then_try(weft_wg *wg)
{
    weft_ticker *k = weft_ticker_make(WEFT_MS);
    weft_chan_recv(weft_ticker_chan(k), NULL);
    weft_chan_recv(weft_ticker_chan(k), NULL);
    weft_ticker_stop(k);
    across_try = weft_rwmutex_trylock(across_rw) ? 'T' : 'F';
    if (across_try == 'T')
        weft_rwmutex_unlock(across_rw);
    weft_wg_done(wg);
}

/* The body takes and releases a read lock while task 1 waits for two ticks and then tries the write lock: it
 * fails when the read lock is held across both ticks. The body owes the second tick a step, its read lock
 * (credit.c), which has to come after the first tick; reversing the body's unlock with task 1's try runs both
 * ticks first, so the read lock is reversed with the first tick too (dpor once missed 'F'). */
static void held_across_two_ticks(void *arg)
{
    (void)arg;
    across_rw = weft_rwmutex_make();
    across_try = '-';
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, 1);
    WEFT_GO(two_ticks_then_try, wg);
    weft_rwmutex_rlock(across_rw);
    weft_rwmutex_runlock(across_rw);
    weft_wg_wait(wg);
    tu_begin();
    tu_emit("%c", across_try);
    tu_record();
}

static void clock_races(void **state)
{
    (void)state;
    void (*bodies[])(void *) = {stop_after_make, race_through_clock, held_by_a_taker, arm_after_touch,
                                held_at_the_step, held_across_two_ticks};
    const char *const want[][8] = {{"0", "1", NULL},
                                   {"57", "75", NULL},
                                   {"10", "20", "30", "40", NULL},
                                   {"1", "3", NULL},
                                   {"2 R2", "4 R2", "2 r1", "3 r1", "5 r1", NULL},
                                   {"T", "F", NULL}};
    for (int b = 0; b < 6; b++) {
        weft_strategy strategies[] = {WEFT_STRATEGY_DFS, WEFT_STRATEGY_DPOR};
        for (int k = 0; k < 2; k++) {
            weft_options o = tu_exhaustive();
            o.strategy = strategies[k];
            tu_reset();
            weft_result r = weft_check("clock", bodies[b], NULL, &o);
            assert_int_equal(r.verdict, WEFT_OK);
            assert_true(r.complete);
            assert_true(tu_set_equals(want[b]));
            weft_result_free(&r);
        }
    }
}

/* ---- the first bug's preemptions ------------------------------------------------------------------ */

static weft_chan *late_ch, *late_len;
static weft_wg *late_wg;

static void late_sender(void *arg)
{
    (void)arg;
    weft_chan_send(late_ch, NULL);
    weft_wg_done(late_wg);
}

static void late_receiver(void *arg)
{
    (void)arg;
    (void)weft_choose(2);
    (void)weft_chan_len(late_len);
    weft_chan_recv(late_ch, NULL);
    weft_wg_done(late_wg);
}

/* The body waits 1 ms and closes a channel another task sends on (a PANIC once it closes first); a third task
 * receives from it after a choice and a len. The clock can fire before either task starts: no preemption.
 * dpor's first PANIC fired it after the third task's len (2: the clock, and the body it woke), and the greedy
 * re-runs never moved the clock back (the differential test's seed 77944); a cheap clock event goes first. */
static void close_after_a_timer(void *arg)
{
    (void)arg;
    late_ch = weft_chan_make(0, 0);
    late_len = weft_chan_make(0, 1);
    late_wg = weft_wg_make();
    weft_wg_add(late_wg, 2);
    WEFT_GO(late_sender, NULL);
    WEFT_GO(late_receiver, NULL);
    weft_chan_recv(weft_after(WEFT_MS), NULL);
    weft_chan_close(late_ch);
    weft_wg_wait(late_wg);
}

static void first_bug_with_the_clock_needs_no_preemption(void **state)
{
    (void)state;
    weft_strategy strategies[] = {WEFT_STRATEGY_DFS, WEFT_STRATEGY_DPOR};
    for (int k = 0; k < 2; k++) {
        weft_options o = tu_exhaustive();
        o.strategy = strategies[k];
        o.max_preemptions = -1;
        weft_result r = weft_check("late_close", close_after_a_timer, NULL, &o);
        assert_int_equal(r.verdict, WEFT_PANIC);
        assert_int_equal(r.preemptions, 0);
        weft_result_free(&r);
    }
}

static weft_mutex *forks[8];
static weft_wg *dinner;

static void philosopher(int i)
{
    weft_mutex_lock(forks[i]);
    weft_mutex_lock(forks[(i + 1) % K]);
    weft_mutex_unlock(forks[(i + 1) % K]);
    weft_mutex_unlock(forks[i]);
    weft_wg_done(dinner);
}

/* K philosophers each take the left fork, then the right: the body is philosopher 0 and spawns the others
 * last to first. Every philosopher holding its left fork deadlocks; that needs one preemption (the body,
 * after its left fork, switched for philosopher K - 1, who then blocks on the body's fork; each next one
 * blocks on the fork of the one before), but dpor's search reaches it through orders that preempt each
 * philosopher in turn (K - 1 preemptions): each reversal puts the next philosopher inside the run of the one
 * before, where it could as well have gone before that run (nothing it does depends on it). */
static void deadlock_prone(void *arg)
{
    (void)arg;
    dinner = weft_wg_make();
    for (int i = 0; i < K; i++)
        forks[i] = weft_mutex_make();
    weft_wg_add(dinner, K - 1);
    for (int i = K - 1; i > 0; i--)
        WEFT_GO(philosopher, i);
    weft_mutex_lock(forks[0]);
    weft_mutex_lock(forks[1]);
    weft_mutex_unlock(forks[1]);
    weft_mutex_unlock(forks[0]);
    weft_wg_wait(dinner);
}

/* Iterative bounding under dpor finds the deadlock in the round of the preemptions it needs (one: the bound
 * counts a branch at the cost of the earliest state it could have begun at), within the first half of the
 * 2^K - 2 behaviours, reports it with one preemption, and its token replays that schedule. */
static void first_deadlock_needs_one_preemption(void **state)
{
    (void)state;
    for (K = 3; K <= 8; K++) {
        weft_options o = tu_exhaustive();
        o.strategy = WEFT_STRATEGY_DPOR;
        o.max_preemptions = -1;
        weft_result r = weft_check("philosophers", deadlock_prone, NULL, &o);
        assert_int_equal(r.verdict, WEFT_DEADLOCK);
        assert_int_equal(r.preemptions, 1);
        assert_int_equal(r.bound, 1); /* the round it was found in (K - 1 when the bound counted dpor's order) */
        assert_true(r.executions <= 1 << (K - 1));
        assert_contains(r.report, "1 preemption");
        weft_options ro = tu_exhaustive();
        ro.replay = r.replay;
        weft_result again = weft_check("philosophers", deadlock_prone, NULL, &ro);
        assert_null(again.error);
        assert_int_equal(again.verdict, WEFT_DEADLOCK);
        assert_int_equal(again.preemptions, 1);
        weft_result_free(&again);
        weft_result_free(&r);
    }
}

static weft_mutex *lock_a, *lock_b;
static int abba_runs, abba_bug_run;

static void lock_ba(void)
{
    weft_mutex_lock(lock_b);
    weft_mutex_lock(lock_a);
    weft_mutex_unlock(lock_a);
    weft_mutex_unlock(lock_b);
}

/* ABBA, but from the run after the one where it deadlocked on, the body returns at once (a static the test
 * does not reset): the bug's re-ordered runs do not run the same way. */
static void abba_once(void *arg)
{
    (void)arg;
    if (abba_bug_run && ++abba_runs > abba_bug_run)
        return;
    lock_a = weft_mutex_make();
    lock_b = weft_mutex_make();
    WEFT_GO(lock_ba);
    weft_mutex_lock(lock_a);
    weft_mutex_lock(lock_b);
    weft_mutex_unlock(lock_b);
    weft_mutex_unlock(lock_a);
}

/* The report of the bug found stands when the body does not run the same way again afterwards. */
static void bug_kept_when_body_changes_after(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.strategy = WEFT_STRATEGY_DPOR;
    o.max_preemptions = -1;
    abba_bug_run = abba_runs = 0;
    weft_result r = weft_check("abba", abba_once, NULL, &o);
    assert_int_equal(r.verdict, WEFT_DEADLOCK);
    assert_true(r.preemptions > 0); /* so the re-ordered runs are tried */
    abba_bug_run = (int)r.executions;
    abba_runs = 0;
    weft_result_free(&r);
    r = weft_check("abba", abba_once, NULL, &o);
    assert_null(r.error);
    assert_int_equal(r.verdict, WEFT_DEADLOCK);
    assert_non_null(r.report);
    assert_contains(r.report, "DEADLOCK in abba");
    weft_result_free(&r);
}

/* ---- the trail restores what a replay builds ------------------------------------------------------ */

/* An execution that replays a prefix of the previous one restores the race analysis's tables from the trail
 * (checker/trail.c); with WEFT_NO_TRAIL every replay builds them again. Both must explore alike: the same
 * executions, pruned ones, verdict, preemptions and outcomes, with a fixed bound and with iterative bounding,
 * on programs without timers and with them. */
static void trail_restores_what_replay_builds(void **state)
{
    (void)state;
    static side a, b;
    static pg_prog p;
    bool timers = pg_timers;
    long long compared = 0, executions = 0;
    for (int t = 0; t < 2; t++) {
        pg_timers = t == 1;
        for (long long seed = first_seed; seed < first_seed + 300; seed++) {
            pg_generate(&p, (uint64_t)seed);
            for (int bound = -1; bound <= 1000000; bound += 1000001) {
                run(&p, WEFT_STRATEGY_DPOR, bound, &a);
                assert_int_equal(setenv("WEFT_NO_TRAIL", "1", 1), 0);
                run(&p, WEFT_STRATEGY_DPOR, bound, &b);
                assert_int_equal(unsetenv("WEFT_NO_TRAIL"), 0);
                if (a.executions != b.executions || a.pruned != b.pruned || a.v != b.v ||
                    a.preemptions != b.preemptions || !same_set(&a.out, &b.out))
                    fail_msg("program %lld (%s, bound %d): with the trail %s, %lld executions, %lld pruned, %d "
                             "outcomes; without %s, %lld, %lld, %d",
                             seed, pg_timers ? "timers" : "no timers", bound, weft_verdict_name(a.v), a.executions,
                             a.pruned, a.out.n, weft_verdict_name(b.v), b.executions, b.pruned, b.out.n);
                compared++;
                executions += a.executions;
            }
        }
    }
    pg_timers = timers;
    print_message("%lld checks compared, %lld executions each way\n", compared, executions);
}

static int usage(const char *prog)
{
    fprintf(stderr, "usage: %s [--long] [--programs N] [--first SEED] [--print SEED] [--timers]\n"
                    "  default: 2000 programs (env WEFT_DPOR_PROGRAMS=N), --long: 100000; --timers: programs also\n"
                    "  use timers (see progen.h)\n", prog);
    return 2;
}

/* A positive number from s, or -1. */
static long long number(const char *s)
{
    char *end;
    long long v = s ? strtoll(s, &end, 10) : -1;
    return s && *s && !*end && v > 0 ? v : -1;
}

int main(int argc, char **argv)
{
    const char *env = getenv("WEFT_DPOR_PROGRAMS");
    long long print_seed = 0;
    if (env && (nprograms = number(env)) < 0)
        return usage(argv[0]);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--long"))
            nprograms = 100000;
        else if (!strcmp(argv[i], "--timers"))
            pg_timers = true;
        else if (!strcmp(argv[i], "--programs") && i + 1 < argc)
            nprograms = number(argv[++i]);
        else if (!strcmp(argv[i], "--first") && i + 1 < argc)
            first_seed = number(argv[++i]);
        else if (!strcmp(argv[i], "--print") && i + 1 < argc) {
            if ((print_seed = number(argv[++i])) < 0)
                return usage(argv[0]);
        } else
            return usage(argv[0]);
        if (nprograms < 0 || first_seed < 0)
            return usage(argv[0]);
    }
    if (print_seed > 0) {
        pg_prog p;
        pg_generate(&p, (uint64_t)print_seed);
        pg_print(&p, stdout);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dpor_exact_counts),
        cmocka_unit_test(dpor_matches_dfs),
        cmocka_unit_test(clock_races),
        cmocka_unit_test(first_deadlock_needs_one_preemption),
        cmocka_unit_test(first_bug_with_the_clock_needs_no_preemption),
        cmocka_unit_test(bug_kept_when_body_changes_after),
        cmocka_unit_test(trail_restores_what_replay_builds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
