/* worker_unguarded_send.c: a worker loop that can stop on ctx.Done or closed jobs, but sends results unguarded. */
#include "model.h"

typedef struct job {
    int id; /* which record to process */
} job;

/* for { select { case <-ctx.Done(): return; case j, ok := <-jobs: if !ok { return }; results <- process(j) } } */
static void worker(weft_ctx *ctx, weft_chan *jobs, weft_chan *results, bool guarded)
{
    for (;;) {
        job j;
        bool ok;
        weft_case cs[] = {WEFT_RECV(weft_ctx_done(ctx), NULL, NULL), WEFT_RECV(jobs, &j, &ok)};
        if (weft_select(cs, 2) == 0 || !ok)
            return;
        int r = j.id * 10;
        if (!guarded) {
            weft_chan_send(results, &r); /* blocks once the consumer has stopped reading */
            continue;
        }
        weft_case out[] = {WEFT_SEND(results, &r), WEFT_RECV(weft_ctx_done(ctx), NULL, NULL)};
        if (weft_select(out, 2) == 1)
            return;
    }
}

/* the consumer wants the first match: it reads one result, cancels and returns */
static void find_first(bool guarded)
{
    weft_ctx *ctx = weft_ctx_with_cancel(weft_ctx_background());
    weft_name(ctx, "search");
    weft_chan *jobs = weft_chan_make(sizeof(job), 2), *results = weft_chan_make(sizeof(int), 0);
    weft_name(jobs, "jobs");
    weft_name(results, "results");
    WEFT_GO(worker, ctx, jobs, results, guarded);
    for (int i = 1; i <= 2; i++) {
        job j = {i};
        weft_chan_send(jobs, &j);
    }
    weft_chan_close(jobs);
    int r;
    weft_chan_recv(results, &r); /* found it: stop reading */
    weft_ctx_cancel(ctx);
}

WEFT_MODEL(worker_unguarded_send_leaky, .category = "workers", .expect = WEFT_LEAK,
           .summary = "the worker checks ctx.Done() when taking a job, not when sending its result",
           .pattern = "A worker loop looks careful: it selects on ctx.Done() and on the jobs channel, and returns "
                      "when either says stop. But it sends each result with a plain `results <- r`. The consumer "
                      "wants only the first match: it reads one result, cancels and returns. A worker that had "
                      "already taken the next job (a select picks at random among ready cases) blocks on the send "
                      "forever, because the cancellation is only looked at in the other select.",
           .fix = "Send inside a select with ctx.Done(): every blocking operation of the worker, receive and "
                  "send, must be able to see the cancellation.",
           .pair = "worker_unguarded_send_fixed")
{
    find_first(false);
}

WEFT_MODEL(worker_unguarded_send_fixed, .category = "workers", .expect = WEFT_OK,
           .summary = "the worker's result send is a select with ctx.Done()",
           .pattern = "The same worker and consumer; the send is `select { case results <- r: case <-ctx.Done(): "
                      "return }`.",
           .fix = "After the consumer cancels, every place where the worker can block has a ready case.",
           .pair = "worker_unguarded_send_leaky")
{
    find_first(true);
}
