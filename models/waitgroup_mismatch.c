/* waitgroup_mismatch.c: a WaitGroup whose Adds and Dones do not match, so Wait never returns; and the matched fix. */
#include "model.h"

typedef struct upload {
    int size;   /* bytes to upload; 0: an empty file */
    int failed; /* set when the upload fails */
} upload;

/* func upload(f, wg) { defer wg.Done(); ... } */
static void uploader(upload *f, weft_wg *wg)
{
    weft_touch(&f->size);
    weft_wg_done(wg);
}

WEFT_MODEL(waitgroup_add_mismatch_deadlock, .category = "waitgroup", .expect = WEFT_DEADLOCK,
           .summary = "wg.Add(len(files)) up front, but empty files are skipped before `go upload`",
           .pattern = "A batch uploader calls wg.Add(2) for its two files, then starts one goroutine per file, "
                      "except that a later change skips empty files with `continue`. One goroutine runs and calls "
                      "Done once; the counter stays at 1 and wg.Wait() blocks forever.",
           .fix = "Call wg.Add(1) immediately before each `go`, on the same path, so that every Add has the "
                  "goroutine whose Done matches it.",
           .pair = "waitgroup_matched")
{
    upload *files = weft_alloc(2 * sizeof *files);
    files[0].size = 512;
    files[1].size = 0;
    weft_wg *wg = weft_wg_make();
    weft_name(wg, "uploads");
    weft_wg_add(wg, 2);
    for (int i = 0; i < 2; i++) {
        if (files[i].size == 0)
            continue; /* nothing to upload */
        WEFT_GO(uploader, &files[i], wg);
    }
    weft_wg_wait(wg);
}

/* func upload(f, wg) { if err := send(f); err != nil { return } ; wg.Done() } */
static void uploader_early_return(upload *f, weft_wg *wg, int fail)
{
    weft_touch(&f->size);
    if (fail) {
        f->failed = 1;
        return; /* the error path forgets wg.Done() */
    }
    weft_wg_done(wg);
}

WEFT_MODEL(waitgroup_done_skipped_deadlock, .category = "waitgroup", .expect = WEFT_DEADLOCK,
           .summary = "each upload calls wg.Done() at its end, but an error path returns before it",
           .pattern = "Each upload goroutine calls wg.Done() as its last statement instead of deferring it. When "
                      "an upload fails the goroutine returns early on the error path and never calls Done, so the "
                      "batch's wg.Wait() blocks forever.",
           .fix = "`defer wg.Done()` as the first statement of the goroutine: Done runs on every return path, "
                  "errors and panics included.",
           .pair = "waitgroup_matched")
{
    upload *files = weft_alloc(2 * sizeof *files);
    files[0].size = files[1].size = 512;
    weft_wg *wg = weft_wg_make();
    weft_name(wg, "uploads");
    for (int i = 0; i < 2; i++) {
        weft_wg_add(wg, 1);
        WEFT_GO(uploader_early_return, &files[i], wg, weft_choose(2));
    }
    weft_wg_wait(wg);
}

/* func upload(f, wg) { defer wg.Done(); if err := send(f); err != nil { return }; ... } */
static void uploader_deferred(upload *f, weft_wg *wg, int fail)
{
    weft_touch(&f->size);
    if (fail)
        f->failed = 1;
    weft_wg_done(wg); /* deferred: runs on every path */
}

WEFT_MODEL(waitgroup_matched, .category = "waitgroup", .expect = WEFT_OK,
           .summary = "wg.Add(1) just before each `go`, defer wg.Done() first thing in the goroutine",
           .pattern = "The batch skips empty files before adding to the WaitGroup, adds 1 right before each "
                      "`go`, and each goroutine defers Done, so errors do not skip it.",
           .fix = "Add and Done are paired on every path: the counter returns to zero and Wait returns.",
           .pair = "waitgroup_done_skipped_deadlock")
{
    upload *files = weft_alloc(2 * sizeof *files);
    files[0].size = 512;
    files[1].size = weft_choose(2) ? 512 : 0;
    weft_wg *wg = weft_wg_make();
    weft_name(wg, "uploads");
    for (int i = 0; i < 2; i++) {
        if (files[i].size == 0)
            continue;
        weft_wg_add(wg, 1);
        WEFT_GO(uploader_deferred, &files[i], wg, weft_choose(2));
    }
    weft_wg_wait(wg);
}
