/*
 * cli_prove.h - the rules prover's sandbox (cli_prove.c), for `rules check`.
 */
#ifndef LK_CLI_PROVE_H
#define LK_CLI_PROVE_H

#include <stdint.h>

#include "core/rules.h"
#include "http/http_settings.h"
#include "prove/prove.h"

/*
 * Runs one synthetic lead of every class (every source leadkeep's doors give
 * and st's forms and hooks (st may be NULL) x every kind the rules route x
 * the channels the source can carry x every prove_arrivals() time from now)
 * through the real engine and flow in one throwaway database, on the virtual
 * clock of simulate (sched_run_until) to the end of its plan, and judges each
 * into rep (zeroed here). r and st are borrowed. 0, or -1 with err set when
 * the sandbox could not run.
 */
int cli_prove_run(const rules *r, const settings *st, int64_t now, prove_report *rep,
		  char *err, size_t errlen);

#endif
