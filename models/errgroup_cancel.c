/* errgroup_cancel.c: an errgroup cancels on the first error, but a producer ignores the context, so Wait hangs; and the fix. */
#include "model.h"

/* errgroup.WithContext in miniature: run tasks, remember the first error, cancel the group's context on it */
typedef struct group {
    weft_ctx *ctx;
    weft_wg *wg;
    weft_mutex *mu;
    int err; /* first error, guarded by mu */
} group;

typedef struct digest_job {
    group *g;
    weft_chan *paths;   /* producer -> digester */
    weft_chan *digests; /* digester -> caller, one slot per file */
    bool guarded;       /* the producer's send selects on ctx.Done() */
} digest_job;

static void group_fail(group *g, int err)
{
    weft_mutex_lock(g->mu);
    if (!g->err) {
        g->err = err;
        weft_ctx_cancel(g->ctx); /* first error cancels everyone */
    }
    weft_mutex_unlock(g->mu);
}

/* g.Go(func() error { defer close(paths); for _, p := range files { paths <- p } ; return nil }) */
static void walk_files(digest_job *j)
{
    for (int p = 1; p <= 3; p++) {
        if (!j->guarded) {
            weft_chan_send(j->paths, &p);
            continue;
        }
        weft_case cs[] = {WEFT_SEND(j->paths, &p), WEFT_RECV(weft_ctx_done(j->g->ctx), NULL, NULL)};
        if (weft_select(cs, 2) == 1) {
            weft_chan_close(j->paths);
            group_fail(j->g, -1); /* ctx.Err() */
            weft_wg_done(j->g->wg);
            return;
        }
    }
    weft_chan_close(j->paths);
    weft_wg_done(j->g->wg);
}

/* g.Go(func() error { for p := range paths { d, err := md5(p); if err != nil { return err }; digests <- d } }) */
static void digester(digest_job *j)
{
    int p;
    while (weft_chan_recv(j->paths, &p)) {
        if (p == 2) { /* file 2 is unreadable */
            group_fail(j->g, 2);
            break;
        }
        weft_chan_send(j->digests, &p);
    }
    weft_wg_done(j->g->wg);
}

static void md5_all(bool guarded)
{
    digest_job *j = weft_alloc(sizeof *j);
    group *g = weft_alloc(sizeof *g);
    j->g = g;
    j->guarded = guarded;
    g->ctx = weft_ctx_with_cancel(weft_ctx_background());
    g->wg = weft_wg_make();
    g->mu = weft_mutex_make();
    j->paths = weft_chan_make(sizeof(int), 0);
    j->digests = weft_chan_make(sizeof(int), 3);
    weft_name(g->ctx, "group.ctx");
    weft_name(g->wg, "group.wg");
    weft_name(g->mu, "group.mu");
    weft_name(j->paths, "paths");
    weft_name(j->digests, "digests");
    weft_wg_add(g->wg, 2);
    WEFT_GO(walk_files, j);
    WEFT_GO(digester, j);
    weft_wg_wait(g->wg); /* g.Wait() */
    weft_ctx_cancel(g->ctx);
}

WEFT_MODEL(errgroup_cancel_deadlock, .category = "context", .expect = WEFT_DEADLOCK,
           .summary = "the digester fails and the group cancels, but the file walker's send ignores ctx.Done()",
           .pattern = "An errgroup runs a file walker that sends paths and a digester that hashes them. When the "
                      "digester hits an unreadable file it returns an error; the group records it and cancels "
                      "its context so that everyone stops. But the walker sends each path with a plain "
                      "`paths <- p`, which does not look at the context: with the digester gone, the send blocks "
                      "forever, and g.Wait(), waiting for the walker, never returns.",
           .fix = "Every blocking operation in a group member must select on ctx.Done(): `select { case paths <- "
                  "p: case <-ctx.Done(): return ctx.Err() }`.",
           .pair = "errgroup_cancel_fixed")
{
    md5_all(false);
}

WEFT_MODEL(errgroup_cancel_fixed, .category = "context", .expect = WEFT_OK,
           .summary = "the walker's send selects on ctx.Done(); the first error releases every member",
           .pattern = "The same group; the walker sends in a select with the group's ctx.Done() and returns "
                      "ctx.Err() when it is cancelled.",
           .fix = "First-error cancellation only works when every member listens: then g.Wait() returns the "
                  "first error promptly.",
           .pair = "errgroup_cancel_deadlock")
{
    md5_all(true);
}
