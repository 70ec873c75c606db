/*
 * engine_customer.c - a past customer (a won lead) writes, calls or asks
 * again: not a new sale to chase but a service request - "can you send me the
 * invoice again?" - for the office to answer. No sales sequence starts.
 */
#include <string.h>

#include "engine_internal.h"

void
engine_customer_request(engine_ctx *c, const char *via, const char *text, const char *verb)
{
	const rules_person *office = rules_person_by_role(c->r, "office");
	const char *to = office ? office->id : c->owner;
	size_t n = text ? strlen(text) : 0;
	int cut = n > 160 ? 160 : (int)n;

	while (cut > 0 && cut < (int)n && ((unsigned char)text[cut] & 0xC0) == 0x80)
		cut--;
	engine_mark(c, "inbound");
	engine_event(c, "customer.request", "Service request from customer %s by %s%s%.*s%s",
		     engine_display_name(c->l), via, n ? ": " : "", cut, n ? text : "",
		     (size_t)cut < n ? "..." : "");
	engine_create_task(c, verb, n ? engine_fmt(c, "Service request from customer %s by %s: "
						   "\"%.*s%s\" - answer them",
						   engine_display_name(c->l), via, cut, text,
						   (size_t)cut < n ? "..." : "") :
				    engine_fmt(c, "Service request from customer %s by %s - "
					       "answer them", engine_display_name(c->l), via),
			   to, REPLY_WINDOW, true, NULL);
}
