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
	[DELIVERY_NOT_TEXTABLE] = "not_textable",
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

/* The next word of a name (blanks and commas between words): *len bytes at the result. */
static const char *
name_word(const char **s, size_t *len)
{
	const char *w;

	while (**s == ' ' || **s == '\t' || **s == ',')
		(*s)++;
	w = *s;
	while (**s && **s != ' ' && **s != '\t' && **s != ',')
		(*s)++;
	*len = (size_t)(*s - w);
	return w;
}

static bool
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80;
}

/* "Dr", "Dr.", "MRS", ...: a courtesy title, any case, with or without the dot. */
static bool
is_title(const char *w, size_t n)
{
	static const char *const titles[] = { "dr", "mr", "mrs", "ms", "miss", "mx", "prof",
					      "rev", "sir", "dame", "fr", NULL };
	char low[8];

	if (n > 0 && w[n - 1] == '.')
		n--;
	if (n == 0 || n >= sizeof low)
		return false;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] - 'A' + 'a' : w[i]);
	low[n] = '\0';
	for (size_t i = 0; titles[i]; i++)
		if (strcmp(low, titles[i]) == 0)
			return true;
	return false;
}

/* "J", "J.": an initial, not a name to greet by. */
static bool
is_initial(const char *w, size_t n)
{
	return (n == 1 && is_letter(w[0])) || (n == 2 && is_letter(w[0]) && w[1] == '.');
}

/* Appends word w to buf (at *at), capitalised when typed all in one case
 * ("MARCUS", "marcus" -> "Marcus"); mixed case ("McKay", "DeShawn") stays. */
static void
put_word(char *buf, size_t buflen, size_t *at, const char *w, size_t n)
{
	bool lower = false, upper = false;

	for (size_t i = 0; i < n; i++) {
		lower |= w[i] >= 'a' && w[i] <= 'z';
		upper |= w[i] >= 'A' && w[i] <= 'Z';
	}
	for (size_t i = 0; i < n && *at + 1 < buflen; i++) {
		char ch = w[i];

		if (lower != upper && (unsigned char)ch < 0x80) {
			if (i == 0 && ch >= 'a' && ch <= 'z')
				ch = (char)(ch - 'a' + 'A');
			else if (i > 0 && ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
		}
		buf[(*at)++] = ch;
	}
	buf[*at] = '\0';
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
	const char *p = name, *w, *last = NULL;
	size_t n, lastn = 0, at = 0;
	bool letters = false;

	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	if (!lead_name_usable(name))
		return buf;
	w = name_word(&p, &n);
	for (;;) {	/* the last word, for a title */
		size_t k;
		const char *x = name_word(&p, &k);

		if (k == 0)
			break;
		last = x;
		lastn = k;
	}
	if (is_title(w, n)) {
		/* "Dr. Smith", "Mrs Jane Doe": greet by title and surname. */
		if (last == NULL || is_initial(last, lastn))
			return buf;
		put_word(buf, buflen, &at, w, n);
		if (at + 1 < buflen)
			buf[at++] = ' ';
		put_word(buf, buflen, &at, last, lastn);
		return buf;
	}
	for (size_t i = 0; i < n; i++)
		letters |= is_letter(w[i]);
	if (!letters || is_initial(w, n))
		return buf;	/* "123", "J. Smith": the fallback reads better */
	put_word(buf, buflen, &at, w, n);
	return buf;
}

const char *
lead_last_name(const char *name, char *buf, size_t buflen)
{
	const char *p = name, *w, *last = NULL;
	size_t n, lastn = 0;

	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	if (!lead_name_usable(name))
		return buf;
	name_word(&p, &n);
	while ((w = name_word(&p, &n)), n > 0) {
		last = w;
		lastn = n;
	}
	if (last != NULL && !is_initial(last, lastn)) {
		size_t at = 0;

		put_word(buf, buflen, &at, last, lastn);
	}
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

bool
lead_id_listed(const char *list, const char *id)
{
	size_t n = id ? strlen(id) : 0;

	for (const char *p = list; p != NULL && n > 0 && *p; ) {
		size_t len = strcspn(p, " ");

		if (len == n && strncmp(p, id, n) == 0)
			return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}
