/* kubernetes_70277.c: a test waits on the done channel it only closes in a deferred call. */
/*
 * Port of GoBench GoKer kernel kubernetes/70277 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/kubernetes/70277/kubernetes70277_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel.
 *
 * WaitFor starts a poller goroutine (ticker every 1 ms, timer at
 * ForeverTestTimeout) and returns as soon as the condition holds. The test
 * captured the done channel handed to the wait function, which is its own
 * stopCh, and then receives from it; stopCh is only closed by the test's
 * deferred close, which runs after that receive. The poller exits at its
 * timeout and the test body is blocked forever.
 */
#include "model.h"

/* ForeverTestTimeout is 20 s in the original; the bug does not depend on it, only on the poller ending at
 * some point, so it is scaled to 5 ms (5 ticks) to keep the number of clock steps small. */
#define FOREVER_TEST_TIMEOUT70277 (5 * WEFT_MS)

/* The poller goroutine of poller(interval, timeout)(done). */
static void poller_loop(weft_chan *ch, weft_chan *done, int64_t interval, int64_t timeout)
{
    weft_ticker *tick = weft_ticker_make(interval);
    weft_chan *after = NULL;
    weft_timer *timer = NULL;
    if (timeout != 0) {
        timer = weft_timer_make(timeout);
        after = weft_timer_chan(timer);
    }
    for (;;) {
        weft_case cs[] = {WEFT_RECV(weft_ticker_chan(tick), NULL, NULL), WEFT_RECV(after, NULL, NULL),
                          WEFT_RECV(done, NULL, NULL)};
        int i = weft_select(cs, 3);
        if (i == 0) {
            weft_case s[] = {WEFT_SEND(ch, NULL)};
            weft_select_default(s, 1);
            continue;
        }
        break; /* after or done: return */
    }
    if (timer) /* deferred, in reverse order */
        weft_timer_stop(timer);
    weft_ticker_stop(tick);
    weft_chan_close(ch);
}

/* wait(done) as built by the test: doneCh = done; return waitFunc(done) */
static weft_chan *wait_func(weft_chan *done, weft_chan **done_ch)
{
    *done_ch = done;
    weft_chan *ch = weft_chan_make(0, 0);
    weft_name(ch, "poller ch");
    WEFT_GO(poller_loop, ch, done, WEFT_MS, FOREVER_TEST_TIMEOUT70277);
    return ch;
}

static bool condition(void) /* func() (bool, error) { return true, nil } */
{
    return true;
}

static int wait_for(weft_chan *done, weft_chan **done_ch)
{
    weft_chan *c = wait_func(done, done_ch);
    for (;;) {
        bool open = weft_chan_recv(c, NULL);
        if (condition())
            return 0;
        if (!open)
            break;
    }
    return 0;
}

WEFT_MODEL(kubernetes_70277, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "the test receives from the channel that only its own deferred close would close",
           .pattern = "The done channel the test waits on is its own stopCh, closed by a defer that runs only "
                      "after the wait. Once the poller goroutine times out and exits, nothing can close it: the "
                      "test body blocks forever.",
           .fix = "Wait on a channel that the poller closes (its result channel), or close stopCh before "
                  "waiting for the poller to observe it.")
{
    weft_chan *stop_ch = weft_chan_make(0, 0);
    weft_name(stop_ch, "stopCh");
    weft_chan *done_ch = NULL;
    wait_for(stop_ch, &done_ch);
    weft_chan_recv(done_ch, NULL); /* block here */
    weft_chan_close(stop_ch);      /* deferred; never reached */
}
