/* grpc_660.c: a benchmark loop returns on stop while its last worker still sends on an unbuffered channel. */
/*
 * Port of GoBench GoKer kernel grpc/660 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/grpc/660/grpc660_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel.
 *
 * doCloseLoopUnary (G1) repeatedly makes an unbuffered done channel, starts
 * a worker (G2) that sends its result on it, and selects on bc.stop and done.
 * When the helper's stop message wins the select, G1 returns without
 * draining done, and the worker blocks on its send forever.
 */
#include "model.h"

typedef struct benchmark_client660 {
    weft_chan *stop; /* chan bool, unbuffered */
} benchmark_client660;

static void unary_call(weft_chan *done) /* G2 */
{
    if (weft_choose(10) > 7) { /* rand.Intn(10) > 7 */
        bool f = false;
        weft_chan_send(done, &f);
        return;
    }
    bool t = true;
    weft_chan_send(done, &t);
}

static void do_close_loop_unary(benchmark_client660 *bc) /* G1 */
{
    for (;;) {
        weft_chan *done = weft_chan_make(sizeof(bool), 0);
        weft_name(done, "done");
        WEFT_GO(unary_call, done);
        weft_case cs[] = {WEFT_RECV(bc->stop, NULL, NULL), WEFT_RECV(done, NULL, NULL)};
        if (weft_select(cs, 2) == 0)
            return;
    }
}

static void stopper660(benchmark_client660 *bc) /* helper goroutine */
{
    bool t = true;
    weft_chan_send(bc->stop, &t);
}

WEFT_MODEL(grpc_660, .category = "goker", .expect = WEFT_LEAK,
           .summary = "the loop returns on stop without draining the worker's unbuffered done channel",
           .pattern = "A parent selects on a stop channel and a worker's unbuffered result channel. When stop "
                      "wins, the parent returns and nobody will ever receive the worker's result: the worker "
                      "blocks on its send forever.",
           .fix = "Give done a buffer of one, or have the worker select on its send and on a stop signal.")
{
    benchmark_client660 *bc = weft_alloc(sizeof *bc);
    bc->stop = weft_chan_make(sizeof(bool), 0);
    weft_name(bc->stop, "bc.stop");
    WEFT_GO(do_close_loop_unary, bc); /* G1 */
    WEFT_GO(stopper660, bc);          /* helper goroutine */
}
