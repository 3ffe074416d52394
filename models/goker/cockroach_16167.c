/* cockroach_16167.c: the executor re-takes a read lock it holds while a config update waits to write. */
/*
 * Port of GoBench GoKer kernel cockroach/16167 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/cockroach/16167/cockroach16167_test.go
 * GoBench class: Resource Deadlock / RWR deadlock.
 *
 * The buggy interleaving: the test (G2) runs execParsed, which read-locks
 * systemConfigMu through systemConfigCond.L (the RWMutex's RLocker) and, deep
 * in the statement path, calls getDatabaseCache, which read-locks it again.
 * Meanwhile Start (G1) calls updateSystemConfig, which write-locks it. If the
 * writer arrives between the two read locks, Go's writer preference parks the
 * second RLock behind the writer, and the writer waits for the first read lock
 * to be released: the test body and G1 wait on each other forever.
 */
#include "model.h"

typedef struct c16167_executor {
    weft_rwmutex *system_config_mu; /* L1 */
    weft_cond *system_config_cond;  /* sync.NewCond(systemConfigMu.RLocker()) */
} c16167_executor;

static void c16167_get_database_cache(c16167_executor *e)
{
    weft_rwmutex_rlock(e->system_config_mu);
    weft_rwmutex_runlock(e->system_config_mu); /* defer */
}

/* runTxnAttempt -> execStmtsInCurrentTxn -> execStmtInOpenTxn -> PreparedStatements.New -> Prepare
 * -> resetForBatch -> getDatabaseCache */
static void c16167_run_txn_attempt(c16167_executor *e)
{
    c16167_get_database_cache(e);
}

static void c16167_exec_parsed(c16167_executor *e)
{
    weft_rwmutex_rlock(e->system_config_mu); /* e.systemConfigCond.L.Lock(): the RLocker */
    c16167_run_txn_attempt(e);
    weft_rwmutex_runlock(e->system_config_mu); /* defer e.systemConfigCond.L.Unlock() */
}

static void c16167_update_system_config(c16167_executor *e)
{
    weft_rwmutex_lock(e->system_config_mu);
    weft_rwmutex_unlock(e->system_config_mu); /* defer */
}

static void c16167_start(c16167_executor *e) /* G1 */
{
    c16167_update_system_config(e);
}

WEFT_MODEL(cockroach_16167, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "cockroach#16167: a recursive read lock of systemConfigMu deadlocks with a waiting writer",
           .pattern = "execParsed holds the read lock (through the condition's RLocker) and later read-locks "
                      "again in getDatabaseCache. A writer that arrives in between blocks new readers (Go's "
                      "writer preference), so the second RLock waits for the writer, which waits for the first "
                      "read lock.",
           .fix = "Never read-lock recursively: code that runs under the read lock must not take it again (pass "
                  "the locked state down, or release before calling).",
           .pair = NULL)
{
    c16167_executor *e = weft_alloc(sizeof *e); /* NewExectorAndSession */
    e->system_config_mu = weft_rwmutex_make();
    e->system_config_cond = weft_cond_make_rlocker(e->system_config_mu);
    weft_name(e->system_config_mu, "systemConfigMu");
    weft_name(e->system_config_cond, "systemConfigCond");
    WEFT_GO(c16167_start, e); /* G1 */
    c16167_exec_parsed(e);    /* G2 */
}
