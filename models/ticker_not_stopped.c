/* ticker_not_stopped.c: a function polls with a ticker and returns without stopping it; and the deferred Stop. */
#include "model.h"

typedef struct job {
    int done; /* set by the job's worker when it finishes */
} job;

static void run_job(job *j)
{
    weft_sleep(1500 * WEFT_MS);
    weft_touch(&j->done);
    j->done = 1;
}

/* ticker := time.NewTicker(time.Second); for i := 0; i < 3; i++ { <-ticker.C; if done { return } } */
static void wait_for_job(job *j, bool stop)
{
    weft_ticker *t = weft_ticker_make(WEFT_SECOND);
    weft_name(t, "poll_ticker");
    weft_name(weft_ticker_chan(t), "poll_ticker.C");
    for (int attempt = 0; attempt < 3; attempt++) {
        weft_chan_recv(weft_ticker_chan(t), NULL);
        weft_touch(&j->done);
        if (j->done)
            break;
    }
    if (stop)
        weft_ticker_stop(t); /* defer ticker.Stop() */
}

WEFT_MODEL(ticker_not_stopped_leaky, .category = "time", .expect = WEFT_LEAK,
           .summary = "a status poller makes a ticker and returns without calling ticker.Stop()",
           .pattern = "A function polls a job's status once a second, at most three times, using "
                      "time.NewTicker, and returns as soon as the job is done. It never calls ticker.Stop(): the "
                      "ticker keeps firing (before Go 1.23 it is never garbage-collected), one lost ticker per "
                      "call. weft reports any ticker still running when every task has finished.",
           .fix = "`defer ticker.Stop()` right after time.NewTicker.",
           .pair = "ticker_not_stopped_fixed")
{
    job *j = weft_alloc(sizeof *j);
    weft_name(&j->done, "job.done");
    WEFT_GO(run_job, j);
    wait_for_job(j, false);
}

WEFT_MODEL(ticker_not_stopped_fixed, .category = "time", .expect = WEFT_OK,
           .summary = "the poller defers ticker.Stop()",
           .pattern = "The same poller, with `defer ticker.Stop()` after making the ticker.",
           .fix = "The ticker is stopped on every return path, so nothing keeps firing after the poller returns.",
           .pair = "ticker_not_stopped_leaky")
{
    job *j = weft_alloc(sizeof *j);
    weft_name(&j->done, "job.done");
    WEFT_GO(run_job, j);
    wait_for_job(j, true);
}
