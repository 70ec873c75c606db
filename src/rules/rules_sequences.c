/*
 * rules_sequences.c - the `sequences` section: named lists of steps, each a
 * message to the lead (send), a task for a person (task) or a note to staff
 * (notify), at an offset from the start, in order. References to templates
 * and people are checked here; templates and people are read before this.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

static const char *const step_keys[] = {
	"at", "send", "task", "notify", "template", "title", "within", "business_hours",
	"unless", "then", "id", NULL
};
enum { S_AT, S_SEND, S_TASK, S_NOTIFY, S_TEMPLATE, S_TITLE, S_WITHIN, S_BH, S_UNLESS,
       S_THEN, S_ID, S_NKEYS };

static const char *const channel_words[] = { "sms", "email", NULL };
static const char *const verb_words[] = { "call", "text", "email", "visit", "review", NULL };
static const char *const unless_words[] = { "replied", "touched", "task_done", NULL };
static const char *const then_words[] = { "cold", NULL };

static void
read_unless(rl_ctx *c, rules_step *s, yaml_node_t *n)
{
	size_t len = rl_list_len(n);

	if (!rl_is_list(c, n, "unless"))
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);
		int k;

		if (it == NULL)
			break;
		if ((k = rl_enum(c, it, "unless", unless_words)) >= 0)
			s->unless |= 1u << k;	/* UNLESS_REPLIED, _TOUCHED, _TASK_DONE */
	}
}

/* send: one channel, or a list of one or two tried in order ([sms, email]). */
static void
read_channels(rl_ctx *c, rules_step *s, yaml_node_t *n)
{
	size_t len = rl_list_len(n);
	int k;

	s->channels[0] = CHANNEL_SMS;
	s->nchannels = 1;
	if (n == NULL || n->type != YAML_SEQUENCE_NODE) {
		if ((k = rl_enum(c, n, "send", channel_words)) >= 0)
			s->channels[0] = k == 0 ? CHANNEL_SMS : CHANNEL_EMAIL;
		s->channel = s->channels[0];
		return;
	}
	if (len == 0 || len > 2) {
		rl_error(c, n, "\"send\" lists one or two channels to try in order: sms, email");
		return;
	}
	s->nchannels = 0;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);
		rules_channel ch;

		if (it == NULL || (k = rl_enum(c, it, "send", channel_words)) < 0)
			continue;
		ch = k == 0 ? CHANNEL_SMS : CHANNEL_EMAIL;
		if (s->nchannels == 1 && s->channels[0] == ch) {
			rl_error(c, it, "channel \"%s\" is named twice in \"send\"", channel_words[k]);
			continue;
		}
		s->channels[s->nchannels++] = ch;
	}
	if (s->nchannels == 0)
		s->nchannels = 1;
	s->channel = s->channels[0];
}

/* template of a send step: one name for every channel, or one per channel
 * ({ sms: checkin, email: checkin_email }), covering the channels of "send". */
static void
read_send_template(rl_ctx *c, rules_step *s, yaml_node_t *n)
{
	yaml_node_t *v[2], *k[2];

	if (n->type != YAML_MAPPING_NODE) {
		if (rl_ident(c, n, "template", NULL, &s->template_name) == 0)
			rl_template_ref(c, n, s->template_name);
		return;
	}
	if (!rl_fields(c, n, "template", channel_words, v, k))
		return;
	for (int ch = 0; ch < 2; ch++) {
		bool sends = false;

		for (size_t i = 0; i < s->nchannels; i++)
			sends |= s->channels[i] == (rules_channel)ch;
		if (v[ch] != NULL && !sends) {
			rl_error(c, k[ch], "\"template\" names a template for %s, which this step "
				 "does not send", channel_words[ch]);
		} else if (v[ch] == NULL && sends) {
			rl_error(c, n, "\"template\" needs a template for %s, which this step sends",
				 channel_words[ch]);
		} else if (v[ch] != NULL &&
			   rl_ident(c, v[ch], "template", NULL, &s->channel_template[ch]) == 0) {
			rl_template_ref(c, v[ch], s->channel_template[ch]);
		}
	}
	if (s->channel_template[s->channel] != NULL)
		s->template_name = rl_strdup(c, s->channel_template[s->channel]);
}

