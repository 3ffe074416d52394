/* cockroach_25456.c: a test waits on a stopper's quiesce channel that nothing closes. */
/*
 * Port of GoBench GoKer kernel cockroach/25456 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/cockroach/25456/cockroach25456_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel.
 *
 * The test builds a store with a fresh stopper and calls the consistency
 * queue's process twice; process receives from stopper.ShouldQuiesce(). The
 * stopper is never stopped, so the first receive blocks the test body
 * forever: no other goroutine exists to close the channel.
 */
#include "model.h"

typedef struct stopper25456 {
    weft_chan *quiescer; /* chan struct{} */
} stopper25456;

typedef struct store25456 {
    stopper25456 *stopper;
    int consistency_queue; /* *consistencyQueue: no state */
} store25456;

typedef struct replica25456 {
    store25456 *store;
} replica25456;

typedef struct test_context25456 {
    store25456 *store;
    replica25456 *repl;
} test_context25456;

static weft_chan *should_quiesce(stopper25456 *s)
{
    return s ? s->quiescer : NULL;
}

static void consistency_queue_process(replica25456 *repl)
{
    weft_chan_recv(should_quiesce(repl->store->stopper), NULL);
}

static void start_with_store_config(test_context25456 *tc, stopper25456 *stopper)
{
    if (!tc->store)
        tc->store = weft_alloc(sizeof *tc->store);
    tc->store->stopper = stopper;
    tc->repl = weft_alloc(sizeof *tc->repl);
    tc->repl->store = tc->store;
}

WEFT_MODEL(cockroach_25456, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "the consistency queue waits for the stopper to quiesce, but nobody stops it",
           .pattern = "A receive on a channel that is only ever closed by stopping the stopper; the test never "
                      "stops it (and runs no other goroutine), so its own receive blocks forever.",
           .fix = "Stop (quiesce) the stopper before, or concurrently with, processing the replica, or do not "
                  "wait for quiescence where nothing will trigger it.")
{
    stopper25456 *stopper = weft_alloc(sizeof *stopper);
    stopper->quiescer = weft_chan_make(0, 0);
    weft_name(stopper->quiescer, "stopper.quiescer");
    test_context25456 tc = {0};
    start_with_store_config(&tc, stopper);
    for (int i = 0; i < 2; i++)
        consistency_queue_process(tc.repl);
}
