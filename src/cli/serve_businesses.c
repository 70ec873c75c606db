/*
 * serve_businesses.c - loading the businesses serve hosts besides the
 * install's own (serve_businesses.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deliver/deliver.h"
#include "rules/rules_reader.h"
#include "rules/tzfile.h"
#include "serve_businesses.h"
#include "store/store_business.h"
#include "util/log.h"

typedef struct {
	serve_businesses *b;
	int failed;
} collect_ctx;

static void
collect(void *ctx, const store_business_row *r)
{
	collect_ctx *c = ctx;
	serve_business *items;

	if (r->disabled || r->file == NULL || strcmp(r->slug, STORE_BUSINESS_DEFAULT) == 0)
		return;
	if ((items = realloc(c->b->items, (c->b->n + 1) * sizeof *items)) == NULL) {
		c->failed = 1;
		return;
	}
	c->b->items = items;
	memset(&items[c->b->n], 0, sizeof items[c->b->n]);
	items[c->b->n].id = r->id;
	snprintf(items[c->b->n].slug, sizeof items[c->b->n].slug, "%s", r->slug);
	snprintf(items[c->b->n].file, sizeof items[c->b->n].file, "%s", r->file);
	c->b->n++;
}

static void
log_problems(const rules_diags *d, const char *slug)
{
	for (size_t i = 0; i < d->n; i++) {
		char q[1024], line[900];

		snprintf(line, sizeof line, "%s:%d:%d: %s", d->items[i].file, d->items[i].line,
			 d->items[i].col, d->items[i].message);
		log_line(d->items[i].warning ? "warn" : "error", "business_problem",
			 "business=%s problem=%s", slug, log_quote(line, q, sizeof q));
	}
}

/* The business's file's rules, and with sections its other sections as
 * `business add` checked them. NULL after logging every problem. */
static rules *
read_file(const serve_business *sb, bool sections)
{
	rules_diags d = { 0 };
	rules *r = rules_load_file(sb->file, &d);

	if (r != NULL && sections)
		cli_sections_check(sb->file, &d);
	log_problems(&d, sb->slug);
	if (r != NULL && d.nerrors > 0) {
		rules_free(r);
		r = NULL;
	}
	rules_diags_free(&d);
	return r;
}

/* Its version kept, its leads in flight moved onto r (prev: the rules that
 * were in force, or NULL). */
static int
activate(cli_env *e, const serve_business *sb, const rules *r, const rules *prev)
{
	cli_env be = *e;
	flow_rules_stats st;
	char err[512] = "", v[13], q[600];

	be.business = sb->slug;
	be.business_id = sb->id;
	if (cli_rules_activate(&be, r, prev, "serve", cli_now(), &st, err, sizeof err) < 0) {
		log_line("error", "business_not_hosted", "business=%s error=%s", sb->slug,
			 log_quote(err, q, sizeof q));
		return -1;
	}
	log_line("info", "business_hosted", "business=%s id=%lld name=%s version=%s "
		 "leads_moved=%zu", sb->slug, (long long)sb->id,
		 log_quote(r->business.name, q, sizeof q), rules_version_short(r->version, v),
		 st.moved);
	return 0;
}

/* What of st's sources own or one of b's first n has too, described in
 * what ("the source key contact"); false when nothing. */
static bool
key_taken(const settings *st, const settings *own, const serve_businesses *b, size_t n,
	  char *what, size_t len)
{
	for (size_t k = 0; k < st->nsources; k++) {
		const settings_source *s = &st->sources[k];
		bool taken = own != NULL && settings_source_find(own, s->type, s->key) != NULL;

		for (size_t i = 0; i < n && !taken; i++)
			taken = !b->items[i].off &&
				settings_source_find(b->items[i].sources, s->type, s->key) != NULL;
		if (taken) {
			snprintf(what, len, "the source key %s", s->key);
			return true;
		}
	}
	/* a Meta page id, a Twilio messaging service or number */
	if (settings_claims_clash(st, own, what, len))
		return true;
	for (size_t i = 0; i < n; i++)
		if (!b->items[i].off && settings_claims_clash(st, b->items[i].sources, what, len))
			return true;
	return false;
}