/* The action: exactly one of send, task or notify. False when there is none. */
static bool
read_action(rl_ctx *c, rules_step *s, yaml_node_t *n, yaml_node_t **v)
{
	int k, kinds = (v[S_SEND] != NULL) + (v[S_TASK] != NULL) + (v[S_NOTIFY] != NULL);

	if (kinds != 1) {
		rl_error(c, n, kinds == 0 ? "a step needs one of \"send\", \"task\" or \"notify\"" :
			 "a step takes only one of \"send\", \"task\" or \"notify\"");
		if (kinds == 0)
			return false;
	}
	if (v[S_SEND] != NULL) {
		s->kind = STEP_SEND;
		read_channels(c, s, v[S_SEND]);
	} else if (v[S_TASK] != NULL) {
		s->kind = STEP_TASK;
		if ((k = rl_enum(c, v[S_TASK], "task", verb_words)) >= 0)
			s->verb = rl_strdup(c, verb_words[k]);
	} else {
		s->kind = STEP_NOTIFY;
		rl_notify_target(c, v[S_NOTIFY], "notify", true, &s->notify);
	}
	return true;
}

/* Keys that only make sense for some kinds of step are errors elsewhere: a
 * "within" on a text message means the writer expected something that will
 * not happen. */
static void
read_details(rl_ctx *c, rules_step *s, yaml_node_t *n, yaml_node_t **v, yaml_node_t **k)
{
	bool task = s->kind == STEP_TASK;

	if (v[S_TEMPLATE] != NULL && task) {
		rl_error(c, k[S_TEMPLATE], "\"template\" is for send and notify steps; a task "
			 "takes \"title\"");
	} else if (v[S_TEMPLATE] != NULL && s->kind == STEP_SEND) {
		read_send_template(c, s, v[S_TEMPLATE]);
	} else if (v[S_TEMPLATE] != NULL) {
		if (rl_ident(c, v[S_TEMPLATE], "template", NULL, &s->template_name) == 0)
			rl_template_ref(c, v[S_TEMPLATE], s->template_name);
	} else if (!task && (v[S_SEND] != NULL || v[S_NOTIFY] != NULL)) {
		rl_missing(c, n, "template", "step");
	}
	if (v[S_TITLE] != NULL && !task)
		rl_error(c, k[S_TITLE], "\"title\" is for task steps only");
	else if (v[S_TITLE] != NULL && rl_string(c, v[S_TITLE], "title", &s->title) == 0)
		rl_check_template(c, v[S_TITLE], "task title", s->title);
	if (v[S_WITHIN] != NULL && !task)
		rl_error(c, k[S_WITHIN], "\"within\" is for task steps only");
	else if (v[S_WITHIN] != NULL)
		rl_duration(c, v[S_WITHIN], "within", &s->within);
	if (v[S_BH] != NULL && !task)
		rl_error(c, k[S_BH], "\"business_hours\" is for task steps only");
	else if (v[S_BH] != NULL)
		rl_bool(c, v[S_BH], "business_hours", &s->business_hours);
}

