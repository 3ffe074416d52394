/* cockroach_35931.c: cancelling a flow pushes into a receiver whose one-slot buffer is already full. */
/*
 * Port of GoBench GoKer kernel cockroach/35931 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/cockroach/35931/cockroach35931_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel.
 *
 * Two row channels (left, right) have a buffer of one. The test pushes one
 * row into left, registers a flow with both as inbound streams, then cancels
 * the flow: cancel collects the pending receivers (map order, so left and
 * right in either order) and pushes to each. The push into left finds its
 * buffer full and nobody reading: the test body blocks forever.
 */
#include "model.h"

typedef struct row_channel35931 {
    weft_chan *data_chan; /* chan struct{} */
} row_channel35931;

typedef struct flow_registry35931 {
    weft_mutex *mu; /* the embedded sync.Mutex */
    row_channel35931 *inbound[2]; /* flows[0].inboundStreams: map[int]*inboundStreamInfo with keys 0, 1 */
    bool registered;
} flow_registry35931;

static void push(row_channel35931 *rc)
{
    /* The buffer holds 0 or 1 element when this is entered. */
    weft_chan_send(rc->data_chan, NULL);
}

static row_channel35931 *init_with_buf_size(size_t chan_buf_size, const char *name)
{
    row_channel35931 *rc = weft_alloc(sizeof *rc);
    rc->data_chan = weft_chan_make(0, chan_buf_size);
    weft_name(rc->data_chan, name);
    return rc;
}

/* cancelPendingStreamsLocked: ranging over a Go map visits keys in an unspecified order. */
static int cancel_pending_streams_locked(flow_registry35931 *fr, row_channel35931 *out[2])
{
    if (!fr->registered)
        return 0;
    int first = weft_choose(2);
    out[0] = fr->inbound[first];
    out[1] = fr->inbound[1 - first];
    return 2;
}

static void flow_cancel(flow_registry35931 *fr)
{
    weft_mutex_lock(fr->mu);
    row_channel35931 *timed_out[2];
    int n = cancel_pending_streams_locked(fr, timed_out);
    weft_mutex_unlock(fr->mu);
    for (int i = 0; i < n; i++)
        push(timed_out[i]);
}

WEFT_MODEL(cockroach_35931, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "flow cancellation pushes into a row channel whose single buffer slot is already taken",
           .pattern = "A send on a buffered channel blocks once the buffer is full. The canceller assumes it can "
                      "always push one more message to each pending receiver, but the left receiver already "
                      "holds an unread row; with no reader the push blocks forever.",
           .fix = "Do not push to a receiver that may be full without a reader: push in a select with a "
                  "cancellation or default case, or size the buffer for every producer including cancel.")
{
    flow_registry35931 *fr = weft_alloc(sizeof *fr);
    fr->mu = weft_mutex_make();
    row_channel35931 *left = init_with_buf_size(1, "left.dataChan");
    row_channel35931 *right = init_with_buf_size(1, "right.dataChan");
    push(left);
    fr->inbound[0] = left; /* RegisterFlow(flow, inboundStreams) */
    fr->inbound[1] = right;
    fr->registered = true;
    flow_cancel(fr);
}
