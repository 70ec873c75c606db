/*
 * rules_load.c - the loader's entry points: read the file (capped), parse it
 * with libyaml into a document, read the sections in dependency order, run the
 * whole-file checks, and hand back the model only when nothing is wrong.
 * Section knowledge lives in the rules_<section>.c files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "rules_internal.h"

static const char *const top_keys[] = {
	"business", "people", "routing", "stages", "lost_reasons", "sequences",
	"escalation", "cold", "limits", "templates", "unanswered_reply", "appointments", "reports",
	"sources", "providers", "health", NULL
};
/* sources and providers are the business's doors and accounts: read by their
 * own readers (http_settings.c, deliver_config.c), not part of the rules model. */
enum { K_BUSINESS, K_PEOPLE, K_ROUTING, K_STAGES, K_REASONS, K_SEQUENCES, K_ESCALATION,
       K_COLD, K_LIMITS, K_TEMPLATES, K_UNANSWERED, K_APPOINTMENTS, K_REPORTS, K_SOURCES,
       K_PROVIDERS, K_HEALTH, K_N };

static void
load_sections(rl_ctx *c, yaml_node_t *root)
{
	yaml_node_t *v[K_N];

	if (!rl_fields(c, root, "rules", top_keys, v, NULL))
		return;
	if (v[K_BUSINESS] == NULL)
		rl_missing(c, root, "business", "rules");
	if (v[K_PEOPLE] == NULL)
		rl_missing(c, root, "people", "rules");
	if (v[K_ROUTING] == NULL)
		rl_missing(c, root, "routing", "rules");
	/* Each section only refers to those read before it. */
	rl_business(c, v[K_BUSINESS]);
	rl_people(c, v[K_PEOPLE]);
	rl_lost_reasons(c, v[K_REASONS]);
	rl_templates(c, v[K_TEMPLATES]);
	rl_sequences(c, v[K_SEQUENCES]);
	rl_stages(c, v[K_STAGES]);
	rl_routing(c, v[K_ROUTING]);
	rl_escalation(c, v[K_ESCALATION]);
	rl_cold(c, v[K_COLD], v[K_REASONS]);
	rl_unanswered(c, v[K_UNANSWERED]);
	rl_limits(c, v[K_LIMITS]);
	rl_appointments(c, v[K_APPOINTMENTS]);
	rl_reports(c, v[K_REPORTS]);
	rl_health(c, v[K_HEALTH]);
	if (c->stop)
		return;
	rl_check_limits(c);
	rl_check_sms_length(c);
}

/* The text the rules came from, and its SHA-256 as the version: the same
 * file is the same version wherever it is read. 0 / -1 out of memory. */
static int
keep_version(rules *r, const char *text, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	static const char hex[] = "0123456789abcdef";

	if ((r->text = malloc(len + 1)) == NULL ||
	    (r->version = malloc(2 * sizeof h + 1)) == NULL)
		return -1;
	memcpy(r->text, text, len);
	r->text[len] = '\0';
	crypto_hash_sha256(h, (const unsigned char *)text, len);
	for (size_t i = 0; i < sizeof h; i++) {
		r->version[2 * i] = hex[h[i] >> 4];
		r->version[2 * i + 1] = hex[h[i] & 15];
	}
	r->version[2 * sizeof h] = '\0';
	return 0;
}

/* keep_gap: a routing gap alone does not fail the load (*gap says there was one). */
static rules *
load_string(const char *text, size_t len, const char *name, rules_diags *diags, bool keep_gap,
	    bool *gap)
{
	rl_ctx c;
	rules *r;

	memset(diags, 0, sizeof *diags);
	memset(&c, 0, sizeof c);
	c.file = name ? name : "<rules>";
	c.text = text;
	c.len = len;
	c.diags = diags;
	c.keep_routing_gap = keep_gap;
	if (gap != NULL)
		*gap = false;
	if (len > RL_MAX_INPUT) {
		rl_diag_at(&c, 0, 0, false, "the rules file is larger than 1 MiB");
		return NULL;
	}
	if ((r = calloc(1, sizeof *r)) == NULL) {
		rl_diag_at(&c, 0, 0, false, "out of memory");
		return NULL;
	}
	c.r = r;
	rl_parse(&c, load_sections);
	free(c.line_starts);
	free(c.tpl_nodes);
	free(c.seq_nodes);
	if (c.oom)
		rl_diag_at(&c, 0, 0, false, "out of memory while reading the rules");
	rl_diag_finish(&c);
	if (gap != NULL)
		*gap = c.routing_gap;
	if (diags->nerrors > (keep_gap && c.routing_gap ? 1u : 0u)) {
		rules_free(r);
		return NULL;
	}
	if (keep_version(r, text, len) < 0 || rl_lead_zones(r) < 0) {
		rules_free(r);
		rl_diag_at(&c, 0, 0, false, "out of memory");
		return NULL;
	}
	return r;
}

rules *
rules_load_string(const char *text, size_t len, const char *name, rules_diags *diags)
{
	return load_string(text, len, name, diags, false, NULL);
}

static rules *
load_file(const char *path, rules_diags *diags, bool keep_gap, bool *gap)
{
	rl_ctx c;
	char *buf;
	size_t n = 0;
	rules *r;

	memset(diags, 0, sizeof *diags);
	memset(&c, 0, sizeof c);
	c.file = path;
	c.diags = diags;
	if ((buf = rl_slurp(&c, path, &n)) == NULL)
		return NULL;
	r = load_string(buf, n, path, diags, keep_gap, gap);
	free(buf);
	return r;
}

rules *
rules_load_file(const char *path, rules_diags *diags)
{
	return load_file(path, diags, false, NULL);
}

rules *
rules_load_file_proving(const char *path, rules_diags *diags, bool *routing_gap)
{
	return load_file(path, diags, true, routing_gap);
}
