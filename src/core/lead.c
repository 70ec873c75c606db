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

bool
lead_name_usable(const char *name)
{
	static const char *const junk[] = { "na", "n/a", "none", "null", "unknown", "no name",
					    "anonymous", "test", "nil", NULL };
	char low[32];
	size_t n = 0;
	bool letter = false;

	if (name == NULL)
		return false;
	while (*name == ' ' || *name == '\t')
		name++;
	for (const char *p = name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (unsigned char)*p >= 0x80)
			letter = true;
		if (n + 1 < sizeof low)
			low[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	}
	while (n > 0 && (low[n - 1] == ' ' || low[n - 1] == '\t' || low[n - 1] == '.'))
		n--;
	low[n] = '\0';
	if (!letter)
		return false;
	for (size_t i = 0; junk[i]; i++)
		if (strcmp(low, junk[i]) == 0)
			return false;
	return true;
}
