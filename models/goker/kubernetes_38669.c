/* kubernetes_38669.c: a cache watcher's goroutine blocks sending initial events nobody reads. */
/*
 * Port of GoBench GoKer kernel kubernetes/38669 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/kubernetes/38669/kubernetes38669_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel.
 *
 * newCacheWatcher starts process (G1), which first sends each initial event
 * on the unbuffered result channel and only then watches the input channel.
 * The test stops the watcher at once: Stop closes input, but G1 is blocked
 * sending its first initial event on result, which nobody reads. The test
 * returns and G1 leaks.
 */
#include "model.h"

typedef struct cache_watcher38669 {
    weft_mutex *mu;    /* the embedded sync.Mutex */
    weft_chan *input;  /* chan watchCacheEvent */
    weft_chan *result; /* chan Event */
    bool stopped;      /* guarded by mu */
} cache_watcher38669;

static void watcher_stop(cache_watcher38669 *c)
{
    weft_mutex_lock(c->mu);
    if (!c->stopped) {
        c->stopped = true;
        weft_chan_close(c->input);
    }
    weft_mutex_unlock(c->mu); /* deferred */
}

static void send_watch_cache_event(cache_watcher38669 *c, int event)
{
    weft_chan_send(c->result, &event);
}

static void process(cache_watcher38669 *c, int *init_events, int n) /* G1 */
{
    for (int i = 0; i < n; i++)
        send_watch_cache_event(c, init_events[i]);
    for (;;) {
        int ev;
        if (!weft_chan_recv(c->input, &ev))
            break;
    }
    watcher_stop(c);           /* deferred c.Stop() */
    weft_chan_close(c->result); /* deferred close(c.result) */
}

static cache_watcher38669 *new_cache_watcher(size_t chan_size, int *init_events, int n)
{
    cache_watcher38669 *w = weft_alloc(sizeof *w);
    w->mu = weft_mutex_make();
    w->input = weft_chan_make(sizeof(int), chan_size);
    w->result = weft_chan_make(sizeof(int), chan_size);
    weft_name(w->input, "watcher.input");
    weft_name(w->result, "watcher.result");
    WEFT_GO(process, w, init_events, n);
    return w;
}

WEFT_MODEL(kubernetes_38669, .category = "goker", .expect = WEFT_LEAK,
           .summary = "the watcher's goroutine blocks sending initial events on an unread, unbuffered result channel",
           .pattern = "A goroutine must deliver initial events before it looks at its stop signal. The consumer "
                      "stops the watcher without reading results, so the first send on the unbuffered result "
                      "channel never completes and the goroutine leaks even though input was closed.",
           .fix = "Send initial events in a select that also watches for the watcher being stopped (a done "
                  "channel), so that Stop unblocks a pending send.")
{
    int *init_events = weft_alloc(2 * sizeof *init_events);
    init_events[0] = 1;
    init_events[1] = 2;
    cache_watcher38669 *w = new_cache_watcher(0, init_events, 2);
    watcher_stop(w);
}
