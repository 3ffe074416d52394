/* grpc_795.c: a second GracefulStop locks the server's mutex again instead of unlocking it. */
/*
 * Port of GoBench GoKer kernel grpc/795 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/grpc/795/grpc795_test.go
 * GoBench class: Resource Deadlock / Double locking.
 *
 * The buggy interleaving (any schedule): the test starts a server (its Serve
 * goroutine takes and releases s.mu) and calls GracefulStop three times. The
 * first call sets drain; the second finds drain set and, holding s.mu, calls
 * s.mu.Lock() again where it meant Unlock: the test body blocks on its own
 * mutex forever (and, if Serve has not run yet, Serve blocks behind it).
 */
#include "model.h"

typedef struct g795_server {
    weft_mutex *mu;
    bool drain;
    bool fixed;
} g795_server;

static void g795_graceful_stop(g795_server *s)
{
    weft_mutex_lock(s->mu);
    if (s->drain) {
        if (s->fixed)
            weft_mutex_unlock(s->mu);
        else
            weft_mutex_lock(s->mu); /* double locking */
        return;
    }
    s->drain = true;
    weft_mutex_unlock(s->mu);
}

static void g795_serve(g795_server *s)
{
    weft_mutex_lock(s->mu);
    weft_mutex_unlock(s->mu);
}

/* testServerGracefulStopIdempotent */
static void g795_test(bool fixed)
{
    g795_server *s = weft_alloc(sizeof *s); /* newTest(); te.startServer() */
    s->mu = weft_mutex_make();
    s->fixed = fixed;
    weft_name(s->mu, "s.mu");
    WEFT_GO(g795_serve, s);
    for (int i = 0; i < 3; i++)
        g795_graceful_stop(s);
}

WEFT_MODEL(grpc_795, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "grpc#795: the idempotent path of GracefulStop locks s.mu a second time",
           .pattern = "On the already-draining path GracefulStop calls Lock where it meant Unlock; the second "
                      "call therefore waits for the mutex it already holds.",
           .fix = "Unlock on the early-return path (the upstream fix turns the second Lock into Unlock).",
           .pair = "grpc_795_fixed")
{
    g795_test(false);
}

WEFT_MODEL(grpc_795_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "grpc#795 fixed: the draining path of GracefulStop unlocks s.mu",
           .pattern = "The same server and three GracefulStop calls, with Unlock on the early return.",
           .fix = "Every path releases s.mu, so repeated calls and Serve all proceed.",
           .pair = "grpc_795")
{
    g795_test(true);
}
