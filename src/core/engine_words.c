/*
 * engine_words.c - what a lead's words are: a carrier keyword (STOP, START,
 * HELP, said exactly), a plain-language request to stop that a person should
 * confirm ("Stop texting me please", "STOP.", "wrong number"), an auto-reply
 * that is not the lead speaking ("I'm driving", out of office), or a reply.
 * Pure text rules; the decisions live in engine_inbound.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine_internal.h"

static const char *const stop_words[] = { "stop", "stopall", "unsubscribe", "cancel", "end",
					  "quit", NULL };
static const char *const start_words[] = { "start", "unstop", "yes", NULL };

static bool
in_list(const char *w, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcasecmp(w, list[i]) == 0)
			return true;
	return false;
}

/* The carrier's keywords: the whole message, one word, any case. */
static engine_words_kind
keyword(const char *text)
{
	char word[16];
	size_t n = 0;

	while (isspace((unsigned char)*text))
		text++;
	while (*text && !isspace((unsigned char)*text) && n < sizeof word - 1)
		word[n++] = *text++;
	word[n] = '\0';
	while (isspace((unsigned char)*text))
		text++;
	if (*text != '\0' || n == 0)
		return WORDS_REPLY;	/* a keyword is the whole message */
	if (in_list(word, stop_words))
		return WORDS_STOP;
	if (in_list(word, start_words))
		return WORDS_START;
	return strcasecmp(word, "HELP") == 0 || strcasecmp(word, "INFO") == 0 ? WORDS_HELP :
	       WORDS_REPLY;
}

/* " stop texting me please ": lower-case words of letters and digits between
 * single blanks, apostrophes dropped ("don't" -> "dont", also the typographic
 * one), so phrases match whole words. */
static void
normalise(const char *text, char *out, size_t len)
{
	size_t n = 0;
	bool blank = true;

	if (len < 3)
		return;
	out[n++] = ' ';
	for (const unsigned char *p = (const unsigned char *)text; *p && n + 2 < len; p++) {
		if (*p == '\'' || (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x98 || p[2] == 0x99))) {
			p += *p == '\'' ? 0 : 2;
			continue;
		}
		if (isalnum(*p)) {
			out[n++] = (char)tolower(*p);
			blank = false;
		} else if (!blank) {
			out[n++] = ' ';
			blank = true;
		}
	}
	if (!blank)
		out[n++] = ' ';
	out[n] = '\0';
}

static bool
has_phrase(const char *norm, const char *const *phrases)
{
	char pat[64];

	for (size_t i = 0; phrases[i]; i++) {
		snprintf(pat, sizeof pat, " %s ", phrases[i]);
		if (strstr(norm, pat) != NULL)
			return true;
	}
	return false;
}

/* A message of only stop words and politeness ("STOP.", "Stop please", "stop
 * stop", "Unsubscribe!"): the keyword said a little differently. */
static bool
near_keyword(const char *norm)
{
	static const char *const filler[] = { "please", "pls", "plz", "now", "it", "thanks",
					      "thank", "you", "me", "all", "already", "asap",
					      "right", "ok", "okay", NULL };
	char w[32];
	bool stop = false;

	for (const char *p = norm; *p;) {
		size_t n = 0;

		while (*p == ' ')
			p++;
		while (*p && *p != ' ' && n + 1 < sizeof w)
			w[n++] = *p++;
		w[n] = '\0';
		if (n == 0)
			break;
		if (in_list(w, stop_words))
			stop = true;
		else if (!in_list(w, filler))
			return false;
	}
	return stop;
}

engine_words_kind
engine_words(const char *text, bool sms, bool opted_out)
{
	static const char *const opt_out[] = {
		"stop texting", "stop text", "stop txting", "stop messaging", "stop sending",
		"stop contacting", "stop calling", "stop emailing", "stop the texts",
		"stop these texts", "stop the messages", "stop these messages", "no more texts",
		"no more messages", "no more emails", "remove me", "take me off", "unsubscribe",
		"opt out", "opt me out", "optout", "wrong number", "wrong person", "do not text",
		"dont text", "do not contact", "dont contact", "do not call", "dont call",
		"do not email", "dont email", "leave me alone", NULL
	};
	static const char *const auto_reply[] = {
		"im driving", "i am driving", "do not disturb while driving",
		"driving with do not disturb", "see your message when i get where im going",
		"out of office", "out of the office", "auto reply", "autoreply",
		"automatic reply", "automated reply", "this is an automated", "im busy right now",
		"i am busy right now", NULL
	};
	char norm[512];
	engine_words_kind k;

	if (text == NULL)
		return WORDS_REPLY;
	if (sms && (k = keyword(text)) != WORDS_REPLY) {
		/* START means "send me texts again" only to a lead who stopped them;
		 * from anyone else ("Yes" to a check-in) it is an answer. */
		if (k == WORDS_START && !opted_out)
			return WORDS_REPLY;
		return k;
	}
	normalise(text, norm, sizeof norm);
	if (has_phrase(norm, auto_reply))
		return WORDS_AUTO_REPLY;
	if (near_keyword(norm) || has_phrase(norm, opt_out))
		return WORDS_MAYBE_STOP;
	return WORDS_REPLY;
}
