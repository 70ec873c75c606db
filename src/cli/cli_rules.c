/*
 * cli_rules.c - which rules file a command reads, the rules versions kept in
 * the database read back for a rules change, and making a version active
 * (serve at start and on SIGHUP, simulate's "rules" event). See cli.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "deliver/deliver.h"
#include "http/http_settings.h"
#include "store/store_business.h"

rules *
cli_rules_read(const cli_env *e, rules_diags *diags, char *name, size_t namelen)
{
	char path[4096];
	const char *file = e->rules_path;
	struct stat sb;

	if (file == NULL) {
		snprintf(path, sizeof path, "%s/rules.yaml", cli_files_dir(e));
		if (stat(path, &sb) == 0)
			file = path;
	}
	if (name != NULL && namelen > 0)
		snprintf(name, namelen, "%s", file ? file : RULES_DEFAULT_NAME);
	if (file != NULL)
		return rules_load_file(file, diags);
	return rules_load_string(rules_default_yaml, strlen(rules_default_yaml),
				 RULES_DEFAULT_NAME, diags);
}

/* Moves every problem of from to the end of to. */
static void
diags_move(rules_diags *to, rules_diags *from)
{
	rules_diag *items;

	if (from->n > 0 &&
	    (items = realloc(to->items, (to->n + from->n) * sizeof *items)) != NULL) {
		to->items = items;
		memcpy(to->items + to->n, from->items, from->n * sizeof *items);
		to->n += from->n;
		to->nerrors += from->nerrors;
		free(from->items);
		from->items = NULL;
		from->n = from->nerrors = 0;
	}
	rules_diags_free(from);
}

void
cli_sections_check(const char *path, rules_diags *d)
{
	rules_diags more;
	settings *st = settings_load(NULL, &more);

	rules_diags_free(&more);
	if (st != NULL) {
		settings_load_sources(st, path, true, &more);
		diags_move(d, &more);
		settings_free(st);
	}
	deliver_config_check(path, &more);
	diags_move(d, &more);
}

#define VERSIONS_MAX 16	/* versions parsed and kept; more are parsed again */

struct cli_versions {
	store *s;
	int64_t business_id;
	const rules *known[2];
	rules *loaded[VERSIONS_MAX];
	size_t n;
};

cli_versions *
cli_versions_new(store *s, int64_t business_id, const rules *known1, const rules *known2)
{
	cli_versions *v = calloc(1, sizeof *v);

	if (v == NULL)
		return NULL;
	v->s = s;
	v->business_id = business_id;
	v->known[0] = known1;
	v->known[1] = known2;
	return v;
}

const rules *
cli_versions_get(void *vv, const char *version)
{
	cli_versions *v = vv;
	rules_diags d;
	char *text = NULL;
	rules *r;

	if (version == NULL)
		return NULL;
	for (size_t i = 0; i < 2; i++)
		if (v->known[i] != NULL && v->known[i]->version != NULL &&
		    strcmp(v->known[i]->version, version) == 0)
			return v->known[i];
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->loaded[i]->version, version) == 0)
			return v->loaded[i];
	/* Kept by an earlier run: parse it again. A version that no longer
	 * reads (a zone file gone, say) judges its leads by the new rules. */
	if (store_rules_text(v->s, v->business_id, version, &text) <= 0)
		return NULL;
	r = rules_load_string(text, strlen(text), "<kept rules version>", &d);
	rules_diags_free(&d);
	free(text);
	if (r == NULL)
		return NULL;
	if (v->n == VERSIONS_MAX) {
		rules_free(v->loaded[0]);	/* the oldest; nobody holds it between leads */
		memmove(v->loaded, v->loaded + 1, (VERSIONS_MAX - 1) * sizeof *v->loaded);
		v->n--;
	}
	v->loaded[v->n++] = r;
	return r;
}

void
cli_versions_free(cli_versions *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++)
		rules_free(v->loaded[i]);
	free(v);
}

int
cli_rules_activate(cli_env *e, const rules *r, const rules *prev, const char *by, int64_t now,
		   flow_rules_stats *st, char *err, size_t errlen)
{
	cli_versions *v;
	flow_result res;

	if (store_begin(e->store) < 0 ||
	    store_business_sync_slug(e->store, cli_business_slug(e), r, err, errlen) < 0 ||
	    store_rules_activate(e->store, e->business_id, r->version, r->text, by, now, NULL,
				 0) < 0 ||
	    store_commit(e->store) < 0) {
		if (err[0] == '\0')
			snprintf(err, errlen, "keeping the rules version: %s", store_errmsg(e->store));
		store_rollback(e->store);
		return -1;
	}
	if ((v = cli_versions_new(e->store, e->business_id, r, prev)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	res = flow_rules_change(e->store, e->business_id, r, cli_versions_get, v, false, NULL,
				NULL, now, st, err, errlen);
	cli_versions_free(v);
	return res == FLOW_OK ? 0 : -1;
}
