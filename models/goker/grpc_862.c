/* grpc_862.c: DialContext returns without closing the ClientConn, leaking its transport goroutine. */
/*
 * Port of GoBench GoKer kernel grpc/862 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/grpc/862/grpc862_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel & Context.
 *
 * DialContext (G1) creates a ClientConn with its own cancellable context and
 * starts resetAddrConn (G2), whose resetTransport waits for the address
 * connection's context (a child of the ClientConn's) to be done. The
 * returned conn is nil, so the deferred clean-up never calls Close, and
 * nothing cancels the ClientConn: G2 waits forever.
 */
#include "model.h"

typedef struct addr_conn862 addr_conn862;

typedef struct client_conn862 {
    weft_ctx *ctx; /* cc.ctx; cc.cancel cancels it */
    addr_conn862 *conns[1];
    int nconns;
} client_conn862;

struct addr_conn862 {
    client_conn862 *cc;
    weft_ctx *ctx; /* ac.ctx; ac.cancel cancels it */
};

static void ac_tear_down(addr_conn862 *ac)
{
    weft_ctx_cancel(ac->ctx);
}

static void cc_close(client_conn862 *cc)
{
    weft_ctx_cancel(cc->ctx);
    int n = cc->nconns;
    cc->nconns = 0;
    for (int i = 0; i < n; i++)
        ac_tear_down(cc->conns[i]);
}

static void reset_transport(addr_conn862 *ac)
{
    for (int retries = 1;; retries++) {
        int64_t timeout = 10 * WEFT_NS;
        weft_ctx *connect = weft_ctx_with_timeout(ac->ctx, timeout);
        weft_ctx_cancel(connect);
        weft_chan_recv(weft_ctx_done(ac->ctx), NULL);
        return;
    }
}

static void reset_addr_conn(client_conn862 *cc) /* G2 */
{
    addr_conn862 *ac = weft_alloc(sizeof *ac);
    ac->cc = cc;
    ac->ctx = weft_ctx_with_cancel(cc->ctx);
    cc->conns[cc->nconns++] = ac;
    reset_transport(ac);
}

static client_conn862 *dial_context(weft_ctx *ctx, bool fixed) /* G1 */
{
    client_conn862 *conn = NULL;
    client_conn862 *cc = weft_alloc(sizeof *cc);
    cc->ctx = weft_ctx_with_cancel(weft_ctx_background());
    WEFT_GO(reset_addr_conn, cc);
    /* return conn, then the deferred func: */
    weft_case cs[] = {WEFT_RECV(weft_ctx_done(ctx), NULL, NULL)};
    if (weft_select_default(cs, 1) == 0) {
        if (conn)
            cc_close(conn);
        conn = NULL;
    }
    if (fixed)
        cc_close(cc); /* FIX: cc.Close() */
    return conn;
}

static void dial_g1(weft_ctx *ctx, bool fixed)
{
    dial_context(ctx, fixed);
}

static void cancel862(weft_ctx *ctx) /* helper goroutine */
{
    weft_ctx_cancel(ctx);
}

static void test_grpc862(bool fixed)
{
    weft_ctx *ctx = weft_ctx_with_cancel(weft_ctx_background());
    WEFT_GO(dial_g1, ctx, fixed);
    WEFT_GO(cancel862, ctx);
}

WEFT_MODEL(grpc_862, .category = "goker", .expect = WEFT_LEAK,
           .summary = "DialContext returns a nil conn and never closes the ClientConn its transport goroutine waits on",
           .pattern = "A goroutine waits for a context that is cancelled only by ClientConn.Close. The deferred "
                      "clean-up in DialContext closes the conn only when it is non-nil, and it is nil, so the "
                      "transport goroutine waits forever.",
           .fix = "Close the ClientConn itself (cc.Close()) in the deferred clean-up.",
           .pair = "grpc_862_fixed")
{
    test_grpc862(false);
}

WEFT_MODEL(grpc_862_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "the deferred clean-up closes the ClientConn, cancelling the transport's context",
           .pattern = "The same dial; cc.Close() cancels cc.ctx, and with it every address connection's context.",
           .fix = "cc.Close() in DialContext's deferred func (grpc-go commit dd5645b).",
           .pair = "grpc_862")
{
    test_grpc862(true);
}
