/* test_dpor.c: dpor against dfs on random small programs (same outcomes), and exact execution counts. */
#include "testutil.h"

/* ---- a random program: each task runs a script of operations on a few shared objects ------------ */

enum op { OP_LOCK, OP_UNLOCK, OP_SEND, OP_RECV, OP_TOUCH, OP_SELECT, OP_SELECT_DEFAULT, OP_CLOSE, OP_YIELD,
          OP_TRYLOCK, OP_LEN, OP_CHOOSE, OP_COUNT };

#define NTASK 3   /* the body and two tasks */
#define MAXOPS 4
#define NOBJ 2

typedef struct prog {
    int nops[NTASK];
    int op[NTASK][MAXOPS];
    int obj[NTASK][MAXOPS];
    int cap[NOBJ];     /* channel capacities */
} prog;

static prog P;                   /* the program under test (set before each check) */
static weft_mutex *mu[NOBJ];
static weft_chan *ch[NOBJ];
static int cell[NOBJ];
static weft_wg *wg;
static char logs[NTASK][64];

static uint64_t rng;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* A random program from seed: locks come in lock/unlock pairs on one task (held across one op at most). */
static void generate(uint64_t seed)
{
    rng = seed * 0x9E3779B97F4A7C15ull + 1;
    memset(&P, 0, sizeof P);
    for (int o = 0; o < NOBJ; o++)
        P.cap[o] = (int)rnd(2);
    for (int t = 0; t < NTASK; t++) {
        int n = 1 + (int)rnd(MAXOPS - 1);
        int k = 0;
        while (k < n) {
            int op = (int)rnd(OP_COUNT);
            int obj = (int)rnd(NOBJ);
            if (op == OP_UNLOCK)
                op = OP_TOUCH;
            if (op == OP_LOCK) {
                if (k + 2 > MAXOPS)
                    continue;
                P.op[t][k] = OP_LOCK;
                P.obj[t][k++] = obj;
                if (k < n && rnd(2)) {
                    int mid = (int)rnd(3);
                    P.op[t][k] = mid == 0 ? OP_TOUCH : mid == 1 ? OP_SEND : OP_RECV;
                    P.obj[t][k++] = (int)rnd(NOBJ);
                }
                if (k >= MAXOPS)
                    k = MAXOPS - 1;
                P.op[t][k] = OP_UNLOCK;
                P.obj[t][k++] = obj;
                if (k > n)
                    n = k;
                continue;
            }
            P.op[t][k] = op;
            P.obj[t][k++] = obj;
        }
        P.nops[t] = n;
    }
}

static void logc(int t, char c)
{
    size_t n = strlen(logs[t]);
    if (n + 1 < sizeof logs[t]) {
        logs[t][n] = c;
        logs[t][n + 1] = 0;
    }
}

static void run_script(int t)
{
    for (int k = 0; k < P.nops[t]; k++) {
        int o = P.obj[t][k];
        int v = 10 * t + k;
        switch (P.op[t][k]) {
        case OP_LOCK:
            weft_mutex_lock(mu[o]);
            break;
        case OP_UNLOCK:
            weft_mutex_unlock(mu[o]);
            break;
        case OP_SEND:
            weft_chan_send(ch[o], &v);
            break;
        case OP_RECV: {
            int got = -1;
            bool ok = weft_chan_recv(ch[o], &got);
            logc(t, ok ? (char)('a' + got % 26) : '!');
            break;
        }
        case OP_TOUCH:
            weft_touch(&cell[o]);
            cell[o] = cell[o] * 3 + t + 1;
            break;
        case OP_SELECT:
        case OP_SELECT_DEFAULT: {
            int got = -1;
            weft_case cs[] = {WEFT_RECV(ch[o], &got, NULL), WEFT_SEND(ch[1 - o], &v)};
            int i = P.op[t][k] == OP_SELECT ? weft_select(cs, 2) : weft_select_default(cs, 2);
            logc(t, (char)('0' + (i + 1)));
            if (i == 0)
                logc(t, (char)('a' + (got < 0 ? 25 : got % 26)));
            break;
        }
        case OP_CLOSE:
            weft_chan_close(ch[o]);
            break;
        case OP_YIELD:
            weft_yield();
            break;
        case OP_TRYLOCK:
            if (weft_mutex_trylock(mu[o])) {
                logc(t, 'T');
                weft_mutex_unlock(mu[o]);
            } else {
                logc(t, 'F');
            }
            break;
        case OP_LEN:
            logc(t, (char)('0' + (int)weft_chan_len(ch[o])));
            break;
        case OP_CHOOSE:
            logc(t, (char)('A' + weft_choose(2)));
            break;
        }
    }
}

static void task(int t)
{
    run_script(t);
    weft_wg_done(wg);
}

static void program(void *arg)
{
    (void)arg;
    memset(logs, 0, sizeof logs);
    memset(cell, 0, sizeof cell);
    for (int o = 0; o < NOBJ; o++) {
        mu[o] = weft_mutex_make();
        ch[o] = weft_chan_make(sizeof(int), (size_t)P.cap[o]);
    }
    wg = weft_wg_make();
    weft_wg_add(wg, NTASK - 1);
    for (int t = 1; t < NTASK; t++)
        WEFT_GO(task, t);
    run_script(0);
    weft_wg_wait(wg);
    tu_begin();
    for (int t = 0; t < NTASK; t++)
        tu_emit("%s|", logs[t]);
    tu_emit("%d,%d", cell[0], cell[1]);
    tu_record();
}

