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
