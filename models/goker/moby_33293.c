/* moby_33293.c: containerWait sends its error on an unbuffered channel before returning it. */
/*
 * Port of GoBench GoKer kernel moby/33293 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/moby/33293/moby33293_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel.
 *
 * containerWait makes an unbuffered error channel and, when MayReturnError
 * fails (a coin flip: rand.Int31n(2) >= 1), sends the error on it before
 * returning the channel to its caller. Nobody can receive yet, so G1 blocks
 * on the send forever; the test body has already returned: a leak.
 */
#include "model.h"

static bool may_return_error(void)
{
    return weft_choose(2) >= 1; /* rand.Int31n(2) >= 1 */
}

static weft_chan *container_wait(void)
{
    weft_chan *err_c = weft_chan_make(sizeof(int), 0);
    weft_name(err_c, "errC");
    if (may_return_error()) {
        int err = 1;
        weft_chan_send(err_c, &err); /* blocks here */
        return err_c;
    }
    return err_c;
}

static void waiter(void) /* G1 */
{
    weft_chan *err = container_wait();
    if (err)
        return;
}

WEFT_MODEL(moby_33293, .category = "goker", .expect = WEFT_LEAK,
           .summary = "a function sends on the unbuffered channel it is about to return, so no one can receive",
           .pattern = "On the error path, containerWait sends the error on a fresh unbuffered channel before "
                      "returning that channel. The only possible receiver is the caller, which does not have "
                      "the channel yet: the send blocks forever.",
           .fix = "Make errC buffered (capacity 1), or send the error from a goroutine, so that the function "
                  "returns the channel before anyone must receive from it.")
{
    WEFT_GO(waiter);
}
