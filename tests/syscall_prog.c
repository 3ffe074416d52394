/* syscall_prog.c: runs a two-task channel program for N executions (argv[1]); test_syscalls.sh counts its syscalls. */
#include <stdio.h>
#include <stdlib.h>

#include <weft.h>

static void worker(weft_chan *in, weft_chan *out)
{
    int v;
    while (weft_chan_recv(in, &v)) {
        v++;
        weft_chan_send(out, &v);
    }
}

static void body(void *arg)
{
    (void)arg;
    weft_chan *in = weft_chan_make(sizeof(int), 0), *out = weft_chan_make(sizeof(int), 1);
    WEFT_GO(worker, in, out);
    int sum = 0;
    for (int i = 0; i < 3; i++) {
        int v = i;
        weft_chan_send(in, &v);
        weft_chan_recv(out, &v);
        sum += v;
    }
    weft_chan_close(in);
    weft_assert(sum == 6);
}

int main(int argc, char **argv)
{
    long long n = argc > 1 ? atoll(argv[1]) : 1000;
    weft_options o;
    weft_options_init(&o);
    o.strategy = WEFT_STRATEGY_RANDOM;
    o.seed = 1;
    o.iterations = n;
    o.replay = NULL;
    weft_result r = weft_check("syscalls", body, NULL, &o);
    int ok = !r.error && r.verdict == WEFT_OK && r.executions == n;
    printf("%s: %lld executions, verdict %s%s%s\n", ok ? "ok" : "FAIL", r.executions, weft_verdict_name(r.verdict),
           r.error ? ", error: " : "", r.error ? r.error : "");
    weft_result_free(&r);
    return ok ? 0 : 1;
}
