/*
 * test_store_rows_pg.c - the PostgreSQL engine's store functions on their own
 * rows: business_sync, open leads and customers by phone or email, API
 * tokens, idempotency records, calendar tokens, rules versions. Each test
 * starts from an empty schema; the cluster is tests/pg_cluster.sh's
 * (LK_PG_URL; tests/run.sh starts it). Helpers: store_pg_test.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/rules_load.h"
#include "store/store.h"
#include "store/store_api.h"
#include "store/store_bus.h"
#include "store/store_pg.h"

#include "pg_test.h"
#include "store_pg_test.h"

static void
business_sync_is_idempotent_and_keeps_people_current(void **state)
{
	store *s = open_ok();
	rules *r = demo_rules();
	char err[512];
	int64_t a, b;

	assert_int_equal(store_begin(s), 0);
	a = store_business_sync(s, r, err, sizeof err);
	assert_int_equal(store_commit(s), 0);
	assert_true(a > 0);
	assert_int_equal(store_begin(s), 0);
	b = store_business_sync(s, r, err, sizeof err);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(a, b);
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM businesses"), 1);
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM people WHERE active = 1"),
			 (int64_t)r->npeople);
	/* A person gone from the rules stays, inactive. */
	r->npeople--;
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_business_sync(s, r, err, sizeof err), a);
	assert_int_equal(store_commit(s), 0);
	r->npeople++;
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM people WHERE active = 0"), 1);
	rules_free(r);
	store_close(s);
}

static void
open_leads_and_customers_are_found_by_phone_or_email(void **state)
{
	store *s = open_ok();
	PGconn *c = store_pg_conn(s);

	sql_ok(c, "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0),"
		  " (2, 'other', 'Other', 'UTC', 0);"
		  "INSERT INTO leads (id, business_id, phone, email, status, created_at, updated_at)"
		  " VALUES (10, 1, '+13125550199', NULL, 'open', 100, 100),"
		  " (11, 1, NULL, 'ann@example.com', 'nurture', 200, 200),"
		  " (12, 1, '+13125550100', 'bo@example.com', 'won', 50, 50),"
		  " (13, 2, '+13125550199', NULL, 'open', 300, 300)");
	assert_int_equal(store_lead_find_open(s, 1, "+13125550199", NULL, 0), 10);
	assert_int_equal(store_lead_find_open(s, 1, NULL, "ann@example.com", 0), 11);
	assert_int_equal(store_lead_find_open(s, 1, "+13125550199", "ann@example.com", 0), 11);
	/* Older than the window, another business's, won, or nothing to match. */
	assert_int_equal(store_lead_find_open(s, 1, "+13125550199", NULL, 101), 0);
	assert_int_equal(store_lead_find_open(s, 2, NULL, "ann@example.com", 0), 0);
	assert_int_equal(store_lead_find_open(s, 1, "+13125550100", NULL, 0), 0);
	assert_int_equal(store_lead_find_open(s, 1, "", "", 0), 0);
	assert_int_equal(store_lead_find_customer(s, 1, "+13125550100", NULL), 12);
	assert_int_equal(store_lead_find_customer(s, 1, NULL, "bo@example.com"), 12);
	assert_int_equal(store_lead_find_customer(s, 1, "+13125550199", NULL), 0);
	assert_int_equal(store_lead_find_customer(s, 2, "+13125550100", NULL), 0);
	store_close(s);
}

