/* fanout_buffer.c: fan-out with a result buffer one too small, returning on the first error; and two fixes. */
#include "model.h"

enum { REPLICAS = 3 };

/* errc <- write(replica) */
static void write_replica(weft_chan *errc, int replica, int fails)
{
    int err = fails ? replica + 1 : 0;
    weft_chan_send(errc, &err);
}

/* errc := make(chan error, cap); for each replica go write; for range replicas { if err := <-errc; err != nil { return err } } */
static void replicate(size_t cap)
{
    weft_chan *errc = weft_chan_make(sizeof(int), cap);
    weft_name(errc, "errc");
    for (int r = 0; r < REPLICAS; r++)
        WEFT_GO(write_replica, errc, r, r == 0); /* replica 0's disk is full */
    for (int r = 0; r < REPLICAS; r++) {
        int err;
        weft_chan_recv(errc, &err);
        if (err)
            return; /* first error wins */
    }
}

WEFT_MODEL(fanout_buffer_leaky, .category = "pipeline", .expect = WEFT_LEAK,
           .summary = "3 writers share an error channel of capacity 1; the caller returns on the first error",
           .pattern = "A write is fanned out to three replicas, each reporting on errc. The author buffered errc "
                      "(capacity 1, 'so the writers never block') and returns on the first error. Buffering only "
                      "helps as far as it goes: if the first value read is an error, two writers still have to "
                      "send and there is room for one. The other blocks forever. Buffering does not prevent leaks "
                      "unless the buffer holds every send that may go unreceived.",
           .fix = "Make the buffer as large as the number of senders (make(chan error, len(replicas))), or give "
                  "the writers a context that the caller cancels when it returns early.",
           .pair = "fanout_buffer_full")
{
    replicate(1);
}

WEFT_MODEL(fanout_buffer_full, .category = "pipeline", .expect = WEFT_OK,
           .summary = "errc has one slot per writer", .pattern = "The same fan-out with make(chan error, 3).",
           .fix = "Every writer's single send has a slot of its own: nobody blocks however early the caller "
                  "returns.",
           .pair = "fanout_buffer_leaky")
{
    replicate(REPLICAS);
}

/* select { case errc <- write(replica): case <-ctx.Done(): } */
static void write_replica_ctx(weft_ctx *ctx, weft_chan *errc, int replica, int fails)
{
    int err = fails ? replica + 1 : 0;
    weft_case cs[] = {WEFT_SEND(errc, &err), WEFT_RECV(weft_ctx_done(ctx), NULL, NULL)};
    weft_select(cs, 2);
}

WEFT_MODEL(fanout_buffer_cancel, .category = "pipeline", .expect = WEFT_OK,
           .summary = "the writers send in a select with ctx.Done(); the caller cancels when it returns",
           .pattern = "The same fan-out, buffer still too small (here unbuffered), but each writer's send is a "
                      "select on ctx.Done() too, and the caller defers cancel().",
           .fix = "The early return cancels the context, which releases every writer still waiting to send.",
           .pair = "fanout_buffer_leaky")
{
    weft_ctx *ctx = weft_ctx_with_cancel(weft_ctx_background());
    weft_name(ctx, "replicate");
    weft_chan *errc = weft_chan_make(sizeof(int), 0);
    weft_name(errc, "errc");
    for (int r = 0; r < REPLICAS; r++)
        WEFT_GO(write_replica_ctx, ctx, errc, r, r == 0);
    for (int r = 0; r < REPLICAS; r++) {
        int err;
        weft_chan_recv(errc, &err);
        if (err)
            break;
    }
    weft_ctx_cancel(ctx); /* defer cancel() */
}
