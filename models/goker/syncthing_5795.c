/* syncthing_5795.c: the dispatcher loop closes its own connection and waits for itself to stop. */
/*
 * Port of GoBench GoKer kernel syncthing/5795 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/syncthing/5795/syncthing5795_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel.
 *
 * The dispatcher loop (G2) receives a ClusterConfig message and hands it to
 * the model, whose callback closes the connection: Close (inside a
 * sync.Once) closes `closed` and then waits for dispatcherLoopStopped, which
 * only the dispatcher loop closes when it returns. G2 waits for itself, and
 * the test body, waiting for dispatcherLoopStopped too, blocks forever.
 */
#include "model.h"

typedef struct raw_connection5795 {
    weft_chan *inbox;                   /* chan message, unbuffered */
    weft_chan *dispatcher_loop_stopped; /* chan struct{} */
    weft_chan *closed;                  /* chan struct{} */
    weft_once *close_once;
    bool fixed; /* Close runs internalClose in a new goroutine */
} raw_connection5795;

enum { MSG_CLUSTER_CONFIG5795 = 1 };

static void internal_close_body(void *arg)
{
    raw_connection5795 *c = arg;
    weft_chan_close(c->closed);
    weft_chan_recv(c->dispatcher_loop_stopped, NULL);
}

static void internal_close(raw_connection5795 *c)
{
    weft_once_do(c->close_once, internal_close_body, c);
}

static void connection_close(raw_connection5795 *c)
{
    if (c->fixed)
        WEFT_GO(internal_close, c); /* FIX: go c.internalClose() */
    else
        internal_close(c);
}

/* TestModel.ClusterConfig: ccFn = func() { c.Close() } */
static void model_cluster_config(raw_connection5795 *c)
{
    connection_close(c);
}

static void dispatcher_loop(raw_connection5795 *c) /* G2 */
{
    for (;;) {
        int msg = 0;
        weft_case cs[] = {WEFT_RECV(c->inbox, &msg, NULL), WEFT_RECV(c->closed, NULL, NULL)};
        if (weft_select(cs, 2) == 1)
            break;
        if (msg == MSG_CLUSTER_CONFIG5795)
            model_cluster_config(c);
        else
            break;
    }
    weft_chan_close(c->dispatcher_loop_stopped); /* deferred */
}

static void test_syncthing5795(bool fixed)
{
    raw_connection5795 *c = weft_alloc(sizeof *c);
    c->dispatcher_loop_stopped = weft_chan_make(0, 0);
    c->closed = weft_chan_make(0, 0);
    c->inbox = weft_chan_make(sizeof(int), 0);
    c->close_once = weft_once_make();
    c->fixed = fixed;
    weft_name(c->dispatcher_loop_stopped, "dispatcherLoopStopped");
    weft_name(c->closed, "closed");
    weft_name(c->inbox, "inbox");
    WEFT_GO(dispatcher_loop, c); /* c.Start() */
    int msg = MSG_CLUSTER_CONFIG5795;
    weft_chan_send(c->inbox, &msg);
    weft_chan_recv(c->dispatcher_loop_stopped, NULL);
}

WEFT_MODEL(syncthing_5795, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "a callback run by the dispatcher loop closes the connection and waits for that loop to stop",
           .pattern = "Close waits for the dispatcher loop to finish, but the dispatcher loop itself calls Close "
                      "(through the model's ClusterConfig callback). The loop waits for itself, and the test "
                      "waiting for the loop blocks too.",
           .fix = "Never wait for a goroutine from inside it: Close runs internalClose in a new goroutine.",
           .pair = "syncthing_5795_fixed")
{
    test_syncthing5795(false);
}

WEFT_MODEL(syncthing_5795_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "Close hands the wait for the dispatcher loop to a new goroutine",
           .pattern = "The same connection; the callback starts internalClose in a goroutine, so the dispatcher "
                      "loop returns to its select, sees `closed` and stops.",
           .fix = "go c.internalClose() (the fix noted in the kernel).",
           .pair = "syncthing_5795")
{
    test_syncthing5795(true);
}