/* Its file's sources: section, on the defaults, and its providers:
 * section checked: what cli_sections_check checks, each section read once
 * (with thousands of businesses every parse of a file counts at start).
 * The providers are read as the dispatcher reads them (secrets too) and
 * kept in sb->providers; only when that fails are they checked as `rules
 * check` does (secrets by form only), which decides: a business whose
 * secrets cannot be read is hosted and its messages wait (cmd_serve.c
 * reads them again and says why). NULL after logging every problem;
 * warnings are logged too. */
static settings *
read_sources(serve_business *sb)
{
	rules_diags d = { 0 };
	settings *st = settings_load(NULL, &d);
	size_t errors;

	rules_diags_free(&d);
	if (st == NULL)
		return NULL;
	if (settings_load_sources(st, sb->file, false, &d) < 0 || d.nerrors > 0) {
		settings_free(st);
		st = NULL;
	}
	log_problems(&d, sb->slug);
	rules_diags_free(&d);
	if ((sb->providers = deliver_config_read(sb->file, &d)) == NULL) {
		rules_diags_free(&d);
		deliver_config_check(sb->file, &d);
	}
	errors = d.nerrors;
	log_problems(&d, sb->slug);
	rules_diags_free(&d);
	if (errors > 0) {
		settings_free(st);
		st = NULL;
	}
	return st;
}

/* With several businesses a Meta lead finds its business by its page only:
 * one with an app secret and no page_ids would never get one. Said once. */
static void
warn_no_pages(const settings *st, const char *slug)
{
	if (st != NULL && st->meta_app_secret != NULL && st->nmeta_pages == 0)
		log_line("warn", "business_problem", "business=%s problem=\"sources: meta: "
			 "page_ids is empty: with several businesses no Meta lead reaches it\"",
			 slug);
}

/* The keys the businesses kept so far claim (source keys, Meta pages,
 * Twilio services and numbers), hashed: serve_businesses_load asks
 * key_taken - which compares with every business before - only of a
 * business with a claim seen before, so 10,000 businesses cost 10,000
 * looks, not 50,000,000 comparisons (20 % of a restart at 10,000). A
 * filter only: key_taken still decides and names the key. */
typedef struct {
	uint64_t *h;		/* 0 = empty */
	size_t cap, n;
	bool failed;		/* out of memory: every business goes to key_taken */
} claim_set;

static uint64_t
claim_hash(const char *kind, const char *v)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (const char *c = kind; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (const char *c = v; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	return h ? h : 1;
}

static bool
claim_seen(const claim_set *cs, uint64_t h)
{
	if (cs->cap == 0)
		return false;
	for (size_t i = h & (cs->cap - 1); cs->h[i] != 0; i = (i + 1) & (cs->cap - 1))
		if (cs->h[i] == h)
			return true;
	return false;
}

static void
claim_add(claim_set *cs, uint64_t h)
{
	if (cs->failed || claim_seen(cs, h))
		return;
	if ((cs->n + 1) * 2 > cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 1024;
		uint64_t *nh = calloc(cap, sizeof *nh), *old = cs->h;

		if (nh == NULL) {
			cs->failed = true;
			return;
		}
		cs->h = nh;
		cs->cap = cap;
		cs->n = 0;
		for (size_t i = 0; old != NULL && i < cap / 2; i++)
			if (old[i] != 0)
				claim_add(cs, old[i]);
		free(old);
	}
	for (size_t i = h & (cs->cap - 1);; i = (i + 1) & (cs->cap - 1))
		if (cs->h[i] == 0) {
			cs->h[i] = h;
			cs->n++;
			return;
		}
}

static bool
claim_one(claim_set *cs, uint64_t h, bool add)
{
	if (add)
		claim_add(cs, h);
	return !add && claim_seen(cs, h);
}

/* Adds st's claims to cs (add), or says whether one of them may be in it. */
static bool
claims(claim_set *cs, const settings *st, bool add)
{
	bool seen = false;

	if (st == NULL)
		return false;
	for (size_t k = 0; k < st->nsources; k++)
		seen |= claim_one(cs, claim_hash(st->sources[k].type, st->sources[k].key), add);
	for (size_t k = 0; k < st->nmeta_pages; k++)
		seen |= claim_one(cs, claim_hash("meta", st->meta_pages[k]), add);
	if (st->twilio_service != NULL)
		seen |= claim_one(cs, claim_hash("twilio_service", st->twilio_service), add);
	if (st->twilio_number != NULL)
		seen |= claim_one(cs, claim_hash("twilio_number", st->twilio_number), add);
	return seen || cs->failed;
}

/* sb's file read: its rules (NULL after logging its problems), and
 * sb->sources set. Touches nothing but sb: run on several threads. */
static rules *
read_business(serve_business *sb)
{
	rules *r;

	/* its rules, sources and providers: one parse of its file, not three */
	rl_keep_document(true);
	/* read_sources checks the other sections */
	if ((r = read_file(sb, false)) != NULL && (sb->sources = read_sources(sb)) == NULL) {
		rules_free(r);
		r = NULL;
	}
	rl_keep_document(false);
	return r;
}

#define READERS_MAX 4		/* threads reading the businesses' files at start */
#define READERS_FROM 32		/* fewer businesses: read on the caller's thread */

typedef struct {
	serve_business *items;
	rules **read;
	size_t n;
	size_t next;		/* the next item to read, shared by the readers */
} read_job;

static void *
reader(void *arg)
{
	read_job *j = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < j->n)
		j->read[i] = read_business(&j->items[i]);
	return NULL;
}

