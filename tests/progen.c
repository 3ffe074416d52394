/* progen.c: random small weft programs over every primitive, deterministic from a seed, run as a test body. */
#include "progen.h"

#include <string.h>

/* ---- generation ---------------------------------------------------------------------------------- */

/* Families of operations: a program draws its operations from a few of them, so that each family meets the
 * others in small programs and no program is a long tangle of everything. */
enum { F_MEM, F_MUTEX, F_CHAN, F_RW, F_WG, F_ONCE, F_COND, F_TIME, F_COUNT };

/* The operations a script may draw: family, the operation closing them (-1: none), and a weight: roughly
 * the visible steps they take with their closer (a poll, a choice or a timer counts more: it branches more). */
static const struct {
    int op, family, closer, weight;
} drawable[] = {
    {PG_TOUCH, F_MEM, -1, 1},          {PG_YIELD, F_MEM, -1, 2},          {PG_CHOOSE, F_MEM, -1, 2},
    {PG_LOCK, F_MUTEX, PG_UNLOCK, 2},  {PG_TRYLOCK, F_MUTEX, -1, 2},      {PG_SEND, F_CHAN, -1, 1},
    {PG_RECV, F_CHAN, -1, 1},          {PG_CLOSE, F_CHAN, -1, 1},         {PG_LEN, F_CHAN, -1, 1},
    {PG_SELECT, F_CHAN, -1, 1},        {PG_SELECT_DEFAULT, F_CHAN, -1, 2}, {PG_RLOCK, F_RW, PG_RUNLOCK, 2},
    {PG_WLOCK, F_RW, PG_WUNLOCK, 2},   {PG_RWTRY, F_RW, -1, 2},           {PG_WG_ADD, F_WG, PG_WG_DONE, 2},
    {PG_WG_DONE, F_WG, -1, 1},         {PG_WG_WAIT, F_WG, -1, 2},         {PG_ONCE, F_ONCE, -1, 3},
    {PG_COND_WAIT, F_COND, -1, 4},     {PG_COND_SIGNAL, F_COND, -1, 3},   {PG_COND_BROADCAST, F_COND, -1, 3},
    {PG_AFTER, F_TIME, -1, 3},         {PG_TIMER_STOP, F_TIME, -1, 3},    {PG_TIMER_RESET, F_TIME, -1, 4},
    {PG_SLEEP, F_TIME, -1, 3},         {PG_AFTER_FUNC, F_TIME, -1, 4},    {PG_SELECT_TIMEOUT, F_TIME, -1, 3},
    {PG_TICKER, F_TIME, -1, 4},
    {PG_SPIN_RECV, F_CHAN, -1, 3},     {PG_SPIN_LEN, F_CHAN, -1, 3},      {PG_SPIN_FLAG, F_MUTEX, -1, 3},
    {PG_SET_FLAG, F_MUTEX, -1, 2},
};
#define NDRAWABLE ((int)(sizeof drawable / sizeof *drawable))

bool pg_timers = false;

/* Timer operations per program: the clock may fire at every scheduling point while a timer is pending, so
 * each one multiplies dfs's executions. */
#define MAX_TIME_OPS 2
/* Ticks a PG_TICKER receives before it stops the ticker (the clock may fire it again before the stop). */
#define PG_TICKS 2
#define MAX_CHOOSE 2 /* weft_choose calls per program (each doubles the executions) */
#define MAX_WEIGHT 9 /* total weight of a program's operations: bounds dfs's executions */

static uint64_t rng;

/* A pseudo-random number in [0, n) (xorshift64: the same sequence everywhere). */
static int rnd(int n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (int)(rng % (uint64_t)n);
}

/* Append op on obj to task t's script. */
static void put(pg_prog *p, int t, int op, int obj)
{
    if (op == PG_SPIN_LEN && p->cap[obj] == 0) /* an unbuffered channel's len is always 0 */
        op = PG_LEN;
    p->op[t][p->nops[t]] = op;
    p->obj[t][p->nops[t]++] = obj;
}

/* Random programs: each task's script has 1 to PG_MAXOPS operations drawn from the program's families;
 * an operation with a closer (lock, rlock, wlock, wg add) is followed by at most one other simple operation
 * and then its closer on the same object, so every script releases what it takes; at most MAX_TIME_OPS
 * timer operations and MAX_CHOOSE weft_choose calls in all, at most one weft_after_func (see await_timer),
 * and a total weight of at most MAX_WEIGHT (a script may end early, or be empty, when it is spent). */
