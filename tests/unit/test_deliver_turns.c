/*
 * test_deliver_turns.c - the dispatcher's turns among the businesses it
 * serves (deliver_turn_lane, deliver_turns_next): every business once a
 * round, and the business picking first - the one that takes every slot
 * free at that moment - is the one after the last that got a slot, so two
 * businesses with a backlog alternate however many idle ones lie between
 * them. bench/fairness.sh measured the install's own business, always
 * first, holding every slot while another's acknowledgment waited for its
 * whole backlog; bench/scale_many.sh, with 1,000 businesses, a first pick
 * that only moved on by one a round serving the quiet one 6 rounds in 1,001.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "deliver/deliver_internal.h"

static void
every_lane_once_a_round(void **state)
{
	(void)state;
	for (size_t n = 1; n <= 7; n++)
		for (size_t first = 0; first < 20; first++) {
			int seen[7] = { 0 };

			for (size_t k = 0; k < n; k++) {
				size_t j = deliver_turn_lane(first, k, n);

				assert_true(j < n);
				seen[j]++;
			}
			for (size_t j = 0; j < n; j++)
				assert_int_equal(seen[j], 1);
		}
}

/* Rounds of a dispatcher with one free slot each (a reply just freed it),
 * lanes busy[] with a backlog: how many slots each lane got. */
static void
simulate(size_t nlanes, const size_t *busy, size_t nbusy, int rounds, int *got)
{
	size_t first = 0;

	for (int r = 0; r < rounds; r++) {
		int free_slots = 1;
		size_t next = first;

		for (size_t k = 0; k < nlanes; k++) {
			size_t j = deliver_turn_lane(first, k, nlanes);
			int started = 0;

			for (size_t b = 0; b < nbusy; b++)
				if (busy[b] == j && free_slots > 0) {
					started = free_slots;
					free_slots = 0;
				}
			got[j] += started;
			next = deliver_turns_next(next, j, started, nlanes);
		}
		first = next;
	}
}

static void
two_backlogs_alternate(void **state)
{
	static int got[1001];
	const size_t own_and_one[] = { 0, 1 }, far_apart[] = { 8, 14 };

	(void)state;
	/* The install's own business and another. */
	memset(got, 0, sizeof got);
	simulate(2, own_and_one, 2, 200, got);
	assert_int_equal(got[0], 100);
	assert_int_equal(got[1], 100);
	/* 1,001 businesses, two with a backlog: the one further on is not
	 * served only when the first pick happens to pass it. */
	memset(got, 0, sizeof got);
	simulate(1001, far_apart, 2, 200, got);
	assert_int_equal(got[8], 100);
	assert_int_equal(got[14], 100);
}

static void
nothing_started_keeps_the_first(void **state)
{
	(void)state;
	assert_int_equal(deliver_turns_next(5, 9, 0, 10), 5);
	assert_int_equal(deliver_turns_next(5, 9, 1, 10), 0);
	assert_int_equal(deliver_turns_next(5, 3, 2, 10), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_lane_once_a_round),
		cmocka_unit_test(two_backlogs_alternate),
		cmocka_unit_test(nothing_started_keeps_the_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
