/*
 * demo_rules.h - the engine tests' shared fixture: the built-in demo rules,
 * loaded once per group (cmocka group setup/teardown), and local wall time in
 * the demo business's zone (America/Chicago). Each test file is its own
 * program, so the static state here is its own.
 */
#ifndef LK_TEST_DEMO_RULES_H
#define LK_TEST_DEMO_RULES_H

#include <stdint.h>
#include <string.h>

#include "core/tz.h"
#include "rules/rules_load.h"

static rules *R;

static inline int
demo_rules_setup(void **state)
{
	rules_diags d = { 0 };

	(void)state;
	R = rules_load_string(rules_default_yaml, strlen(rules_default_yaml), "default", &d);
	rules_diags_free(&d);
	return R ? 0 : -1;
}

static inline int
demo_rules_teardown(void **state)
{
	(void)state;
	rules_free(R);
	return 0;
}

/* Local wall time in the business's zone. */
static inline int64_t
local(int y, int mo, int d, int h, int mi)
{
	int64_t t;

	tz_from_local(R->business.zone, y, mo, d, h, mi, &t);
	return t;
}

#endif