static void
tokens_are_checked_by_hash_and_revoked_once(void **state)
{
	store *s = open_ok();
	rules *r = demo_rules();
	char err[512], token[STORE_TOKEN_LEN], role[16], bad[STORE_TOKEN_LEN];
	int64_t bid, id, got_bid = 0, got_id = 0;

	assert_int_equal(store_begin(s), 0);
	bid = store_business_sync(s, r, err, sizeof err);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_token_create(s, bid, "zapier", "intake", 100, token, &id, err,
					    sizeof err), 0);
	assert_true(id > 0);
	assert_int_equal(store_token_check(s, token, &got_bid, &got_id, role, sizeof role), 0);
	assert_int_equal(got_bid, bid);
	assert_int_equal(got_id, id);
	assert_string_equal(role, "intake");
	/* Only the hash is stored; a wrong secret with the right prefix fails. */
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM api_tokens"
			       " WHERE length(hash) = 64 AND position('lk_' IN hash) = 0"), 1);
	snprintf(bad, sizeof bad, "%s", token);
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(store_token_check(s, bad, &got_bid, &got_id, role, sizeof role), 1);
	assert_int_equal(store_token_check(s, "lk_nonsense", &got_bid, &got_id, role,
					   sizeof role), 1);
	assert_int_equal(store_token_create(s, bid, "x", "owner", 100, token, &id, err,
					    sizeof err), -1);
	assert_non_null(strstr(err, "role"));
	assert_int_equal(store_token_revoke(s, bid + 1, id, 200), 0);	/* not its business */
	assert_int_equal(store_token_revoke(s, bid, id, 200), 1);
	assert_int_equal(store_token_revoke(s, bid, id, 300), 0);
	rules_free(r);
	store_close(s);
}

static void
idempotency_records_replay_and_tell_a_different_request(void **state)
{
	store *s = open_ok();
	char *body = NULL;
	int status = 0;
	bool same = false;

	sql_ok(store_pg_conn(s), "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0)");
	assert_int_equal(store_idem_get(s, 1, "k1", "h1", &status, &body, &same), 0);
	assert_int_equal(store_idem_put(s, 1, "k1", "h1", 201, "{\"id\":7}", 100), 0);
	assert_int_equal(store_idem_get(s, 1, "k1", "h1", &status, &body, &same), 1);
	assert_int_equal(status, 201);
	assert_string_equal(body, "{\"id\":7}");
	assert_true(same);
	free(body);
	assert_int_equal(store_idem_get(s, 1, "k1", "h2", &status, &body, &same), 1);
	assert_false(same);
	free(body);
	/* Put again: replaced, not a second row. */
	assert_int_equal(store_idem_put(s, 1, "k1", "h3", 409, "{}", 200), 0);
	assert_int_equal(store_idem_get(s, 1, "k1", "h3", &status, &body, &same), 1);
	assert_int_equal(status, 409);
	free(body);
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM idempotency_keys"), 1);
	store_close(s);
}

static void
calendar_tokens_are_one_live_per_person(void **state)
{
	store *s = open_ok();
	char err[512], first[STORE_CAL_TOKEN_LEN], second[STORE_CAL_TOKEN_LEN], who[32];
	int64_t bid = 0;

	sql_ok(store_pg_conn(s), "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0)");
	assert_int_equal(store_calendar_token(s, 1, "alice", 100, first, err, sizeof err), 0);
	assert_int_equal(strlen(first), STORE_CAL_TOKEN_LEN - 1);
	assert_int_equal(store_calendar_check(s, first, &bid, who, sizeof who), 1);
	assert_int_equal(bid, 1);
	assert_string_equal(who, "alice");
	/* A new address revokes the old one. */
	assert_int_equal(store_calendar_token(s, 1, "alice", 200, second, err, sizeof err), 0);
	assert_int_equal(store_calendar_check(s, first, &bid, who, sizeof who), 0);
	assert_int_equal(store_calendar_check(s, second, &bid, who, sizeof who), 1);
	assert_int_equal(store_calendar_check(s, "short", &bid, who, sizeof who), 0);
	assert_int_equal(store_calendar_revoke(s, 1, "alice", 300), 1);
	assert_int_equal(store_calendar_revoke(s, 1, "alice", 400), 0);
	assert_int_equal(store_calendar_check(s, second, &bid, who, sizeof who), 0);
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM calendar_tokens"
			       " WHERE length(hash) = 64"), 2);
	store_close(s);
}

