/* grpc_1275.c: closing a stream never wakes the reader blocked on its receive buffer. */
/*
 * Port of GoBench GoKer kernel grpc/1275 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/grpc/1275/grpc1275_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel.
 *
 * The test starts G2, which reads the stream: recvBufferReader.Read blocks on
 * the receive buffer's channel. CloseStream should deliver a message that
 * unblocks the reader, but sends nothing. The test waits for donec with a
 * 300 ns timer; the timer fires, the test returns, and G2 stays blocked:
 * a leak.
 */
#include "model.h"

typedef struct stream1275 {
    weft_chan *recv_c; /* trReader.recv.c (chan bool), unbuffered */
} stream1275;

static void recv_buffer_reader_read(stream1275 *s)
{
    bool v;
    weft_case cs[] = {WEFT_RECV(s->recv_c, &v, NULL)};
    weft_select(cs, 1);
}

static void reader(stream1275 *s, weft_chan *donec) /* G2 */
{
    recv_buffer_reader_read(s); /* stream.Read -> io.ReadFull -> recvBufferReader.Read */
    weft_chan_close(donec);     /* deferred */
}

static void close_stream(stream1275 *s, bool fixed)
{
    if (fixed) { /* the patch: send out the message the reader waits for */
        bool t = true;
        weft_chan_send(s->recv_c, &t);
    }
}

static void test_inflight_stream_closing(bool fixed)
{
    stream1275 *s = weft_alloc(sizeof *s); /* client.NewStream() */
    s->recv_c = weft_chan_make(sizeof(bool), 0);
    weft_name(s->recv_c, "recv.c");
    weft_chan *donec = weft_chan_make(sizeof(bool), 0);
    weft_name(donec, "donec");
    WEFT_GO(reader, s, donec);
    close_stream(s, fixed);
    weft_timer *timeout = weft_timer_make(300 * WEFT_NS);
    weft_case cs[] = {WEFT_RECV(donec, NULL, NULL), WEFT_RECV(weft_timer_chan(timeout), NULL, NULL)};
    if (weft_select(cs, 2) == 0) {
        if (!weft_timer_stop(timeout))
            weft_chan_recv(weft_timer_chan(timeout), NULL);
    }
}

WEFT_MODEL(grpc_1275, .category = "goker", .expect = WEFT_LEAK,
           .summary = "CloseStream does not wake the concurrent stream reader, which leaks after the test times out",
           .pattern = "A reader blocks on the stream's receive channel; closing the stream is supposed to send it "
                      "a final message but does not. The caller gives up after a timeout and returns, and the "
                      "reader waits forever.",
           .fix = "Have CloseStream deliver a message (an error status) to the stream's receive buffer so that "
                  "a concurrent Read returns.",
           .pair = "grpc_1275_fixed")
{
    test_inflight_stream_closing(false);
}

WEFT_MODEL(grpc_1275_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "CloseStream sends the reader its final message",
           .pattern = "The same reader and timeout; CloseStream now sends on the receive channel, so the reader "
                      "returns and closes donec whether or not the caller has timed out.",
           .fix = "CloseStream writes to the stream's receive buffer (grpc-go commit 0669f3f).",
           .pair = "grpc_1275")
{
    test_inflight_stream_closing(true);
}