void pg_generate(pg_prog *p, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    p->seed = seed;
    rng = seed * 0x9E3779B97F4A7C15ull + 1;
    for (int i = 0; i < 4; i++)
        rnd(2);
    for (int o = 0; o < PG_NOBJ; o++)
        p->cap[o] = rnd(3);
    unsigned families = 1u << F_MEM;
    while (families == 1u << F_MEM)
        for (int f = F_MEM + 1; f < F_COUNT - !pg_timers; f++)
            if (rnd(3) == 0)
                families |= 1u << f;
    int pool[NDRAWABLE], npool = 0, simple[NDRAWABLE], nsimple = 0;
    for (int i = 0; i < NDRAWABLE; i++)
        if (families & (1u << drawable[i].family)) {
            pool[npool++] = i;
            if (drawable[i].closer < 0)
                simple[nsimple++] = i;
        }
    int ntime = 0, nchoose = 0, weight = 0;
    for (int t = 0; t < PG_NTASK; t++) {
        int n = 1 + rnd(PG_MAXOPS);
        while (p->nops[t] < n && weight < MAX_WEIGHT) {
            int d = pool[rnd(npool)], obj = rnd(PG_NOBJ);
            if (weight + drawable[d].weight > MAX_WEIGHT ||
                ((drawable[d].family == F_TIME && ntime == MAX_TIME_OPS) ||
                (drawable[d].op == PG_CHOOSE && nchoose == MAX_CHOOSE) ||
                (drawable[d].op == PG_AFTER_FUNC && p->nafter_func == 1)))
                continue;
            weight += drawable[d].weight;
            ntime += drawable[d].family == F_TIME;
            nchoose += drawable[d].op == PG_CHOOSE;
            p->nafter_func += drawable[d].op == PG_AFTER_FUNC;
            if (drawable[d].closer < 0) {
                put(p, t, drawable[d].op, obj);
                continue;
            }
            if (p->nops[t] + 2 > PG_MAXOPS)
                continue;
            put(p, t, drawable[d].op, obj);
            if (p->nops[t] + 2 <= n && rnd(2)) {
                int m = simple[rnd(nsimple)];
                if (weight + drawable[m].weight <= MAX_WEIGHT && drawable[m].family != F_TIME &&
                    drawable[m].op != PG_CHOOSE) {
                    weight += drawable[m].weight;
                    put(p, t, drawable[m].op, rnd(PG_NOBJ));
                }
            }
            put(p, t, drawable[d].closer, obj);
        }
    }
    /* standalone wg2 dones and after_func functions, counted for the body */
    for (int t = 0; t < PG_NTASK; t++)
        for (int k = 0, open = 0; k < p->nops[t]; k++) {
            if (p->op[t][k] == PG_WG_ADD)
                open++;
            else if (p->op[t][k] == PG_WG_DONE && open > 0)
                open--;
            else if (p->op[t][k] == PG_WG_DONE)
                p->wg2_pre++;
        }
}

static const char *const op_names[PG_OP_COUNT] = {
    [PG_TOUCH] = "touch",         [PG_YIELD] = "yield",
    [PG_CHOOSE] = "choose",       [PG_LOCK] = "lock",
    [PG_UNLOCK] = "unlock",       [PG_TRYLOCK] = "trylock",
    [PG_SEND] = "send",           [PG_RECV] = "recv",
    [PG_CLOSE] = "close",         [PG_LEN] = "len",
    [PG_SELECT] = "select",       [PG_SELECT_DEFAULT] = "select_default",
    [PG_RLOCK] = "rlock",         [PG_RUNLOCK] = "runlock",
    [PG_WLOCK] = "wlock",         [PG_WUNLOCK] = "wunlock",
    [PG_RWTRY] = "rwtry",         [PG_WG_ADD] = "wg_add",
    [PG_WG_DONE] = "wg_done",     [PG_WG_WAIT] = "wg_wait",
    [PG_ONCE] = "once",           [PG_COND_WAIT] = "cond_wait",
    [PG_COND_SIGNAL] = "cond_signal", [PG_COND_BROADCAST] = "cond_broadcast",
    [PG_AFTER] = "after",         [PG_TIMER_STOP] = "timer_stop",
    [PG_TIMER_RESET] = "timer_reset", [PG_SLEEP] = "sleep",
    [PG_AFTER_FUNC] = "after_func", [PG_SELECT_TIMEOUT] = "select_timeout", [PG_TICKER] = "ticker",
    [PG_SPIN_RECV] = "spin_recv",   [PG_SPIN_LEN] = "spin_len",
    [PG_SPIN_FLAG] = "spin_flag",   [PG_SET_FLAG] = "set_flag",
};

