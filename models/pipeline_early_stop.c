/* pipeline_early_stop.c: a pipeline whose consumer stops early leaves its stages blocked; and the done channel fix. */
#include "model.h"

/* gen: for _, n := range nums { out <- n }; close(out) */
static void gen(weft_chan *done, weft_chan *out)
{
    for (int n = 1; n <= 3; n++) {
        if (!done) {
            weft_chan_send(out, &n);
            continue;
        }
        weft_case cs[] = {WEFT_SEND(out, &n), WEFT_RECV(done, NULL, NULL)};
        if (weft_select(cs, 2) == 1)
            break;
    }
    weft_chan_close(out); /* defer close(out): on the done path too, so the next stage's range ends */
}

/* sq: for n := range in { out <- n * n }; close(out) */
static void sq(weft_chan *done, weft_chan *in, weft_chan *out)
{
    int n;
    while (weft_chan_recv(in, &n)) {
        int s = n * n;
        if (!done) {
            weft_chan_send(out, &s);
            continue;
        }
        weft_case cs[] = {WEFT_SEND(out, &s), WEFT_RECV(done, NULL, NULL)};
        if (weft_select(cs, 2) == 1)
            break;
    }
    weft_chan_close(out); /* defer close(out) */
}

/* the consumer wants the first square above 1 and returns as soon as it has it */
static void first_square(bool with_done)
{
    weft_chan *done = NULL;
    if (with_done) {
        done = weft_chan_make(0, 0);
        weft_name(done, "done");
    }
    weft_chan *nums = weft_chan_make(sizeof(int), 0), *squares = weft_chan_make(sizeof(int), 0);
    weft_name(nums, "nums");
    weft_name(squares, "squares");
    WEFT_GO(gen, done, nums);
    WEFT_GO(sq, done, nums, squares);
    int s;
    while (weft_chan_recv(squares, &s))
        if (s > 1)
            break; /* found it: stop reading */
    if (done)
        weft_chan_close(done); /* defer close(done) */
}

WEFT_MODEL(pipeline_early_stop_leaky, .category = "pipeline", .expect = WEFT_LEAK,
           .summary = "gen -> sq -> consumer; the consumer returns after the value it wanted",
           .pattern = "A two-stage pipeline (generate numbers, square them) feeds a consumer that returns as soon "
                      "as it has found what it wants. The stages send with plain channel sends, so sq blocks "
                      "sending its next square, and gen blocks behind it: every stage upstream of an early return "
                      "leaks.",
           .fix = "Give every stage a done channel (or a context): each send is a select on the output and on "
                  "done, and the consumer closes done when it returns (defer close(done)).",
           .pair = "pipeline_early_stop_fixed")
{
    first_square(false);
}

WEFT_MODEL(pipeline_early_stop_fixed, .category = "pipeline", .expect = WEFT_OK,
           .summary = "every stage selects on done; the consumer closes done when it returns",
           .pattern = "The same pipeline with an explicit done channel (the pattern of the Go blog's 'Pipelines and "
                      "cancellation'); each stage returns when done is closed, closing its output on the way out "
                      "(defer close(out)) so that a stage waiting on its input is released too.",
           .fix = "Closing done is a broadcast that reaches every blocked stage, however many there are.",
           .pair = "pipeline_early_stop_leaky")
{
    first_square(true);
}
