/*
 * test_states.c - the transition tables of timers, tasks and lead status:
 * names round-trip, the legal edges exist, and every other edge is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/lead.h"
#include "core/states.h"

/* The whole table as a string of "from>to" edges, for one exact comparison. */
#define EDGES(nstates, allowed_fn, name_fn, type, buf)                                 \
	do {                                                                            \
		(buf)[0] = '\0';                                                        \
		for (int f_ = 0; f_ < (nstates); f_++)                                  \
			for (int t_ = 0; t_ < (nstates); t_++)                          \
				if (allowed_fn((type)f_, (type)t_)) {                   \
					strcat(buf, name_fn((type)f_));                 \
					strcat(buf, ">");                               \
					strcat(buf, name_fn((type)t_));                 \
					strcat(buf, " ");                               \
				}                                                       \
	} while (0)

static void
names_round_trip_and_unknown_names_are_refused(void **state)
{
	timer_state ts;
	task_state ks;
	lead_status ls;

	(void)state;
	for (int i = 0; i < TIMER_NSTATES; i++) {
		assert_int_equal(timer_state_parse(timer_state_name((timer_state)i), &ts), 0);
		assert_int_equal(ts, i);
	}
	for (int i = 0; i < TASK_NSTATES; i++) {
		assert_int_equal(task_state_parse(task_state_name((task_state)i), &ks), 0);
		assert_int_equal(ks, i);
	}
	for (int i = 0; i < LEAD_NSTATUSES; i++) {
		assert_int_equal(lead_status_parse(lead_status_name((lead_status)i), &ls), 0);
		assert_int_equal(ls, i);
	}
	assert_string_equal(lead_status_name(STATUS_NURTURE), LEAD_STATUS_NURTURE);
	assert_string_equal(timer_state_name((timer_state)99), "invalid");
	assert_int_equal(timer_state_parse("Pending", &ts), -1);
	assert_int_equal(task_state_parse(NULL, &ks), -1);
	assert_int_equal(lead_status_parse("closed", &ls), -1);
}

static void
timers_only_leave_pending(void **state)
{
	char edges[512];

	(void)state;
	EDGES(TIMER_NSTATES, timer_state_allowed, timer_state_name, timer_state, edges);
	assert_string_equal(edges, "pending>fired pending>cancelled pending>error ");
	assert_false(timer_state_allowed(TIMER_FIRED, TIMER_PENDING));	/* never fires twice */
	assert_false(timer_state_allowed(TIMER_PENDING, TIMER_PENDING));
	assert_false(timer_state_allowed(TIMER_PENDING, (timer_state)TIMER_NSTATES));
}

static void
tasks_only_leave_open(void **state)
{
	char edges[512];

	(void)state;
	EDGES(TASK_NSTATES, task_state_allowed, task_state_name, task_state, edges);
	assert_string_equal(edges, "open>done open>cancelled open>reassigned ");
	assert_false(task_state_allowed(TASK_DONE, TASK_CANCELLED));	/* closed twice */
	assert_false(task_state_allowed(TASK_DONE, TASK_OPEN));	/* reopened */
}

static void
lead_status_edges_are_what_the_engine_does(void **state)
{
	char edges[1024];

	(void)state;
	EDGES(LEAD_NSTATUSES, lead_status_allowed, lead_status_name, lead_status, edges);
	assert_string_equal(edges,
			    "open>won open>lost open>archived open>nurture "
			    "won>open won>won won>lost "
			    "lost>open lost>won lost>lost lost>archived lost>nurture "
			    "archived>open archived>won archived>lost "
			    "nurture>open nurture>won nurture>lost nurture>archived "
			    "nurture>nurture ");
	/* A won customer never goes cold; an archived lead runs no sequence. */
	assert_false(lead_status_allowed(STATUS_WON, STATUS_ARCHIVED));
	assert_false(lead_status_allowed(STATUS_WON, STATUS_NURTURE));
	assert_false(lead_status_allowed(STATUS_ARCHIVED, STATUS_NURTURE));
	assert_false(lead_status_allowed(STATUS_OPEN, STATUS_OPEN));
	assert_true(lead_status_allowed_names("lost", "open"));
	assert_false(lead_status_allowed_names("won", "archived"));
	assert_false(lead_status_allowed_names("open", "closed"));
	assert_false(lead_status_allowed_names(NULL, "open"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip_and_unknown_names_are_refused),
		cmocka_unit_test(timers_only_leave_pending),
		cmocka_unit_test(tasks_only_leave_open),
		cmocka_unit_test(lead_status_edges_are_what_the_engine_does),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
