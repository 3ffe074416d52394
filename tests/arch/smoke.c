/* smoke.c: the aarch64 stack switch under qemu: exhaustive counts equal the x86-64 build's, crashes and stack
 * overflows are contained and replay (run by scripts/check-aarch64; prints what it found, exits 1 on a mismatch). */
#include <stdio.h>
#include <string.h>
#include <weft.h>

static weft_chan *c;
static weft_mutex *m;
static int counter;

static void worker(void *a)
{
    (void)a;
    for (int i = 0; i < 3; i++) {
        weft_mutex_lock(m);
        counter++;
        weft_mutex_unlock(m);
    }
    int v = 1;
    weft_chan_send(c, &v);
}

static void body(void *a)
{
    (void)a;
    counter = 0;
    c = weft_chan_make(sizeof(int), 0);
    m = weft_mutex_make();
    weft_go(worker, NULL);
    weft_go(worker, NULL);
    int v;
    weft_chan_recv(c, &v);
    weft_chan_recv(c, &v);
    weft_assert(counter == 6);
}

static int *volatile np;
static void crasher(void *a)
{
    (void)a;
    weft_yield();
    *np = 1;
}

static void crash_body(void *a)
{
    (void)a;
    weft_go(crasher, NULL);
}

static int rec(int n)
{
    volatile char b[512];
    memset((char *)b, n, sizeof b);
    return n ? rec(n - 1) + b[1] : 0;
}

static void deep(void *a)
{
    (void)a;
    weft_yield();
    rec(1 << 20);
}

static void overflow_body(void *a)
{
    (void)a;
    weft_go(deep, NULL);
}

static int failures;
static void expect(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    failures += !ok;
}

int main(void)
{
    weft_options o;
    weft_options_init(&o);
    o.quiet = 1;
    weft_result r = weft_check("arm", body, NULL, &o);
    expect(r.verdict == WEFT_OK && r.complete && r.executions == 840, "dpor: 840 executions, complete (as on x86-64)");
    o.strategy = WEFT_STRATEGY_DFS;
    o.max_preemptions = 1000000;
    r = weft_check("arm", body, NULL, &o);
    expect(r.verdict == WEFT_OK && r.complete && r.executions == 4552, "dfs: 4552 executions, complete (as on x86-64)");
    o.strategy = WEFT_STRATEGY_DPOR;
    o.max_preemptions = -1;
    r = weft_check("crash", crash_body, NULL, &o);
    expect(r.verdict == WEFT_CRASH && r.report && strstr(r.report, "SIGSEGV: null pointer dereference"),
           "null dereference: CRASH");
    o.replay = r.replay;
    weft_result p = weft_check("crash", crash_body, NULL, &o);
    expect(p.verdict == WEFT_CRASH && p.executions == 1, "its token replays the CRASH");
    o.replay = NULL;
    r = weft_check("overflow", overflow_body, NULL, &o);
    expect(r.verdict == WEFT_CRASH && r.report && strstr(r.report, "stack overflow"), "stack overflow: CRASH");
    return failures ? 1 : 0;
}