/* The outcome set and verdict of one strategy on the current program. */
typedef struct outcome {
    weft_verdict v;
    int n;
    char set[TU_SET_MAX][TU_OUT_MAX];
    long long executions;
} outcome;

static void run(weft_strategy s, outcome *out)
{
    weft_options o = tu_exhaustive();
    o.strategy = s;
    o.max_steps = 2000;
    tu_reset();
    weft_result r = weft_check("random_program", program, NULL, &o);
    assert_null(r.error);
    out->v = r.verdict;
    out->executions = r.executions;
    if (r.verdict == WEFT_OK)
        assert_true(r.complete);
    out->n = tu_nset;
    for (int i = 0; i < tu_nset; i++)
        strcpy(out->set[i], tu_set[i]);
    weft_result_free(&r);
}

static bool same_set(const outcome *a, const outcome *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++) {
        bool found = false;
        for (int j = 0; j < b->n; j++)
            found |= !strcmp(a->set[i], b->set[j]);
        if (!found)
            return false;
    }
    return true;
}

static long long programs(void)
{
    const char *s = getenv("WEFT_DPOR_PROGRAMS");
    return s ? atoll(s) : 2000;
}

/* For every generated program: a bug is found by dpor exactly when dfs finds one, and on clean programs
 * both see exactly the same set of outcomes (what each task observed, and the final memory). */
static void dpor_matches_dfs(void **state)
{
    (void)state;
    long long n = programs(), clean = 0, buggy = 0, dfs_execs = 0, dpor_execs = 0;
    static outcome a, b;
    for (long long seed = 1; seed <= n; seed++) {
        generate((uint64_t)seed);
        run(WEFT_STRATEGY_DFS, &a);
        run(WEFT_STRATEGY_DPOR, &b);
        bool bug_a = a.v != WEFT_OK, bug_b = b.v != WEFT_OK;
        if (bug_a != bug_b || (!bug_a && !same_set(&a, &b))) {
            print_error("program %lld: dfs %s (%d outcomes), dpor %s (%d outcomes)\n", seed, weft_verdict_name(a.v),
                        a.n, weft_verdict_name(b.v), b.n);
            for (int i = 0; i < a.n; i++)
                print_error("  dfs:  %s\n", a.set[i]);
            for (int i = 0; i < b.n; i++)
                print_error("  dpor: %s\n", b.set[i]);
            fail();
        }
        if (bug_a)
            buggy++;
        else {
            clean++;
            dfs_execs += a.executions;
            dpor_execs += b.executions;
        }
    }
    print_message("%lld programs: %lld clean (dfs %lld executions, dpor %lld), %lld with a bug\n", n, clean,
                  dfs_execs, dpor_execs, buggy);
}

/* ---- exact counts where the number of Mazurkiewicz traces is known ---------------------------- */

static int K;
static weft_mutex *one;
static weft_chan *priv[8];

static void private_chan(int i)
{
    int v = i;
    weft_chan_send(priv[i], &v);
    weft_chan_recv(priv[i], &v);
}

static void private_chans(void *arg)
{
    (void)arg;
    for (int i = 0; i < K; i++) {
        priv[i] = weft_chan_make(sizeof(int), 1);
        WEFT_GO(private_chan, i);
    }
}

static void lock_once(int i)
{
    (void)i;
    weft_mutex_lock(one);
    weft_mutex_unlock(one);
}

static void one_mutex(void *arg)
{
    (void)arg;
    one = weft_mutex_make();
    for (int i = 0; i < K; i++)
        WEFT_GO(lock_once, i);
}

static int shared_cell;
static void touch_twice(int i)
{
    (void)i;
    weft_touch(&shared_cell);
    weft_touch(&cell[0]);
}

static void two_addresses(void *arg)
{
    (void)arg;
    for (int i = 0; i < K; i++)
        WEFT_GO(touch_twice, i);
}

static long long count(void (*body)(void *))
{
    weft_options o = tu_exhaustive();
    o.strategy = WEFT_STRATEGY_DPOR;
    weft_result r = weft_check("count", body, NULL, &o);
    assert_null(r.error);
    assert_int_equal(r.verdict, WEFT_OK);
    assert_true(r.complete);
    long long e = r.executions;
    weft_result_free(&r);
    return e;
}

static void dpor_exact_counts(void **state)
{
    (void)state;
    static const long long fact[] = {1, 1, 2, 6, 24, 120, 720};
    for (K = 1; K <= 5; K++) {
        assert_int_equal(count(private_chans), 1); /* N tasks on N private channels: one trace */
        assert_int_equal(count(one_mutex), fact[K]); /* N tasks locking one mutex once: N! */
        /* N tasks each touching two shared addresses: the orders of the first touches times those of the
         * second, (N!)^2 traces */
        assert_int_equal(count(two_addresses), fact[K] * fact[K]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dpor_exact_counts),
        cmocka_unit_test(dpor_matches_dfs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
