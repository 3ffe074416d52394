/* verdict.h: descriptions of tasks, objects and blocked clauses for reports. */
#ifndef WEFT_VERDICT_H
#define WEFT_VERDICT_H

#include <stdarg.h>

#include "strategy.h"

void weft__obj_label(const void *obj, bool raw, char *buf, size_t n) WEFT__HIDDEN;
void weft__task_label(int id, char *buf, size_t n) WEFT__HIDDEN;
void weft__dur(int64_t ns, char *buf, size_t n) WEFT__HIDDEN;
void weft__explain(const weft__task *t, const weft__clause *c, char *state, size_t sn, char *why, size_t wn)
    WEFT__HIDDEN;

void weft__lost_summary(char *buf, size_t n) WEFT__HIDDEN;

#endif
