/*
 * lead.c - small helpers over the lead model. Pure.
 */
#include <string.h>

#include "lead.h"

lead_event
lead_event_init(lead_event_kind kind)
{
	lead_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.amount_cents = -1;
	ev.step = -1;
	ev.level = -1;
	return ev;
}

static const char *const outcome_names[] = {
	[DELIVERY_SENT] = "sent",
	[DELIVERY_FAILED] = "failed",
	[DELIVERY_DEAD] = "dead",
	[DELIVERY_UNKNOWN] = "unknown",
	[DELIVERY_CONFIRMED] = "confirmed",
	[DELIVERY_CARRIER_OPT_OUT] = "carrier_opt_out",
	[DELIVERY_INVALID_PHONE] = "invalid_phone",
	[DELIVERY_BOUNCED] = "bounced",
	[DELIVERY_CANCELLED] = "cancelled",
};

const char *
delivery_outcome_name(delivery_outcome o)
{
	return (unsigned)o < sizeof outcome_names / sizeof outcome_names[0] ? outcome_names[o] :
	       "invalid";
}

int
delivery_outcome_parse(const char *name, delivery_outcome *out)
{
	for (size_t i = 0; name != NULL && i < sizeof outcome_names / sizeof outcome_names[0]; i++) {
		if (strcmp(name, outcome_names[i]) == 0) {
			*out = (delivery_outcome)i;
			return 0;
		}
	}
	return -1;
}

/* One byte of a custom field's name as templates and rules write it. */
static int
custom_char(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 'a';
	return ch == ' ' || ch == '-' ? '_' : ch;
}

const char *
lead_custom_get(const lead *l, const char *name)
{
	if (l == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < l->ncustom; i++) {
		const unsigned char *a = (const unsigned char *)l->custom[i].name;
		const unsigned char *b = (const unsigned char *)name;

		while (*a && *b && custom_char(*a) == custom_char(*b))
			a++, b++;
		if (*a == '\0' && *b == '\0')
			return l->custom[i].value;
	}
	return NULL;
}

const char *
lead_first_name(const char *name, char *buf, size_t buflen)
{
	size_t n = 0;

	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	if (name == NULL)
		return buf;
	while (*name == ' ' || *name == '\t')
		name++;
	while (name[n] != '\0' && name[n] != ' ' && name[n] != '\t' && name[n] != ',')
		n++;
	if (n >= buflen)
		n = buflen - 1;
	memcpy(buf, name, n);
	buf[n] = '\0';
	return buf;
}
