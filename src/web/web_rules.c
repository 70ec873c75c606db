/*
 * web_rules.c - the rules (managers, admins): the version the server runs
 * now (as loaded at start or by the last reload), read-only and escaped like
 * any text; what `rules check` says of it (the loader's own diagnostics,
 * FILE:LINE:COL); whether the file on disk has changed since (it takes
 * effect on reload) and what the check says of the new one; and the
 * history: every version that became active, when, by what, and how many
 * leads' plans run it (`rules history`). Never writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_load.h"
#include "store/store.h"
#include "web.h"

#define RULES_MAX_TEXT (1024 * 1024)	/* the loader's own limit */
#define HISTORY_SHOWN 20		/* versions listed, newest first */

/* The file at path now, or NULL (unreadable, or over the limit); caller frees. */
static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	size_t n;

	if (f == NULL)
		return NULL;
	if ((text = malloc(RULES_MAX_TEXT + 1)) != NULL) {
		n = fread(text, 1, RULES_MAX_TEXT + 1, f);
		if (ferror(f) || n > RULES_MAX_TEXT) {
			free(text);
			text = NULL;
		} else {
			text[n] = '\0';
		}
	}
	fclose(f);
	return text;
}

/* The check of text: a summary line and every diagnostic. */
static void
check(web_ctx *c, const char *text, const char *name)
{
	html *h = &c->h;
	rules_diags d = { 0 };
	rules *r = rules_load_string(text, strlen(text), name, &d);
	size_t warnings = d.n - d.nerrors;

	html_open(h, "p");
	html_attr(h, "class", r ? "notice ok" : "notice error");
	if (r != NULL)
		html_textf(h, "%s: ok (%zu people, %zu routing rules, %zu stages, %zu sequences, "
			   "%zu %s).", name, r->npeople, r->nroutes, r->nstages, r->nsequences,
			   warnings, warnings == 1 ? "warning" : "warnings");
	else
		html_textf(h, "%s: %zu %s - the server would refuse to start with it.", name,
			   d.nerrors, d.nerrors == 1 ? "error" : "errors");
	html_close(h);
	if (d.n > 0) {
		html_open(h, "ul");
		html_attr(h, "class", "diags");
		for (size_t i = 0; i < d.n; i++) {
			const rules_diag *g = &d.items[i];

			html_open(h, "li");
			html_attr(h, "class", g->warning ? "warning" : "error");
			html_textf(h, "%s:%d:%d: %s: ", g->file ? g->file : name, g->line, g->col,
				   g->warning ? "warning" : "error");
			html_text(h, g->message);
			html_close(h);
		}
		html_close(h);
	}
	rules_free(r);
	rules_diags_free(&d);
}

/* --- history -------------------------------------------------------------- */

typedef struct {
	web_ctx *c;
	int n;
} history_ctx;

static void
history_row(void *ctx, const store_rules_row *r)
{
	history_ctx *hc = ctx;
	web_ctx *c = hc->c;
	html *h = &c->h;
	char when[64], v[13];

	web_local_time(c, r->at, when, sizeof when);
	html_open(h, "tr");
	html_elem(h, "td", when);
	html_open(h, "td");
	html_open(h, "code");
	html_text(h, rules_version_short(r->hash, v));
	html_close(h);
	if (c->rules->version && strcmp(r->hash, c->rules->version) == 0 && hc->n == 0)
		html_text(h, " (running)");
	html_close(h);
	html_elem(h, "td", r->by ? r->by : "-");
	html_open(h, "td");
	html_attr(h, "class", "num");
	html_int(h, r->leads);
	html_close(h);
	html_close(h);	/* tr */
	hc->n++;
}