void pg_print(const pg_prog *p, FILE *f)
{
    fprintf(f, "  seed %llu: channel capacities %d %d; wg2 pre-added %d; after_func %d\n",
            (unsigned long long)p->seed, p->cap[0], p->cap[1], p->wg2_pre, p->nafter_func);
    for (int t = 0; t < PG_NTASK; t++) {
        fprintf(f, "  task %d:", t);
        for (int k = 0; k < p->nops[t]; k++)
            fprintf(f, " %s(%d)", op_names[p->op[t][k]], p->obj[t][k]);
        fprintf(f, "\n");
    }
}

/* Whether some task script of p has an operation in the set `ops` (a bit per enum pg_op). */
static bool uses(const pg_prog *p, unsigned long long ops)
{
    for (int t = 0; t < PG_NTASK; t++)
        for (int k = 0; k < p->nops[t]; k++)
            if (ops >> p->op[t][k] & 1)
                return true;
    return false;
}

#define OP(o) (1ull << (o))
_Static_assert(PG_OP_COUNT <= 64, "uses() keeps the operations in a 64-bit set");

/* Whether some execution of p may panic (see progen.h). */
bool pg_can_panic(const pg_prog *p)
{
    return uses(p, OP(PG_CLOSE) | OP(PG_WG_ADD) | OP(PG_WG_DONE) | OP(PG_WG_WAIT));
}

/* Whether p busy-waits (see progen.h). */
bool pg_can_spin(const pg_prog *p)
{
    return uses(p, OP(PG_SPIN_RECV) | OP(PG_SPIN_LEN) | OP(PG_SPIN_FLAG));
}

/* Whether the clock may fire more than once (see progen.h). */
bool pg_clock_refires(const pg_prog *p)
{
    int ntime = 0;
    for (int t = 0; t < PG_NTASK; t++)
        for (int k = 0; k < p->nops[t]; k++)
            ntime += p->op[t][k] >= PG_AFTER && p->op[t][k] <= PG_TICKER;
    return ntime > 1 || uses(p, OP(PG_TICKER) | OP(PG_TIMER_RESET));
}

/* Whether p polls (see progen.h). */
bool pg_can_poll(const pg_prog *p)
{
    return pg_can_spin(p) || uses(p, OP(PG_YIELD) | OP(PG_TRYLOCK) | OP(PG_SELECT_DEFAULT) | OP(PG_RWTRY));
}

/* ---- execution ------------------------------------------------------------------------------------ */

/* One execution's objects and state (statics persist across executions: pg_body resets them). */
static const pg_prog *P;
static weft_mutex *mu[PG_NOBJ], *cmu;
static weft_chan *ch[PG_NOBJ];
static weft_rwmutex *rw[PG_NOBJ];
static weft_once *once[PG_NOBJ];
static weft_cond *cv;
static weft_wg *wg, *wg2;
static weft_chan *fired;
static int cell[PG_NOBJ], flag, spin_flag[PG_NOBJ];
static char logs[PG_NTASK][64];
static const int ids[PG_NTASK * PG_NOBJ] = {0, 1, 2, 3, 4, 5}; /* arguments of Once and after_func functions */

static void logc(int t, char c)
{
    size_t n = strlen(logs[t]);
    if (n + 1 < sizeof logs[t]) {
        logs[t][n] = c;
        logs[t][n + 1] = 0;
    }
}

/* A visible update of cell o by writer w (touched first, so that its order with other updates is explored). */
static void update(int o, int w)
{
    weft_touch(&cell[o]);
    cell[o] = cell[o] * 3 + w + 1;
}

/* Once function: arg points at t * PG_NOBJ + o (caller t, Once o). */
static void once_fn(void *arg)
{
    int v = *(const int *)arg;
    logc(v / PG_NOBJ, 'O');
    update(v % PG_NOBJ, v / PG_NOBJ);
}

/* At most one weft_after_func per program, and no task exits while it is pending: the script tasks wait for
 * its function to close `fired` before their last Done. (Written around a runtime bug this generator found:
 * an exiting task's stack was handed to the function's new task; fixed, and tested by test_time's
 * test_exit_while_timer_fires. The shape stays: it keeps outcomes comparable.) */
