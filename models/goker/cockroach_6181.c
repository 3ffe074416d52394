/* cockroach_6181.c: lookups re-take the range cache's read lock in String() while another lookup waits to write. */
/*
 * Port of GoBench GoKer kernel cockroach/6181 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/cockroach/6181/cockroach6181_test.go
 * GoBench class: Resource Deadlock / RWR deadlock.
 *
 * The buggy interleaving: three lookups run LookupRangeDescriptor, which holds
 * rangeCacheMu for reading, calls String() (which read-locks it again), then
 * releases it and takes the write lock. If one lookup is waiting for the write
 * lock while another holds the read lock and has not yet made its nested
 * RLock in String(), that nested RLock queues behind the writer (Go's writer
 * preference) and the writer waits for the outer read lock: the lookups block
 * forever, and so does G1's WaitGroup. The test body spawned G1 and returned.
 */
#include "model.h"

typedef struct c6181_cache {
    weft_rwmutex *range_cache_mu;
    bool fixed; /* LookupRangeDescriptor calls stringLocked instead of String */
} c6181_cache;

static const char *c6181_string_locked(c6181_cache *rdc)
{
    (void)rdc;
    return "something here";
}

static const char *c6181_string(c6181_cache *rdc)
{
    weft_rwmutex_rlock(rdc->range_cache_mu);
    const char *s = c6181_string_locked(rdc);
    weft_rwmutex_runlock(rdc->range_cache_mu); /* defer */
    return s;
}

static void c6181_lookup_range_descriptor(c6181_cache *rdc)
{
    weft_rwmutex_rlock(rdc->range_cache_mu);
    const char *s = rdc->fixed ? c6181_string_locked(rdc) : c6181_string(rdc); /* fmt.Printf / io.Discard */
    (void)s;
    weft_rwmutex_runlock(rdc->range_cache_mu);
    weft_rwmutex_lock(rdc->range_cache_mu);
    weft_rwmutex_unlock(rdc->range_cache_mu);
}

/* G2, G3, ...: doLookupWithToken then wg.Done(). */
static void c6181_lookup(c6181_cache *rdc, weft_wg *wg)
{
    c6181_lookup_range_descriptor(rdc);
    weft_wg_done(wg);
}

/* testRangeCacheCoalescedRquests, G1: pauseLookupResumeAndAssert. */
static void c6181_test(bool fixed)
{
    c6181_cache *rdc = weft_alloc(sizeof *rdc); /* initTestDescriptorDB */
    rdc->range_cache_mu = weft_rwmutex_make();
    rdc->fixed = fixed;
    weft_name(rdc->range_cache_mu, "rangeCacheMu");
    weft_wg *wg = weft_wg_make();
    for (int i = 0; i < 3; i++) {
        weft_wg_add(wg, 1);
        WEFT_GO(c6181_lookup, rdc, wg);
    }
    weft_wg_wait(wg);
}

WEFT_MODEL(cockroach_6181, .category = "goker", .expect = WEFT_LEAK,
           .summary = "cockroach#6181: String() re-takes rangeCacheMu's read lock while another lookup waits to "
                      "write",
           .pattern = "Each lookup read-locks the cache, calls String() which read-locks it again, then "
                      "write-locks it. A writer waiting between the two read locks of another lookup blocks the "
                      "nested RLock (Go's writer preference), and the writer waits for the outer read lock.",
           .fix = "Call stringLocked() while holding the read lock instead of String() (the upstream fix).",
           .pair = "cockroach_6181_fixed")
{
    WEFT_GO(c6181_test, false); /* G1 */
}

WEFT_MODEL(cockroach_6181_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "cockroach#6181 fixed: lookups call stringLocked() under the read lock",
           .pattern = "The same three lookups, with no nested read lock.",
           .fix = "Without a recursive RLock, a waiting writer only waits for readers that will release.",
           .pair = "cockroach_6181")
{
    WEFT_GO(c6181_test, true);
}
