/*
 * serve_businesses.h - the businesses serve hosts besides the install's own:
 * every enabled one of `leadkeep business list`, each with its rules in
 * force (rules_live) read from its own file. A business whose file has
 * errors is left out (logged FILE:LINE:COL) and the others run: one
 * client's typo never stops an agency's install. Nothing here serves a
 * request; cmd_serve.c gives them to the scheduler.
 */
#ifndef LK_SERVE_BUSINESSES_H
#define LK_SERVE_BUSINESSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "deliver/deliver.h"
#include "http/http_settings.h"
#include "rules/rules_live.h"

typedef struct {
	int64_t id;
	char slug[48];
	char file[4096];
	rules_live *live;	/* owned */
	settings *sources;	/* owned: its forms and hooks (its file's sources:) */
	deliver_config *providers; /* owned, may be NULL: its providers as read with
				 * its file, for cmd_serve.c to bind and take (not
				 * read again); NULL: read them again */
	bool off;		/* disabled since it was hosted (a SIGHUP): kept, as
				 * threads may still read its rules, until exit */
} serve_business;

typedef struct {
	serve_business *items;
	size_t n;
	size_t skipped;		/* enabled but not hosted: their files have errors */
} serve_businesses;

/* Loads every enabled business but the install's own through e's store: its
 * file read, its rules version kept and its leads in flight moved onto it
 * (as serve does for its own), its forms and hooks. A business with a form
 * or hook key, a Meta page, a Twilio number or messaging service that own's
 * (the install's own settings) or a business loaded before it already has
 * is left out, logged: a key names one business (and one with a Meta app
 * secret but no page_ids is warned about: no Meta lead would reach it). 0,
 * or -1 with err set (the database); *out is freed by serve_businesses_free
 * either way. */
int serve_businesses_load(cli_env *e, const settings *own, serve_businesses *out, char *err,
			  size_t errlen);

/* SIGHUP, first: the businesses enabled, disabled or added since (`leadkeep
 * business`): one added or enabled is loaded as serve_businesses_load does
 * (appended to b: indexes never move), one disabled is marked off. 1 when
 * the hosted set changed, 0 not, -1 the database failed (logged; nothing
 * changed). */
int serve_businesses_sync(cli_env *e, const settings *own, serve_businesses *b);

/* SIGHUP: each hosted business's file again; a good one whose rules changed
 * is put in force and its leads moved, one with errors is refused (logged)
 * and its rules in force stay. One marked off is left alone. */
void serve_businesses_reload(cli_env *e, serve_businesses *b);

/* After every thread that reads their rules has stopped. */
void serve_businesses_free(serve_businesses *b);

#endif