static void
read_step(rl_ctx *c, rules_sequence *seq, yaml_node_t *n, bool last, int64_t *prev_at,
	  yaml_node_t **id_node)
{
	rules_step *s = &seq->steps[seq->nsteps];
	yaml_node_t *v[S_NKEYS], *k[S_NKEYS];

	if (!rl_fields(c, n, "step", step_keys, v, k))
		return;
	id_node[seq->nsteps] = v[S_ID] != NULL ? v[S_ID] : n;
	seq->nsteps++;
	if (v[S_ID] != NULL)
		rl_ident(c, v[S_ID], "id", ".-", &s->id);
	s->line = (int)n->start_mark.line + 1;
	s->within = 15 * 60;
	s->business_hours = true;
	if (v[S_AT] == NULL) {
		rl_missing(c, n, "at", "step");
	} else if (rl_duration(c, v[S_AT], "at", &s->at) == 0) {
		char a[32], b[32];

		/* The engine walks steps in order; out of order would skip some. */
		if (s->at < *prev_at)
			rl_error(c, v[S_AT], "step at %s comes after a step at %s; steps must be "
				 "in order of \"at\"", rl_format_duration(s->at, a, sizeof a),
				 rl_format_duration(*prev_at, b, sizeof b));
		else
			*prev_at = s->at;
	}
	if (read_action(c, s, n, v))
		read_details(c, s, n, v, k);
	if (v[S_UNLESS] != NULL)
		read_unless(c, s, v[S_UNLESS]);
	if (v[S_THEN] != NULL && rl_enum(c, v[S_THEN], "then", then_words) == 0) {
		if (!last)
			rl_error(c, k[S_THEN], "\"then\" is only allowed on the last step of a "
				 "sequence");
		s->then = THEN_COLD;
	}
}

/* FNV-1a, 32 bits: a short, stable name for a task's title. */
static uint32_t
fnv32(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* What a step does, as a name: "sms.checkin", "email.ack_email",
 * "notify.owner.quote_stalled", "call", "call.1f3a09c2" (a titled task).
 * Not its time: a step that moves is the same step. */
static void
content_name(const rules_step *s, char *buf, size_t len)
{
	switch (s->kind) {
	case STEP_SEND:
		snprintf(buf, len, "%s.%s", s->channel == CHANNEL_SMS ? "sms" : "email",
			 s->template_name ? s->template_name : "");
		break;
	case STEP_NOTIFY:
		snprintf(buf, len, "notify.%s.%s", s->notify ? s->notify : "",
			 s->template_name ? s->template_name : "");
		break;
	case STEP_TASK:
		if (s->title != NULL)
			snprintf(buf, len, "%s.%08x", s->verb ? s->verb : "task", fnv32(s->title));
		else
			snprintf(buf, len, "%s", s->verb ? s->verb : "task");
		break;
	}
}

static bool
id_taken(const rules_sequence *seq, const char *id, const rules_step *except)
{
	for (size_t i = 0; i < seq->nsteps; i++)
		if (&seq->steps[i] != except && seq->steps[i].id != NULL &&
		    strcmp(seq->steps[i].id, id) == 0)
			return true;
	return false;
}

/*
 * Gives every step without an `id:` one derived from what it does; a second
 * step doing the same thing gets "~2" (the third "~3"), counted in order.
 * Explicit ids are checked for repeats; identical steps without ids get a
 * warning (once per sequence), because deleting the first would rename the
 * second. Quadratic in the steps of one sequence (at most RL_MAX_STEPS).
 */
static void
name_steps(rl_ctx *c, rules_sequence *seq, yaml_node_t **id_node)
{
	char (*base)[96] = rl_calloc(c, seq->nsteps + 1, sizeof *base);
	bool *derived = rl_calloc(c, seq->nsteps + 1, sizeof *derived);
	bool warned = false;

	if (base == NULL || derived == NULL || c->stop)
		goto out;
	for (size_t i = 0; i < seq->nsteps; i++) {
		rules_step *s = &seq->steps[i];

		derived[i] = s->id == NULL;
		content_name(s, base[i], sizeof base[i]);
		for (size_t j = 0; s->id != NULL && j < i; j++)
			if (seq->steps[j].id != NULL && strcmp(seq->steps[j].id, s->id) == 0) {
				rl_error(c, id_node[i], "step id \"%s\" is used twice in sequence "
					 "\"%s\"", s->id, seq->name);
				break;
			}
	}
	for (size_t i = 0; i < seq->nsteps; i++) {
		rules_step *s = &seq->steps[i];
		size_t first = i;
		int nth = 1;
		char id[112];

		if (!derived[i])
			continue;
		for (size_t j = 0; j < i; j++)
			if (derived[j] && strcmp(base[j], base[i]) == 0) {
				if (nth++ == 1)
					first = j;
			}
		if (nth > 1 && !warned) {
			/* Once per sequence: the advice is the same for every repeat. */
			rl_warn(c, id_node[i], "step %zu of \"%s\" does the same as step %zu; "
				"give repeated steps an \"id\" each, so that an edit never takes "
				"one for another", i + 1, seq->name, first + 1);
			warned = true;
		}
		if (nth == 1)
			snprintf(id, sizeof id, "%s", base[i]);
		else
			snprintf(id, sizeof id, "%s~%d", base[i], nth);
		/* An explicit id may already read like this one: never share. */
		while (id_taken(seq, id, s) && strlen(id) + 2 < sizeof id)
			strcat(id, "~");
		s->id = rl_strdup(c, id);
	}
out:
	free(base);
	free(derived);
}

static void
read_steps(rl_ctx *c, rules_sequence *seq, yaml_node_t *n)
{
	size_t len = rl_list_len(n);
	int64_t prev_at = 0;
	yaml_node_t **id_node;

	if (!rl_is_list(c, n, seq->name))
		return;
	if (len == 0) {
		rl_warn(c, n, "sequence \"%s\" has no steps", seq->name);
		return;
	}
	if (len > RL_MAX_STEPS) {
		rl_error(c, n, "sequence \"%s\" has too many steps (at most %d)", seq->name,
			 RL_MAX_STEPS);
		return;
	}
	if ((seq->steps = rl_calloc(c, len, sizeof *seq->steps)) == NULL)
		return;
	if ((id_node = rl_calloc(c, len, sizeof *id_node)) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);

		if (it == NULL)
			break;
		read_step(c, seq, it, i + 1 == len, &prev_at, id_node);
	}
	name_steps(c, seq, id_node);
	free(id_node);
}

