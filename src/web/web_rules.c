/*
 * web_rules.c - the rules (managers, admins): the file the server runs, as
 * it was loaded at start, read-only and escaped like any text; what `rules
 * check` says of it (the loader's own diagnostics, FILE:LINE:COL); whether
 * the file on disk has changed since (it takes effect on restart) and what
 * the check says of the new one; and the history, which leadkeep does not
 * keep (the page says so). Never writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_load.h"
#include "web.h"

#define RULES_MAX_TEXT (1024 * 1024)	/* the loader's own limit */

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

enum MHD_Result
web_rules(http_req *rq)
{
	enum MHD_Result ret;
	const http_config *cfg = &rq->srv->cfg;
	const char *name = cfg->rules_file ? cfg->rules_file : RULES_DEFAULT_NAME;
	const char *text = cfg->rules_file ? cfg->rules_text : rules_default_yaml;
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
	web_page_start(&c, "Rules", "rules");
	html_elem(h, "h1", "Rules");
	html_open(h, "p");
	html_text(h, cfg->rules_file ? "The rules file this server runs: " :
		  "This server runs the built-in demo rules (no rules.yaml in its data "
		  "directory and no --rules): ");
	html_open(h, "code");
	html_text(h, name);
	html_close(h);
	html_text(h, ". Read-only here: edit the file, check it with leadkeep rules check, "
		  "and restart the server.");
	html_close(h);

	html_elem(h, "h2", "Check");
	if (text != NULL)
		check(&c, text, name);
	if (cfg->rules_file != NULL) {
		disk = read_file(cfg->rules_file);
		if (disk == NULL) {
			html_open(h, "p");
			html_attr(h, "class", "notice error");
			html_text(h, "The file cannot be read now (moved, removed, or over a "
				  "megabyte). The server keeps the rules it loaded at start.");
			html_close(h);
		} else if (text == NULL || strcmp(disk, text) != 0) {
			html_open(h, "p");
			html_attr(h, "class", "notice error");
			html_text(h, "The file on disk has changed since the server started. The "
				  "server runs the version it loaded until it restarts; the file on "
				  "disk now checks:");
			html_close(h);
			check(&c, disk, name);
		}
	}

	html_elem(h, "h2", "History");
	html_elem(h, "p", "leadkeep does not keep versions of the rules file yet: only the file "
		  "itself is read, at start. Keep it in version control (git) to have its "
		  "history, who changed what and when.");

	html_elem(h, "h2", "The file");
	if (text == NULL) {
		html_elem(h, "p", "The text of the file as loaded was not kept (it could not be "
			  "read again at start).");
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
