/* kubernetes_62464.c: the CPU manager's state re-takes its read lock while the policy waits to write. */
/*
 * Port of GoBench GoKer kernel kubernetes/62464 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/kubernetes/62464/kubernetes62464_test.go
 * GoBench class: Resource Deadlock / RWR deadlock.
 *
 * The buggy interleaving: reconcileState (G1) calls GetCPUSetOrDefault, which
 * holds the state's read lock and calls GetCPUSet (and possibly
 * GetDefaultCPUSet), each of which read-locks again. RemoveContainer (G2)
 * calls GetDefaultCPUSet and then SetDefaultCPUSet, which write-locks. If G2's
 * Lock arrives between G1's outer and nested RLock, the nested RLock waits
 * behind the writer (Go's writer preference) and the writer waits for G1's
 * outer read lock. The test body spawned both and returned: both leak.
 *
 * Porting note: rand.Intn(10) > 5 becomes weft_choose(2): only whether the
 * lookup hits matters.
 */
#include "model.h"

typedef struct k62464_state {
    weft_rwmutex *mu; /* the embedded sync.RWMutex */
    bool fixed;       /* GetCPUSetOrDefault does not hold the read lock around its getters */
} k62464_state;

static bool k62464_get_cpu_set(k62464_state *s)
{
    weft_rwmutex_rlock(s->mu);
    bool hit = weft_choose(2) == 1; /* rand.Intn(10) > 5 */
    weft_rwmutex_runlock(s->mu);   /* defer */
    return hit;
}

static void k62464_get_default_cpu_set(k62464_state *s)
{
    weft_rwmutex_rlock(s->mu);
    weft_rwmutex_runlock(s->mu); /* defer */
}

static void k62464_set_default_cpu_set(k62464_state *s)
{
    weft_rwmutex_lock(s->mu);
    weft_rwmutex_unlock(s->mu); /* defer */
}

static void k62464_get_cpu_set_or_default(k62464_state *s)
{
    if (!s->fixed)
        weft_rwmutex_rlock(s->mu);
    if (!k62464_get_cpu_set(s))
        k62464_get_default_cpu_set(s);
    if (!s->fixed)
        weft_rwmutex_runlock(s->mu); /* defer */
}

static void k62464_reconcile_state(k62464_state *s) /* G1: m.reconcileState() */
{
    k62464_get_cpu_set_or_default(s);
}

static void k62464_remove_container(k62464_state *s) /* G2: p.RemoveContainer(m.state) */
{
    k62464_get_default_cpu_set(s);
    k62464_set_default_cpu_set(s);
}

static void k62464_test(bool fixed)
{
    k62464_state *s = weft_alloc(sizeof *s); /* NewPolicyAndManager */
    s->mu = weft_rwmutex_make();
    s->fixed = fixed;
    weft_name(s->mu, "stateMemory");
    WEFT_GO(k62464_reconcile_state, s);
    WEFT_GO(k62464_remove_container, s);
}

WEFT_MODEL(kubernetes_62464, .category = "goker", .expect = WEFT_LEAK,
           .summary = "kubernetes#62464: GetCPUSetOrDefault read-locks recursively while SetDefaultCPUSet waits "
                      "to write",
           .pattern = "A getter holds the read lock and calls other getters that read-lock again. A writer that "
                      "arrives between the two read locks blocks the nested RLock (Go's writer preference) and "
                      "itself waits for the outer read lock.",
           .fix = "Do not read-lock recursively: GetCPUSetOrDefault calls the getters without holding the read "
                  "lock itself (each getter locks on its own).",
           .pair = "kubernetes_62464_fixed")
{
    k62464_test(false);
}

WEFT_MODEL(kubernetes_62464_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "kubernetes#62464 fixed: no nested read lock in GetCPUSetOrDefault",
           .pattern = "The same reconcile and remove tasks, with GetCPUSetOrDefault not holding the lock around "
                      "its getters.",
           .fix = "Each read lock is released before the next is requested, so a waiting writer always gets in.",
           .pair = "kubernetes_62464")
{
    k62464_test(true);
}