static void
history_row(void *ctx, const store_rules_row *r)
{
	char *out = ctx;

	snprintf(out + strlen(out), 256 - strlen(out), "%s@%lld by %s, %lld leads;", r->hash,
		 (long long)r->at, r->by, (long long)r->leads);
}

static void
rules_versions_are_kept_once_and_every_activation_recorded(void **state)
{
	store *s = open_ok();
	char prev[80], hash[80], by[32], history[256] = "", *text = NULL;
	int64_t at = 0, ids[8], n = -1;

	sql_ok(store_pg_conn(s), "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0);"
		 "INSERT INTO leads (id, business_id, owner, sequence, rules_version, created_at,"
		 " updated_at) VALUES (1, 1, 'alice', 'new', 'aaa', 0, 0),"
		 " (2, 1, 'alice', 'new', 'bbb', 0, 0), (3, 1, 'bob', NULL, NULL, 0, 0);"
		 "INSERT INTO tasks (business_id, lead_id, verb, title, assignee, due_at, created_at)"
		 " VALUES (1, 2, 'call', 'Call', 'bob', 0, 0), (1, 3, 'call', 'Call', 'bob', 0, 0),"
		 " (1, 3, 'visit', 'Visit', 'bob', 0, 0)");
	assert_int_equal(store_rules_active(s, 1, hash, sizeof hash, &at, by, sizeof by), 0);
	assert_int_equal(store_rules_activate(s, 1, "aaa", "v: 1", "serve", 100, prev,
					      sizeof prev), 1);
	assert_string_equal(prev, "");
	assert_int_equal(store_rules_activate(s, 1, "aaa", "v: 1", "serve", 110, prev,
					      sizeof prev), 0);	/* already active */
	assert_int_equal(store_rules_activate(s, 1, "bbb", "v: 2", "ann", 200, prev,
					      sizeof prev), 1);
	assert_string_equal(prev, "aaa");
	assert_int_equal(store_rules_activate(s, 1, "aaa", "v: 1", "ann", 300, prev,
					      sizeof prev), 1);	/* back: the text kept once */
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM rules_versions"), 2);
	assert_int_equal(store_rules_active(s, 1, hash, sizeof hash, &at, by, sizeof by), 1);
	assert_string_equal(hash, "aaa");
	assert_int_equal(at, 300);
	assert_string_equal(by, "ann");
	assert_int_equal(store_rules_text(s, 1, "bbb", &text), 1);
	assert_string_equal(text, "v: 2");
	free(text);
	assert_int_equal(store_rules_text(s, 1, "ccc", &text), 0);
	assert_int_equal(store_rules_history(s, 1, 10, history_row, history), 3);
	assert_string_equal(history, "aaa@300 by ann, 1 leads;bbb@200 by ann, 1 leads;"
			    "aaa@100 by serve, 1 leads;");
	assert_int_equal(store_leads_off_version(s, 1, "aaa", 0, ids, 8), 1);
	assert_int_equal(ids[0], 2);
	assert_int_equal(store_owner_open_leads(s, 1, "alice", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_assignee_leads(s, 1, "bob", 0, ids, 8), 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 3);
	assert_int_equal(store_assignee_leads(s, 1, "bob", 2, ids, 8), 1);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(business_sync_is_idempotent_and_keeps_people_current,
				       empty_schema),
		cmocka_unit_test_setup(open_leads_and_customers_are_found_by_phone_or_email,
				       empty_schema),
		cmocka_unit_test_setup(tokens_are_checked_by_hash_and_revoked_once, empty_schema),
		cmocka_unit_test_setup(idempotency_records_replay_and_tell_a_different_request,
				       empty_schema),
		cmocka_unit_test_setup(calendar_tokens_are_one_live_per_person, empty_schema),
		cmocka_unit_test_setup(rules_versions_are_kept_once_and_every_activation_recorded,
				       empty_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
