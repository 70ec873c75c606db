/*
 * rules_reader.c - whole files for the one YAML reader (rules_reader.h):
 * read capped, parse with libyaml into one document, hand its root to the
 * section walker, and secrets resolved from env:NAME or file:PATH. Knows no
 * section; never puts a secret's value into a message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_reader.h"

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
			   false, "a %s holds one YAML document; a second one starts here",
			   c->kind);
	yaml_document_delete(&next);
}

/* rl_keep_document's document, this thread's. */
static _Thread_local struct {
	bool on, have;
	char *text;		/* the bytes it was parsed from */
	size_t len;
	yaml_document_t doc;
} kept;

static void
kept_drop(void)
{
	if (kept.have)
		yaml_document_delete(&kept.doc);
	free(kept.text);
	kept.text = NULL;
	kept.have = false;
}

void
rl_keep_document(bool on)
{
	kept_drop();
	kept.on = on;
}

static void
walk_doc(rl_ctx *c, yaml_document_t *doc, yaml_node_t *root, rl_walk_fn walk)
{
	c->doc = doc;
	c->budget = 2 * (size_t)(doc->nodes.top - doc->nodes.start) + 1000;
	walk(c, root);
	c->doc = NULL;
}

/* Keeps doc (taken) as parsed from c's text; false when it cannot. */
static bool
keep(const rl_ctx *c, yaml_document_t *doc)
{
	char *text = malloc(c->len ? c->len : 1);

	if (text == NULL)
		return false;
	kept_drop();
	memcpy(text, c->text, c->len);
	kept.text = text;
	kept.len = c->len;
	kept.doc = *doc;
	kept.have = true;
	return true;
}

void
rl_parse(rl_ctx *c, rl_walk_fn walk)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	size_t problems;

	if (c->kind == NULL)
		c->kind = "rules file";
	if (kept.have && c->text != NULL && c->len == kept.len &&
	    memcmp(c->text, kept.text, c->len) == 0) {
		walk_doc(c, &kept.doc, yaml_document_get_root_node(&kept.doc), walk);
		return;
	}
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
	root = yaml_document_get_root_node(&doc);
	problems = c->diags->n;
	if (root == NULL) {
		if (!c->empty_ok)
			rl_diag_at(c, 1, 1, false, "the %s is empty", c->kind);
	} else {
		check_single_document(c, &parser);
		/* kept before the walk: its problems are its own, not the file's */
		if (kept.on && c->text != NULL && !c->oom && c->diags->n == problems &&
		    keep(c, &doc)) {
			yaml_parser_delete(&parser);
			walk_doc(c, &kept.doc, yaml_document_get_root_node(&kept.doc), walk);
			return;
		}
		walk_doc(c, &doc, root, walk);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
}

char *
rl_slurp(rl_ctx *c, const char *path, size_t *len)
{
	FILE *f;
	char *buf;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL) {
		rl_diag_at(c, 0, 0, false, "cannot open: %s", strerror(errno));
		return NULL;
	}
	/* One byte past the cap tells "exactly 1 MiB" from "larger". */
	if ((buf = malloc(RL_MAX_INPUT + 1)) == NULL) {
		rl_diag_at(c, 0, 0, false, "out of memory");
	} else {
		n = fread(buf, 1, RL_MAX_INPUT + 1, f);
		if (ferror(f) || n > RL_MAX_INPUT) {
			if (ferror(f))
				rl_diag_at(c, 0, 0, false, "cannot read: %s", strerror(errno));
			else
				rl_diag_at(c, 0, 0, false, "the %s is larger than 1 MiB",
					   c->kind ? c->kind : "rules file");
			free(buf);
			buf = NULL;
		} else {
			*len = n;
		}
	}
	fclose(f);
	return buf;
}

int
rl_read_file(const char *path, const char *kind, rl_walk_fn walk, void *user, unsigned flags,
	     rules_diags *diags)
{
	rl_ctx c;
	char *buf;

	memset(diags, 0, sizeof *diags);
	memset(&c, 0, sizeof c);
	c.file = path;
	c.kind = kind;
	c.diags = diags;
	c.user = user;
	c.check_only = (flags & RL_CHECK_ONLY) != 0;
	c.empty_ok = (flags & RL_EMPTY_OK) != 0;
	if ((buf = rl_slurp(&c, path, &c.len)) == NULL)
		return -1;
	c.text = buf;
	rl_parse(&c, walk);
	free(buf);
	free(c.line_starts);
	if (c.oom)
		rl_diag_at(&c, 0, 0, false, "out of memory while reading the %s", kind);
	rl_diag_finish(&c);
	return diags->nerrors > 0 ? -1 : 0;
}

/* An environment variable's name as a shell would take it. */
static bool
env_name_ok(const char *s)
{
	if (*s == '\0' || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* The first line of path, without its line end; NULL with errno when it
 * cannot be read. A secret file holds one line: 4 KiB is plenty. */
static char *
first_line(const char *path)
{
	char line[4096];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return strdup(line);
}

int
rl_secret(rl_ctx *c, const yaml_node_t *n, const char *what, bool allow_plain, char **out)
{
	const char *v = rl_scalar(c, n, what);
	char *s = NULL;

	if (v == NULL)
		return -1;
	if (strncmp(v, "env:", 4) == 0) {
		const char *ev;

		if (!env_name_ok(v + 4)) {
			rl_error(c, n, "\"%s\": env: must name an environment variable "
				 "(letters, digits and _)", what);
			return -1;
		}
		if (c->check_only)
			return 0;
		if ((ev = getenv(v + 4)) == NULL || *ev == '\0') {
			rl_error(c, n, "\"%s\": environment variable %s is not set", what, v + 4);
			return -1;
		}
		s = rl_strdup(c, ev);
	} else if (strncmp(v, "file:", 5) == 0) {
		if (v[5] == '\0') {
			rl_error(c, n, "\"%s\": file: must name a file", what);
			return -1;
		}
		if (c->check_only)
			return 0;
		if ((s = first_line(v + 5)) == NULL) {
			rl_error(c, n, "\"%s\": cannot read %s: %s", what, v + 5, strerror(errno));
			return -1;
		}
		if (s[0] == '\0') {
			free(s);
			rl_error(c, n, "\"%s\": %s is empty", what, v + 5);
			return -1;
		}
	} else if (allow_plain) {
		if (c->check_only)
			return 0;
		s = rl_strdup(c, v);
	} else {
		rl_error(c, n, "\"%s\" is a secret: write it as env:NAME or file:PATH, not in "
			 "the %s (it is kept in the database and shown on the Rules page)", what,
			 c->kind);
		return -1;
	}
	if (s == NULL)
		return -1;
	rl_secret_free(*out);
	*out = s;
	return 0;
}

void
rl_secret_free(char *s)
{
	if (s != NULL) {
		volatile char *p = s;

		while (*p)
			*p++ = 0;
		free(s);
	}
}