/* Reads items[0..n) into read[] on up to READERS_MAX threads (one per CPU):
 * parsing each business's file (YAML, zones) is what serve's start with
 * thousands of businesses spends its time on, and files are independent. */
static void
read_all(serve_business *items, rules **read, size_t n)
{
	read_job j = { items, read, n, 0 };
	pthread_t t[READERS_MAX];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = n < READERS_FROM || cpus < 2 ? 0 : (size_t)cpus, started = 0;

	if (want > READERS_MAX)
		want = READERS_MAX;
	/* the caller's thread reads too: want - 1 more */
	while (started + 1 < want && pthread_create(&t[started], NULL, reader, &j) == 0)
		started++;
	reader(&j);
	for (size_t i = 0; i < started; i++)
		pthread_join(t[i], NULL);
}

/* Checks sb's keys against own's and b's first n, keeps its rules version
 * and moves its leads: sb->live set from r (taken; NULL: its file had
 * errors). false after logging why it is not hosted. */
static bool
host(cli_env *e, const settings *own, const serve_businesses *b, size_t n, serve_business *sb,
     rules *r, claim_set *cs)
{
	char taken[128];

	if (r != NULL && (cs == NULL || claims(cs, sb->sources, false)) && key_taken(sb->sources, own, b, n, taken, sizeof taken)) {
		log_line("error", "business_problem", "business=%s problem=\"%s is another "
			 "business's: a key names one business\"", sb->slug, taken);
		rules_free(r);
		r = NULL;
	}
	if (r != NULL && activate(e, sb, r, NULL) < 0) {
		rules_free(r);
		r = NULL;
	}
	/* rules_live_new takes r, also when it fails */
	if (r == NULL || (sb->live = rules_live_new(r)) == NULL) {
		log_line("error", "business_not_hosted", "business=%s file=%s "
			 "reason=\"its file has errors\"", sb->slug, sb->file);
		settings_free(sb->sources);
		sb->sources = NULL;
		deliver_config_free(sb->providers);
		sb->providers = NULL;
		return false;
	}
	if (cs != NULL)
		claims(cs, sb->sources, true);
	return true;
}

