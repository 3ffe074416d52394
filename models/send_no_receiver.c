/* send_no_receiver.c: a task sends its result after the caller has stopped listening (the classic leak). */
#include "model.h"

static void compute(weft_chan *out, int v)
{
    weft_chan_send(out, &v);
}

WEFT_MODEL(send_no_receiver_leaky, .category = "channels", .expect = WEFT_LEAK,
           .summary = "the caller returns early; the worker's send on an unbuffered channel never completes",
           .pattern = "The caller starts a worker that reports on an unbuffered channel, then returns on an "
                      "error path without receiving. An unbuffered send needs a receiver, so the worker "
                      "blocks forever: a goroutine leak.",
           .fix = "Give the channel capacity 1 so that the single send always completes, or have the worker "
                  "send inside a select with a default or a cancellation case.",
           .pair = "send_no_receiver_fixed")
{
    weft_chan *res = weft_chan_make(sizeof(int), 0);
    weft_name(res, "result");
    WEFT_GO(compute, res, 42);
    if (weft_choose(2) == 0)
        return; /* the error path: nobody receives */
    int v;
    weft_chan_recv(res, &v);
}

WEFT_MODEL(send_no_receiver_fixed, .category = "channels", .expect = WEFT_OK,
           .summary = "capacity 1: the worker's single send completes whether or not anyone receives",
           .pattern = "The same caller and worker, but the result channel has a buffer of one.",
           .fix = "A buffer for every send that may go unreceived: the worker always finishes.",
           .pair = "send_no_receiver_leaky")
{
    weft_chan *res = weft_chan_make(sizeof(int), 1);
    weft_name(res, "result");
    WEFT_GO(compute, res, 42);
    if (weft_choose(2) == 0)
        return;
    int v;
    weft_chan_recv(res, &v);
}