void
rl_sequences(rl_ctx *c, yaml_node_t *n)
{
	rules *r = c->r;
	size_t len;

	if (n == NULL)
		return;
	if (!rl_is_map(c, n, "sequences")) {
		c->bad_sequences = true;
		return;
	}
	len = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (len > RL_MAX_SEQUENCES) {
		rl_error(c, n, "too many sequences (at most %d)", RL_MAX_SEQUENCES);
		c->bad_sequences = true;
		return;
	}
	r->sequences = rl_calloc(c, len, sizeof *r->sequences);
	c->seq_nodes = rl_calloc(c, len, sizeof *c->seq_nodes);
	if (r->sequences == NULL || c->seq_nodes == NULL)
		return;
	for (size_t i = 0; i < len && rl_tick(c); i++) {
		yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
		yaml_node_t *k = rl_node(c, p->key);
		rules_sequence *seq = &r->sequences[r->nsequences];
		char *name = NULL;

		if (rl_ident(c, k, "sequence name", NULL, &name) < 0)
			continue;
		if (rules_sequence_find(r, name) != NULL) {
			rl_error(c, k, "sequence \"%s\" is defined twice", name);
			free(name);
			continue;
		}
		seq->name = name;
		c->seq_nodes[r->nsequences] = k;
		r->nsequences++;
		read_steps(c, seq, rl_node(c, p->value));
	}
}

static const char *
known_sequences(const rules *r, char *buf, size_t len)
{
	if (r->nsequences == 0)
		return "no sequences are defined";
	return rl_join(buf, len, (const char *const *)&r->sequences[0].name, r->nsequences,
		       sizeof *r->sequences);
}

int
rl_sequence_ref(rl_ctx *c, const yaml_node_t *n, const char *name)
{
	char list[512];

	if (rules_sequence_find(c->r, name) != NULL)
		return 0;
	if (!c->bad_sequences)
		rl_error(c, n, "sequence \"%s\" does not exist (known: %s)", name,
			 known_sequences(c->r, list, sizeof list));
	return -1;
}