int
serve_businesses_load(cli_env *e, const settings *own, serve_businesses *out, char *err,
		      size_t errlen)
{
	collect_ctx c = { out, 0 };
	size_t kept = 0;
	claim_set cs = { 0 };
	rules **read;

	memset(out, 0, sizeof *out);
	if (store_businesses_read(e->store, NULL, collect, &c) < 0 || c.failed) {
		snprintf(err, errlen, "reading the businesses: %s",
			 c.failed ? "out of memory" : store_errmsg(e->store));
		return -1;
	}
	if ((read = calloc(out->n ? out->n : 1, sizeof *read)) == NULL) {
		snprintf(err, errlen, "reading the businesses: out of memory");
		return -1;
	}
	/* every business's rules read the same zones: stat'ed once, not each time */
	tzfile_batch_begin();
	read_all(out->items, read, out->n);
	tzfile_batch_end();
	claims(&cs, own, true);
	for (size_t i = 0; i < out->n; i++) {
		serve_business *sb = &out->items[i];

		if (!host(e, own, out, kept, sb, read[i], &cs)) {
			out->skipped++;
			continue;
		}
		out->items[kept++] = *sb;
	}
	free(read);
	free(cs.h);
	out->n = kept;
	for (size_t i = 0; i < kept; i++)
		warn_no_pages(out->items[i].sources, out->items[i].slug);
	if (kept > 0)
		warn_no_pages(own, STORE_BUSINESS_DEFAULT);
	return 0;
}

int
serve_businesses_sync(cli_env *e, const settings *own, serve_businesses *b)
{
	serve_businesses now = { 0 };
	collect_ctx c = { &now, 0 };
	int changed = 0;

	/* collect() keeps the enabled ones: what is hosted from now on. */
	if (store_businesses_read(e->store, NULL, collect, &c) < 0 || c.failed) {
		log_line("error", "businesses_not_synced", "error=\"%s\"",
			 c.failed ? "out of memory" : store_errmsg(e->store));
		free(now.items);
		return -1;
	}
	for (size_t i = 0; i < b->n; i++) {	/* disabled (or gone) since */
		bool enabled = false;

		for (size_t j = 0; j < now.n && !enabled; j++)
			enabled = now.items[j].id == b->items[i].id;
		if (!enabled && !b->items[i].off) {
			b->items[i].off = true;
			changed = 1;
			log_line("info", "business_disabled", "business=%s", b->items[i].slug);
		}
	}
	for (size_t j = 0; j < now.n; j++) {
		serve_business *sb = &now.items[j], *items;
		size_t i;

		for (i = 0; i < b->n && b->items[i].id != sb->id; i++)
			;
		if (i < b->n) {
			if (b->items[i].off) {	/* enabled again: the reload reads its file */
				b->items[i].off = false;
				changed = 1;
				log_line("info", "business_enabled", "business=%s", sb->slug);
			}
			continue;
		}
		if (!host(e, own, b, b->n, sb, read_business(sb), NULL))
			continue;
		if ((items = realloc(b->items, (b->n + 1) * sizeof *items)) == NULL) {
			/* never handed out: freed at once */
			rules_live_free(sb->live);
			settings_free(sb->sources);
			deliver_config_free(sb->providers);
			log_line("error", "business_not_hosted", "business=%s error=\"out of "
				 "memory\"", sb->slug);
			continue;
		}
		b->items = items;
		b->items[b->n++] = *sb;
		changed = 1;
	}
	free(now.items);
	return changed;
}

void
serve_businesses_reload(cli_env *e, serve_businesses *b)
{
	for (size_t i = 0; i < b->n; i++) {
		serve_business *sb = &b->items[i];
		const rules *old = rules_live_get(sb->live);
		rules *r;
		char v[13];

		if (sb->off)
			continue;
		r = read_file(sb, true);

		if (r == NULL) {
			log_line("error", "rules_refused", "business=%s file=%s kept=%s", sb->slug,
				 sb->file, rules_version_short(old->version, v));
			continue;
		}
		if (strcmp(r->version, old->version) == 0) {
			rules_free(r);
			continue;
		}
		if (rules_live_set(sb->live, r) < 0) {
			log_line("error", "rules_refused", "business=%s error=\"out of memory\"",
				 sb->slug);
			continue;
		}
		activate(e, sb, r, old);
	}
}

void
serve_businesses_free(serve_businesses *b)
{
	for (size_t i = 0; i < b->n; i++) {
		rules_live_free(b->items[i].live);
		settings_free(b->items[i].sources);
		deliver_config_free(b->items[i].providers);
	}
	free(b->items);
	memset(b, 0, sizeof *b);
}
