/* worker_pool_stop.c: a worker pool whose Stop closes quit, cancels and waits, and whose Submit must select on quit. */
#include "model.h"

typedef struct pool {
    weft_chan *jobs; /* unbuffered: Submit hands a job to an idle worker */
    weft_chan *quit; /* closed by Stop */
    weft_ctx *ctx;   /* cancelled by Stop: interrupts jobs in flight */
    weft_wg *wg;     /* one per worker */
} pool;

static void pool_worker(pool *p)
{
    for (;;) {
        int job;
        weft_case cs[] = {WEFT_RECV(p->quit, NULL, NULL), WEFT_RECV(p->jobs, &job, NULL)};
        if (weft_select(cs, 2) == 0)
            break;
        /* process(p.ctx, job) */
    }
    weft_wg_done(p->wg);
}

static pool *pool_start(int workers)
{
    pool *p = weft_alloc(sizeof *p);
    p->jobs = weft_chan_make(sizeof(int), 0);
    p->quit = weft_chan_make(0, 0);
    p->ctx = weft_ctx_with_cancel(weft_ctx_background());
    p->wg = weft_wg_make();
    weft_name(p->jobs, "pool.jobs");
    weft_name(p->quit, "pool.quit");
    weft_name(p->ctx, "pool.ctx");
    weft_name(p->wg, "pool.wg");
    for (int i = 0; i < workers; i++) {
        weft_wg_add(p->wg, 1);
        WEFT_GO(pool_worker, p);
    }
    return p;
}

/* func (p *Pool) Stop() { close(p.quit); p.cancel(); p.wg.Wait() } */
static void pool_stop(pool *p)
{
    weft_chan_close(p->quit);
    weft_ctx_cancel(p->ctx);
    weft_wg_wait(p->wg);
}

/* func (p *Pool) Submit(job) { p.jobs <- job } */
static void submit_blocking(pool *p, int job)
{
    weft_chan_send(p->jobs, &job);
}

/* func (p *Pool) Submit(job) error { select { case p.jobs <- job: return nil; case <-p.quit: return ErrStopped } } */
static bool submit(pool *p, int job)
{
    weft_case cs[] = {WEFT_SEND(p->jobs, &job), WEFT_RECV(p->quit, NULL, NULL)};
    return weft_select(cs, 2) == 0;
}

/* an HTTP handler enqueues two jobs */
static void handler_blocking(pool *p)
{
    submit_blocking(p, 1);
    submit_blocking(p, 2);
}

static void handler(pool *p)
{
    if (submit(p, 1))
        submit(p, 2);
}

WEFT_MODEL(worker_pool_stop_leaky, .category = "workers", .expect = WEFT_LEAK,
           .summary = "Submit sends on the jobs channel unconditionally; after Stop no worker will take it",
           .pattern = "A worker pool has a careful Stop: close(quit) so that idle workers return, cancel the "
                      "pool's context to interrupt running jobs, and wait for every worker. But Submit is a plain "
                      "`p.jobs <- job`. A handler that submits while or after the pool stops blocks forever: the "
                      "workers that would have received have all returned.",
           .fix = "Submit must select on the jobs channel and on quit, and report ErrStopped when quit is closed.",
           .pair = "worker_pool_stop_fixed")
{
    pool *p = pool_start(2);
    WEFT_GO(handler_blocking, p);
    pool_stop(p); /* shutdown */
}

WEFT_MODEL(worker_pool_stop_fixed, .category = "workers", .expect = WEFT_OK,
           .summary = "Submit selects on the jobs channel and quit, and fails with ErrStopped after Stop",
           .pattern = "The same pool and Stop; Submit is `select { case p.jobs <- job: case <-p.quit: return "
                      "ErrStopped }`, and the handler gives up at the first error.",
           .fix = "Every blocking operation of the pool's clients also waits on quit, which Stop closes first.",
           .pair = "worker_pool_stop_leaky")
{
    pool *p = pool_start(2);
    WEFT_GO(handler, p);
    pool_stop(p);
}