static void await_timer(void)
{
    if (P->nafter_func)
        weft_chan_recv(fired, NULL);
}

/* after_func function: arg points at o; runs in a task of its own, counted in the body's WaitGroup. */
static void timer_fn(void *arg)
{
    update(*(const int *)arg, 5);
    weft_chan_close(fired);
    weft_wg_done(wg);
}

static int64_t dur(int o)
{
    return (o + 1) * WEFT_MS;
}

static void log_time(int t, int64_t when)
{
    logc(t, (char)('0' + (int)(when / WEFT_MS) % 10));
}

static void cond_set(int o, bool broadcast)
{
    weft_mutex_lock(cmu);
    flag = 1;
    if (o == 0)
        broadcast ? weft_cond_broadcast(cv) : weft_cond_signal(cv);
    weft_mutex_unlock(cmu);
    if (o == 1)
        broadcast ? weft_cond_broadcast(cv) : weft_cond_signal(cv);
}

/* Run operation k of task t's script. */
static void step(int t, int k)
{
    int o = P->obj[t][k], v = 10 * t + k, got = -1;
    int64_t when = -1;
    switch (P->op[t][k]) {
    case PG_TOUCH:
        update(o, t);
        break;
    case PG_YIELD:
        weft_yield();
        break;
    case PG_CHOOSE:
        logc(t, (char)('A' + weft_choose(2)));
        break;
    case PG_LOCK:
        weft_mutex_lock(mu[o]);
        break;
    case PG_UNLOCK:
        weft_mutex_unlock(mu[o]);
        break;
    case PG_TRYLOCK: {
        bool ok = weft_mutex_trylock(mu[o]);
        logc(t, ok ? 'T' : 'F');
        if (ok)
            weft_mutex_unlock(mu[o]);
        break;
    }
    case PG_SEND:
        weft_chan_send(ch[o], &v);
        break;
    case PG_RECV:
        logc(t, weft_chan_recv(ch[o], &got) ? (char)('a' + got % 26) : '!');
        break;
    case PG_CLOSE:
        weft_chan_close(ch[o]);
        break;
    case PG_LEN:
        logc(t, (char)('0' + (int)weft_chan_len(ch[o])));
        break;
    case PG_SELECT:
    case PG_SELECT_DEFAULT: {
        weft_case cs[] = {WEFT_RECV(ch[o], &got, NULL), WEFT_SEND(ch[1 - o], &v)};
        int i = P->op[t][k] == PG_SELECT ? weft_select(cs, 2) : weft_select_default(cs, 2);
        logc(t, (char)('0' + (i + 1)));
        if (i == 0)
            logc(t, (char)('a' + (got < 0 ? 25 : got % 26)));
        break;
    }
    case PG_RLOCK:
        weft_rwmutex_rlock(rw[o]);
        break;
    case PG_RUNLOCK:
        weft_rwmutex_runlock(rw[o]);
        break;
    case PG_WLOCK:
        weft_rwmutex_lock(rw[o]);
        break;
    case PG_WUNLOCK:
        weft_rwmutex_unlock(rw[o]);
        break;
    case PG_RWTRY: {
        bool ok = o == 0 ? weft_rwmutex_tryrlock(rw[0]) : weft_rwmutex_trylock(rw[0]);
        logc(t, ok ? 'T' : 'F');
        if (ok)
            o == 0 ? weft_rwmutex_runlock(rw[0]) : weft_rwmutex_unlock(rw[0]);
        break;
    }
    case PG_WG_ADD:
        weft_wg_add(wg2, 1);
        break;
    case PG_WG_DONE:
        weft_wg_done(wg2);
        break;
    case PG_WG_WAIT:
        weft_wg_wait(wg2);
        logc(t, 'W');
        break;
    case PG_ONCE:
        weft_once_do(once[o], once_fn, (void *)&ids[t * PG_NOBJ + o]);
        break;
    case PG_COND_WAIT:
        weft_mutex_lock(cmu);
        while (!flag)
            weft_cond_wait(cv);
        weft_mutex_unlock(cmu);
        logc(t, 'C');
        break;
    case PG_COND_SIGNAL:
    case PG_COND_BROADCAST:
        cond_set(o, P->op[t][k] == PG_COND_BROADCAST);
        break;
    case PG_AFTER:
        weft_chan_recv(weft_after(dur(o)), &when);
        log_time(t, when);
        break;
    case PG_TIMER_STOP: {
        weft_timer *tm = weft_timer_make(dur(o));
        bool stopped = weft_timer_stop(tm);
        logc(t, stopped ? 'S' : 's');
        if (!stopped)
            weft_chan_recv(weft_timer_chan(tm), &when);
        break;
    }
    case PG_TIMER_RESET: {
        weft_timer *tm = weft_timer_make(WEFT_MS);
        logc(t, weft_timer_reset(tm, dur(o)) ? 'R' : 'r');
        weft_chan_recv(weft_timer_chan(tm), &when);
        log_time(t, when);
        break;
    }
    case PG_SLEEP:
        weft_sleep(dur(o));
        break;
    case PG_AFTER_FUNC:
        weft_after_func(dur(o), timer_fn, (void *)&ids[o]);
        break;
    case PG_SPIN_RECV: {
        weft_case cs[] = {WEFT_RECV(ch[o], &got, NULL)};
        bool ok = true;
        cs[0].ok = &ok;
        while (weft_select_default(cs, 1) == WEFT_DEFAULT) {
        }
        logc(t, ok ? (char)('a' + got % 26) : '!');
        break;
    }
    case PG_SPIN_LEN:
        while (weft_chan_len(ch[o]) == 0)
            weft_yield();
        logc(t, 'L');
        break;
    case PG_SPIN_FLAG:
        for (;;) {
            weft_mutex_lock(mu[o]);
            int f = spin_flag[o];
            weft_mutex_unlock(mu[o]);
            if (f)
                break;
            weft_yield();
        }
        logc(t, 'Y');
        break;
    case PG_SET_FLAG:
        weft_mutex_lock(mu[o]);
        spin_flag[o] = 1;
        weft_mutex_unlock(mu[o]);
        break;
    case PG_TICKER: {
        weft_ticker *k = weft_ticker_make(dur(o));
        for (int i = 0; i < PG_TICKS; i++) {
            weft_chan_recv(weft_ticker_chan(k), &when);
            log_time(t, when);
        }
        weft_ticker_stop(k);
        break;
    }
    case PG_SELECT_TIMEOUT: {
        weft_case cs[] = {WEFT_RECV(ch[o], &got, NULL), WEFT_RECV(weft_after(dur(o)), &when, NULL)};
        int i = weft_select(cs, 2);
        logc(t, (char)('0' + (i + 1)));
        logc(t, i == 0 ? (char)('a' + (got < 0 ? 25 : got % 26)) : (char)('0' + (int)(when / WEFT_MS) % 10));
        break;
    }
    }
}

