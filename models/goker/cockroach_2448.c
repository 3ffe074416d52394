/* cockroach_2448.c: two raft loops each wait to send to the other over unbuffered channels. */
/*
 * Port of GoBench GoKer kernel cockroach/2448 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/cockroach/2448/cockroach2448_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel.
 *
 * G1 (Store.processRaft) receives events and runs their callback, which sends
 * on callbackChan. G2 (state.start) loops: it receives from callbackChan, or
 * by default sends a new event on Events and sleeps. After G1 has taken an
 * event but before it offers the callback, G2 polls callbackChan (nothing
 * yet), takes the default branch and blocks sending the next event; G1 then
 * blocks sending the callback. The stopper's Done channel is never closed,
 * so both goroutines leak once the test body returns.
 * As in the original, Done is never closed, so every schedule leaks: without
 * the deadlock, state.start loops forever (sleeping 100 us per round).
 */
#include "model.h"

typedef struct event2448 {
    void (*callback)(void *); /* EventMembershipChangeCommitted.Callback */
    void *arg;
} event2448;

typedef struct multiraft2448 {
    weft_chan *done;          /* stopper.Done (chan bool, never closed) */
    weft_chan *events;        /* Events (chan interface{}), unbuffered */
    weft_chan *callback_chan; /* callbackChan (chan func()), unbuffered */
} multiraft2448;

typedef void (*func2448)(void);

static void nap(void) /* the func() sent on callbackChan */
{
    weft_sleep(1 * WEFT_NS);
}

static void send_event(multiraft2448 *m, event2448 *e)
{
    weft_case cs[] = {WEFT_SEND(m->events, &e), WEFT_RECV(m->done, NULL, NULL)};
    weft_select(cs, 2); /* waiting for events consumption */
}

static void membership_callback(void *arg)
{
    multiraft2448 *m = arg;
    func2448 f = nap;
    weft_case cs[] = {WEFT_SEND(m->callback_chan, &f), WEFT_RECV(m->done, NULL, NULL)};
    weft_select(cs, 2); /* waiting for callbackChan consumption */
}

static void handle_write_response(multiraft2448 *m)
{
    event2448 *e = weft_alloc(sizeof *e);
    e->callback = membership_callback;
    e->arg = m;
    send_event(m, e);
}

/* G2: state.start */
static void state_start(multiraft2448 *m)
{
    for (;;) {
        func2448 cb;
        weft_case cs[] = {WEFT_RECV(m->done, NULL, NULL), WEFT_RECV(m->callback_chan, &cb, NULL)};
        switch (weft_select_default(cs, 2)) {
        case 0:
            return;
        case 1:
            cb();
            break;
        default:
            handle_write_response(m);
            weft_sleep(100 * WEFT_US);
        }
    }
}

/* G1: Store.processRaft */
static void process_raft(multiraft2448 *m)
{
    for (;;) {
        event2448 *e;
        weft_case cs[] = {WEFT_RECV(m->events, &e, NULL), WEFT_RECV(m->done, NULL, NULL)};
        if (weft_select(cs, 2) == 1)
            return;
        if (e->callback)
            e->callback(e->arg); /* waiting for callbackChan consumption */
    }
}

WEFT_MODEL(cockroach_2448, .category = "goker", .expect = WEFT_LEAK,
           .summary = "processRaft blocks sending a callback while start blocks sending the next event",
           .pattern = "Two loops talk over two unbuffered channels in opposite directions. processRaft takes an "
                      "event and then sends its callback on callbackChan; start polls callbackChan and otherwise "
                      "sends a new event. If start polls just before the callback is offered, it blocks sending "
                      "an event that processRaft will never receive, and processRaft blocks on the callback.",
           .fix = "Never block on one channel while the peer may be blocked on the other: run the callback "
                  "send in its own goroutine, or have processRaft keep receiving events while it offers it.")
{
    multiraft2448 *m = weft_alloc(sizeof *m);
    m->done = weft_chan_make(sizeof(bool), 0);
    m->events = weft_chan_make(sizeof(event2448 *), 0);
    m->callback_chan = weft_chan_make(sizeof(func2448), 0);
    weft_name(m->done, "stopper.Done");
    weft_name(m->events, "Events");
    weft_name(m->callback_chan, "callbackChan");
    WEFT_GO(process_raft, m); /* G1 */
    WEFT_GO(state_start, m);  /* G2 */
}
