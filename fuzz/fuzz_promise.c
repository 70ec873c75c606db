// fuzz-sources: src/core/appointment.c src/core/tz.c
/*
 * fuzz_promise.c - libFuzzer target for appt_promise_parse: a person's words
 * ("call back after 5 pm", "try again Thursday morning") read into a time.
 *
 * Input: the words (any bytes). Beyond "no crash", it checks the contract:
 * a time found is after now and at most eight days away (a weekday is the
 * next one, a time alone today or tomorrow); none found leaves *out alone.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/appointment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static tz_zone *utc;
	static rules_business b;
	const int64_t now = 1796745600;		/* Tue 2026-12-08 16:00 UTC */
	int64_t at = -7;
	char *text;

	if (utc == NULL) {
		if ((utc = tz_utc()) == NULL)
			abort();
		b.zone = utc;
		for (int d = 1; d <= 5; d++) {
			b.hours[d][0] = (rules_span){ 8 * 60, 17 * 60 };
			b.nspans[d] = 1;
		}
	}
	if (size > 4096)
		return 0;
	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (appt_promise_parse(utc, &b, text, now, &at) == 0) {
		if (at <= now || at > now + 8 * 86400)
			abort();
	} else if (at != -7) {
		abort();
	}
	free(text);
	return 0;
}