static void run_script(int t)
{
    for (int k = 0; k < P->nops[t]; k++)
        step(t, k);
}

static void task(int t)
{
    run_script(t);
    await_timer();
    weft_wg_done(wg);
}

void pg_body(void *arg)
{
    const pg_run *r = arg;
    P = r->p;
    memset(logs, 0, sizeof logs);
    memset(cell, 0, sizeof cell);
    memset(spin_flag, 0, sizeof spin_flag);
    flag = 0;
    for (int o = 0; o < PG_NOBJ; o++) {
        mu[o] = weft_mutex_make();
        ch[o] = weft_chan_make(sizeof(int), (size_t)P->cap[o]);
        rw[o] = weft_rwmutex_make();
        once[o] = weft_once_make();
    }
    cmu = weft_mutex_make();
    cv = weft_cond_make(cmu);
    wg = weft_wg_make();
    wg2 = weft_wg_make();
    weft_wg_add(wg, PG_NTASK - 1 + P->nafter_func);
    if (P->wg2_pre)
        weft_wg_add(wg2, P->wg2_pre);
    fired = weft_chan_make(0, 0);
    for (int t = 1; t < PG_NTASK; t++)
        WEFT_GO(task, t);
    run_script(0);
    weft_wg_wait(wg);
    char out[PG_NTASK * sizeof logs[0] + 64];
    size_t n = 0;
    for (int t = 0; t < PG_NTASK; t++)
        n += (size_t)snprintf(out + n, sizeof out - n, "%s|", logs[t]);
    for (int o = 0; o < PG_NOBJ; o++)
        n += (size_t)snprintf(out + n, sizeof out - n, "%d,", cell[o]);
    snprintf(out + n, sizeof out - n, "%d", flag);
    r->record(out, r->ctx);
}
