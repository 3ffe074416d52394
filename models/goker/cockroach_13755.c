/* cockroach_13755.c: query rows are never closed, so the goroutine awaiting their context leaks. */
/*
 * Port of GoBench GoKer kernel cockroach/13755 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/cockroach/13755/cockroach13755_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel & Context.
 *
 * initContextClose derives a cancellable context and starts awaitDone (G2),
 * which waits for it to be done. Only closing the rows would cancel it; the
 * test never closes them and returns, so G2 waits on ctx.Done() forever.
 */
#include "model.h"

typedef struct rows13755 {
    weft_ctx *cancel; /* the context whose CancelFunc this is */
} rows13755;

static void rows_close(rows13755 *rs, int err, bool fixed)
{
    (void)err;
    if (fixed)
        weft_ctx_cancel(rs->cancel); /* rs.cancel() */
}

static void await_done(rows13755 *rs, weft_ctx *ctx, bool fixed) /* G2 */
{
    weft_chan_recv(weft_ctx_done(ctx), NULL);
    rows_close(rs, weft_ctx_err(ctx), fixed);
}

static void init_context_close(rows13755 *rs, weft_ctx *parent, bool fixed)
{
    weft_ctx *ctx = weft_ctx_with_cancel(parent);
    rs->cancel = ctx;
    WEFT_GO(await_done, rs, ctx, fixed);
}

WEFT_MODEL(cockroach_13755, .category = "goker", .expect = WEFT_LEAK,
           .summary = "the rows are never closed, so awaitDone waits on a context nobody cancels",
           .pattern = "A goroutine waits for a context that only Close would cancel; the caller never closes "
                      "the rows, so the goroutine is blocked forever once the caller returns.",
           .fix = "Close the rows when done with them; close cancels the context, which ends awaitDone.",
           .pair = "cockroach_13755_fixed")
{
    rows13755 *rs = weft_alloc(sizeof *rs);
    init_context_close(rs, weft_ctx_background(), false);
}

WEFT_MODEL(cockroach_13755_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "the test closes the rows, cancelling the context awaitDone waits on",
           .pattern = "The same rows; close calls rs.cancel() and the test calls it before returning.",
           .fix = "rs.close() in the test, with close cancelling the rows' context (cockroach commit ef90607).",
           .pair = "cockroach_13755")
{
    rows13755 *rs = weft_alloc(sizeof *rs);
    init_context_close(rs, weft_ctx_background(), true);
    rows_close(rs, 0, true); /* FIX: rs.close() */
}
