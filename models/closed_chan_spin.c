/* closed_chan_spin.c: a receive loop that ignores ok spins on a closed channel forever (LIVELOCK); and the ok check. */
#include "model.h"

typedef struct stats {
    int handled; /* jobs handled, zero values included */
} stats;

/* for { j := <-jobs; handle(j) } : no ok, no exit */
static void consumer_spin(weft_chan *jobs, stats *s, weft_wg *wg)
{
    for (;;) {
        int j;
        weft_chan_recv(jobs, &j); /* after close: returns the zero value at once, every time */
        s->handled++;
    }
    weft_wg_done(wg); /* unreachable */
}

WEFT_MODEL(closed_chan_spin_livelock, .category = "channels", .expect = WEFT_LIVELOCK,
           .summary = "`for { j := <-jobs; handle(j) }`: after close(jobs) the receive returns zero values forever",
           .pattern = "A consumer drains a jobs channel with a hand-written loop that ignores the second result of "
                      "the receive. Once the producer closes jobs, every receive succeeds at once with the zero "
                      "value, so the loop spins, burning a CPU and handling phantom jobs, and never reaches its "
                      "wg.Done(). The producer waits for it forever: weft reports a livelock, steps that go on "
                      "without any progress.",
           .fix = "Check ok (`j, ok := <-jobs; if !ok { return }`), or write `for j := range jobs`, which ends on "
                  "close.",
           .pair = "closed_chan_spin_fixed")
{
    stats *s = weft_alloc(sizeof *s);
    weft_chan *jobs = weft_chan_make(sizeof(int), 2);
    weft_name(jobs, "jobs");
    weft_wg *wg = weft_wg_make();
    weft_name(wg, "consumers");
    weft_wg_add(wg, 1);
    WEFT_GO(consumer_spin, jobs, s, wg);
    for (int i = 1; i <= 2; i++)
        weft_chan_send(jobs, &i);
    weft_chan_close(jobs);
    weft_wg_wait(wg);
}

/* for j := range jobs { handle(j) } */
static void consumer_range(weft_chan *jobs, stats *s, weft_wg *wg)
{
    int j;
    while (weft_chan_recv(jobs, &j))
        s->handled++;
    weft_wg_done(wg);
}

WEFT_MODEL(closed_chan_spin_fixed, .category = "channels", .expect = WEFT_OK,
           .summary = "the consumer checks ok (for j := range jobs) and exits on close",
           .pattern = "The same producer and consumer; the consumer's loop ends when the receive reports the "
                      "channel closed and drained.",
           .fix = "A closed channel is the end of the stream: the loop tells it from a value by ok.",
           .pair = "closed_chan_spin_livelock")
{
    stats *s = weft_alloc(sizeof *s);
    weft_chan *jobs = weft_chan_make(sizeof(int), 2);
    weft_name(jobs, "jobs");
    weft_wg *wg = weft_wg_make();
    weft_name(wg, "consumers");
    weft_wg_add(wg, 1);
    WEFT_GO(consumer_range, jobs, s, wg);
    for (int i = 1; i <= 2; i++)
        weft_chan_send(jobs, &i);
    weft_chan_close(jobs);
    weft_wg_wait(wg);
    weft_assert(s->handled == 2);
}