/* The versions that became active, newest first: a table, or a plain word. */
static void
history(web_ctx *c)
{
	html *h = &c->h;
	store *s = http_store(c->rq);
	history_ctx hc = { c, 0 };

	html_elem(h, "h2", "History");
	html_elem(h, "p", "Every version of the rules this business ran is kept (leadkeep rules "
		  "history; leadkeep rules diff shows what an edit does to the leads in flight).");
	html_open(h, "div");
	html_attr(h, "class", "scroll");
	/* A region that scrolls sideways on a phone must take the keyboard focus. */
	html_attr(h, "tabindex", "0");
	html_attr(h, "role", "region");
	html_attr(h, "aria-label", "Rules history");
	html_open(h, "table");
	html_open(h, "thead");
	html_open(h, "tr");
	html_elem(h, "th", "Active from");
	html_elem(h, "th", "Version");
	html_elem(h, "th", "By");
	html_open(h, "th");
	html_attr(h, "class", "num");
	html_text(h, "Leads on it");
	html_close(h);
	html_close(h);
	html_close(h);	/* thead */
	html_open(h, "tbody");
	if (s == NULL || store_rules_history(s, c->business_id, HISTORY_SHOWN, history_row, &hc) < 0) {
		html_open(h, "tr");
		html_open(h, "td");
		html_attr(h, "colspan", "4");
		html_text(h, "The history cannot be read just now.");
		html_close(h);
		html_close(h);
	}
	html_close(h);	/* tbody */
	html_close(h);	/* table */
	html_close(h);	/* div */
}

enum MHD_Result
web_rules(http_req *rq)
{
	enum MHD_Result ret;
	const http_config *cfg = &rq->srv->cfg;
	const char *file = cfg->rules_file, *name, *text;
	char *disk = NULL;
	web_ctx c;
	html *h;

	if (!web_begin(&c, rq, true, &ret))
		goto out;
	if (!web_role_sees_rules(c.user.role)) {
		ret = web_error_page(&c, 403, "Not allowed", "The rules page is for managers and "
				     "admins.");
		goto out;
	}
	h = &c.h;
	/* another business's page shows its own file */
	for (size_t i = 0; c.business_id != cfg->business_id && i < cfg->nothers; i++)
		if (cfg->others[i].id == c.business_id)
			file = cfg->others[i].file;
	name = file ? file : RULES_DEFAULT_NAME;
	/* what runs now: a reload may have replaced what was read at start */
	text = c.rules->text ? c.rules->text :
	       c.business_id != cfg->business_id ? NULL :
	       file ? cfg->rules_text : rules_default_yaml;
	web_page_start(&c, "Rules", "rules");
	html_elem(h, "h1", "Rules");
	html_open(h, "p");
	html_text(h, file ? "The rules file this server runs: " :
		  "This server runs the built-in demo rules (no rules.yaml in its data "
		  "directory and no --rules): ");
	html_open(h, "code");
	html_text(h, name);
	html_close(h);
	html_text(h, ". Read-only here: edit the file, check it with leadkeep rules check, see "
		  "what it does to the leads in flight with leadkeep rules diff, then reload the "
		  "server (systemctl reload leadkeep, or SIGHUP): a file that checks takes effect "
		  "at once.");
	html_close(h);

	html_elem(h, "h2", "Check");
	if (text != NULL)
		check(&c, text, name);
	if (file != NULL) {
		disk = read_file(file);
		if (disk == NULL) {
			html_open(h, "p");
			html_attr(h, "class", "notice error");
			html_text(h, "The file cannot be read now (moved, removed, or over a "
				  "megabyte). The server keeps the rules it loaded at start.");
			html_close(h);
		} else if (text == NULL || strcmp(disk, text) != 0) {
			html_open(h, "p");
			html_attr(h, "class", "notice error");
			html_text(h, "The file on disk has changed since the server loaded it. The "
				  "server runs the version it loaded until it is reloaded; the file "
				  "on disk now checks:");
			html_close(h);
			check(&c, disk, name);
		}
	}

	history(&c);

	html_elem(h, "h2", "The file");
	if (text == NULL) {
		html_elem(h, "p", "The text of the file as loaded was not kept (it could not be "
			  "read again when it was loaded).");
	} else {
		html_open(h, "pre");
		html_attr(h, "class", "rules");
		/* It scrolls: reachable from the keyboard (WCAG 2.1.1). */
		html_attr(h, "tabindex", "0");
		html_attr(h, "role", "region");
		html_attr(h, "aria-label", "The rules file");
		html_open(h, "code");
		html_text(h, text);
		html_close(h);
		html_close(h);
	}
	web_page_end(&c);
	ret = web_send(&c, 200, NULL);
out:
	free(disk);
	web_end(&c);
	return ret;
}
