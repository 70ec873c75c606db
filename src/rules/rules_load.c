/*
 * rules_load.c - the loader's entry points: read the file (capped), parse it
 * with libyaml into a document, read the sections in dependency order, run the
 * whole-file checks, and hand back the model only when nothing is wrong.
 * Section knowledge lives in the rules_<section>.c files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "rules_internal.h"

static const char *const top_keys[] = {
	"business", "people", "routing", "stages", "lost_reasons", "sequences",
	"escalation", "cold", "limits", "templates", "unanswered_reply", "reports", NULL
};
enum { K_BUSINESS, K_PEOPLE, K_ROUTING, K_STAGES, K_REASONS, K_SEQUENCES, K_ESCALATION,
       K_COLD, K_LIMITS, K_TEMPLATES, K_UNANSWERED, K_REPORTS, K_N };

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
	rl_reports(c, v[K_REPORTS]);
	if (c->stop)
		return;
	rl_check_limits(c);
	rl_check_sms_length(c);
}

/* 1-based line and column of a byte offset, for reader errors (bad UTF-8),
 * which libyaml reports by offset only. */
static void
offset_pos(const char *text, size_t len, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static void
syntax_error(rl_ctx *c, const yaml_parser_t *p)
{
	int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
	const char *problem = p->problem ? p->problem : "unknown problem";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		c->oom = true;
		return;
	case YAML_READER_ERROR:
		offset_pos(c->text ? c->text : "", c->text ? c->len : 0, p->problem_offset,
			   &line, &col);
		rl_diag_at(c, line, col, false, "the file is not valid text: %s", problem);
		return;
	default:
		break;
	}
	if (p->context != NULL)
		rl_diag_at(c, line, col, false, "YAML syntax error: %s (%s at line %d column %d)",
			   problem, p->context, (int)p->context_mark.line + 1,
			   (int)p->context_mark.column + 1);
	else
		rl_diag_at(c, line, col, false, "YAML syntax error: %s", problem);
}

/* libyaml reads one document per call; a second one would be ignored silently. */
static void
check_single_document(rl_ctx *c, yaml_parser_t *parser)
{
	yaml_document_t next;
	yaml_node_t *root;

	if (!yaml_parser_load(parser, &next)) {
		syntax_error(c, parser);
		return;
	}
	if ((root = yaml_document_get_root_node(&next)) != NULL)
		rl_diag_at(c, (int)root->start_mark.line + 1, (int)root->start_mark.column + 1,
			   false, "a rules file holds one YAML document; a second one starts here");
	yaml_document_delete(&next);
}

static void
parse(rl_ctx *c)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;

	if (!yaml_parser_initialize(&parser)) {
		c->oom = true;
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)c->text, c->len);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(c, &parser);
		yaml_parser_delete(&parser);
		return;
	}
	/* Columns inside scalars are found by reading the source: UTF-8 only. */
	if (parser.encoding != YAML_UTF8_ENCODING)
		c->text = NULL;
	c->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		rl_diag_at(c, 1, 1, false, "the rules file is empty");
	} else {
		check_single_document(c, &parser);
		c->budget = 2 * (size_t)(doc.nodes.top - doc.nodes.start) + 1000;
		load_sections(c, root);
	}
	c->doc = NULL;
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
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

rules *
rules_load_string(const char *text, size_t len, const char *name, rules_diags *diags)
{
	rl_ctx c;
	rules *r;

	memset(diags, 0, sizeof *diags);
	memset(&c, 0, sizeof c);
	c.file = name ? name : "<rules>";
	c.text = text;
	c.len = len;
	c.diags = diags;
	if (len > RL_MAX_INPUT) {
		rl_diag_at(&c, 0, 0, false, "the rules file is larger than 1 MiB");
		return NULL;
	}
	if ((r = calloc(1, sizeof *r)) == NULL) {
		rl_diag_at(&c, 0, 0, false, "out of memory");
		return NULL;
	}
	c.r = r;
	parse(&c);
	free(c.line_starts);
	free(c.tpl_nodes);
	free(c.seq_nodes);
	if (c.oom)
		rl_diag_at(&c, 0, 0, false, "out of memory while reading the rules");
	rl_diag_finish(&c);
	if (diags->nerrors > 0) {
		rules_free(r);
		return NULL;
	}
	if (keep_version(r, text, len) < 0) {
		rules_free(r);
		rl_diag_at(&c, 0, 0, false, "out of memory");
		return NULL;
	}
	return r;
}

rules *
rules_load_file(const char *path, rules_diags *diags)
{
	rl_ctx c;
	FILE *f;
	char *buf;
	size_t n;
	rules *r;

	memset(diags, 0, sizeof *diags);
	memset(&c, 0, sizeof c);
	c.file = path;
	c.diags = diags;
	if ((f = fopen(path, "rb")) == NULL) {
		rl_diag_at(&c, 0, 0, false, "cannot open: %s", strerror(errno));
		return NULL;
	}
	/* One byte past the cap tells "exactly 1 MiB" from "larger". */
	if ((buf = malloc(RL_MAX_INPUT + 1)) == NULL) {
		fclose(f);
		rl_diag_at(&c, 0, 0, false, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, RL_MAX_INPUT + 1, f);
	if (ferror(f)) {
		rl_diag_at(&c, 0, 0, false, "cannot read: %s", strerror(errno));
		r = NULL;
	} else if (n > RL_MAX_INPUT) {
		rl_diag_at(&c, 0, 0, false, "the rules file is larger than 1 MiB");
		r = NULL;
	} else {
		r = rules_load_string(buf, n, path, diags);
	}
	free(buf);
	fclose(f);
	return r;
}
