/*
 * test_deliver_turns.c - the dispatcher's turns among the businesses it
 * serves (deliver_turn_lane): every business once a round, and the first
 * pick - the one that takes every slot free at that moment - moves on every
 * round, so a quiet business's acknowledgment is never behind more than one
 * round of every other business's backlog (bench/fairness.sh measured the
 * install's own business, always first, holding every slot while another's
 * acknowledgment waited for its whole backlog).
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
		for (unsigned long round = 0; round < 20; round++) {
			int seen[7] = { 0 };

			for (size_t k = 0; k < n; k++) {
				size_t j = deliver_turn_lane(round, k, n);

				assert_true(j < n);
				seen[j]++;
			}
			for (size_t j = 0; j < n; j++)
				assert_int_equal(seen[j], 1);
		}
}

static void
the_first_pick_moves_on(void **state)
{
	int first[3] = { 0 };

	(void)state;
	/* Two businesses: the install's own (lane 0) and another (lane 1) -
	 * the other picks first every second round, not never. */
	assert_int_equal(deliver_turn_lane(0, 0, 2), 0);
	assert_int_equal(deliver_turn_lane(1, 0, 2), 1);
	assert_int_equal(deliver_turn_lane(2, 0, 2), 0);
	/* Three: each first once in any three rounds in a row. */
	for (unsigned long round = 5; round < 8; round++)
		first[deliver_turn_lane(round, 0, 3)]++;
	assert_int_equal(first[0], 1);
	assert_int_equal(first[1], 1);
	assert_int_equal(first[2], 1);
	/* Past the counter's wrap still a lane. */
	assert_true(deliver_turn_lane((unsigned long)-1, 1, 3) < 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_lane_once_a_round),
		cmocka_unit_test(the_first_pick_moves_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
