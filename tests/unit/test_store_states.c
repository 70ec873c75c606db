/*
 * test_store_states.c - the store checks every timer, task, lead-status and
 * appointment transition it applies against src/core/states.c: legal edges apply, and an
 * illegal one stops the process loudly (abort, naming the edge), as the
 * outbox does. The illegal cases run in a child process.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/engine_internal.h"
#include "demo_store.h"
#include "flow/flow.h"

typedef demo_store fixture;

static int64_t
add_lead(fixture *f)
{
	intake_lead in = { .name = "Marcus Johnson", .phone = "(312) 555-0199",
			   .source = "web_form", .service = "deck repair" };
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(flow_intake(f->s, f->bid, f->r, &in, f->t0, &res, err, sizeof err), FLOW_OK);
	assert_int_equal(store_commit(f->s), 0);
	return res.lead_id;
}

/* A decision of one ACT_SET_STATUS, built by hand as the engine would. */
static decision *
status_decision(const char *status)
{
	engine_ctx c;

	memset(&c, 0, sizeof c);
	c.d = decision_new();
	engine_push(&c, ACT_SET_STATUS)->name = status;
	return c.d;
}

typedef struct {
	fixture *f;
	int64_t lead_id;
	const decision *d;	/* applied to lead_id, or */
	int64_t timer_id;	/* moved fired -> pending */
} child_job;

/* In the child: no cmocka (a failed assert would run the other tests there
 * too); exit 3 for anything but the expected stop. On PostgreSQL the child
 * has a connection of its own (the parent's must not be shared). */
static void
child_run(const child_job *j)
{
	store *s = demo_on_pg() ? demo_pg_open(false) : j->f->s;
	char err[256];

	if (store_begin(s) < 0)
		_exit(3);
	if (j->d != NULL)
		store_apply(s, j->f->bid, j->lead_id, j->d, NULL, j->f->t0, NULL, err, sizeof err);
	else
		store_timer_move(s, j->timer_id, TIMER_FIRED, TIMER_PENDING, j->f->t0);
	_exit(0);	/* it was applied: the edge was not refused */
}

/* Runs j in a child and checks it aborted with a line naming the edge. */
static void
assert_stops_loudly(const child_job *j, const char *edge)
{
	char out[1024];
	size_t n = 0;
	ssize_t r;
	int fds[2], status;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 2);
		child_run(j);
	}
	close(fds[1]);
	while (n < sizeof out - 1 && (r = read(fds[0], out + n, sizeof out - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	if (strstr(out, edge) == NULL)
		fail_msg("stderr \"%s\" does not name \"%s\"", out, edge);
}

static void
a_task_closed_twice_stops_loudly(void **state)
{
	fixture *f = *state;
	int64_t id = add_lead(f), task;
	lead_event ev = lead_event_init(EV_TASK_DONE);
	store_lead_state *ls;
	decision *d = NULL;
	char err[256], edge[64];

	task = demo_count(f->s, "SELECT id FROM tasks WHERE state = 'open' ORDER BY id LIMIT 1");
	assert_true(task > 0);
	ev.task_id = task;
	ev.outcome = "reached";
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_lead_state_load(f->s, f->bid, id, f->t0, f->r->touch_window, &ls,
					       err, sizeof err), 1);
	assert_int_equal(decide(store_lead_state_get(ls), &ev, f->r, store_lead_state_rr(ls),
				f->t0 + 60, &d, err, sizeof err), DECIDE_OK);
	assert_int_equal(store_apply(f->s, f->bid, id, d, NULL, f->t0 + 60, NULL, err,
				     sizeof err), 0);
	assert_int_equal(store_commit(f->s), 0);
	/* The same decision again is stale: its task is done, not open. */
	snprintf(edge, sizeof edge, "task %lld: illegal transition done -> done", (long long)task);
	assert_stops_loudly(&(child_job){ .f = f, .lead_id = id, .d = d }, edge);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM tasks WHERE state = 'done'"), 1);
	decision_free(d);
	store_lead_state_free(ls);
}

static void
lead_status_moves_only_along_legal_edges(void **state)
{
	fixture *f = *state;
	int64_t id = add_lead(f);
	decision *lost = status_decision(LEAD_STATUS_LOST);
	decision *archived = status_decision(LEAD_STATUS_ARCHIVED);
	decision *won = status_decision(LEAD_STATUS_WON);
	char err[256], edge[64];

	/* open -> lost -> won: legal. */
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_apply(f->s, f->bid, id, lost, NULL, f->t0, NULL, err, sizeof err), 0);
	assert_int_equal(store_apply(f->s, f->bid, id, won, NULL, f->t0, NULL, err, sizeof err), 0);
	assert_int_equal(store_commit(f->s), 0);
	/* won -> archived: a won customer never goes cold. */
	snprintf(edge, sizeof edge, "lead %lld: illegal transition won -> archived", (long long)id);
	assert_stops_loudly(&(child_job){ .f = f, .lead_id = id, .d = archived }, edge);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM leads WHERE status = 'won'"), 1);
	decision_free(lost);
	decision_free(archived);
	decision_free(won);
}

static void
a_fired_timer_never_goes_back_to_pending(void **state)
{
	fixture *f = *state;
	int64_t timer;
	char edge[64];

	add_lead(f);
	timer = demo_count(f->s, "SELECT id FROM timers WHERE state = 'pending' ORDER BY id LIMIT 1");
	assert_true(timer > 0);
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_timer_claim(f->s, timer, f->t0), 1);
	assert_int_equal(store_timer_claim(f->s, timer, f->t0), 0);	/* claimed: not pending */
	assert_int_equal(store_timer_set_error(f->s, timer), 0);	/* not pending: no move */
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM timers WHERE state = 'fired'"), 1);
	snprintf(edge, sizeof edge, "timer %lld: illegal transition fired -> pending",
		 (long long)timer);
	assert_stops_loudly(&(child_job){ .f = f, .timer_id = timer }, edge);
}

static flow_result
appointment(fixture *f, int64_t lead_id, const char *what, int64_t at)
{
	lead_event ev = lead_event_init(EV_APPOINTMENT);
	flow_result rc;
	char err[256];

	ev.outcome = what;
	ev.starts_at = f->t0 + 3 * 86400;
	ev.assignee = "bob";
	assert_int_equal(store_begin(f->s), 0);
	rc = flow_event(f->s, f->bid, f->r, lead_id, &ev, at, NULL, err, sizeof err);
	assert_int_equal(store_commit(f->s), 0);
	return rc;
}

static void
an_appointment_moves_only_along_legal_edges(void **state)
{
	fixture *f = *state;
	int64_t id = add_lead(f);
	lead_event ev = lead_event_init(EV_APPOINTMENT);
	store_lead_state *ls;
	decision *d = NULL;
	char err[256];

	assert_int_equal(appointment(f, id, "book", f->t0 + 60), FLOW_OK);
	/* a cancellation decided while it was booked ... */
	ev.outcome = "cancel";
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_lead_state_load(f->s, f->bid, id, f->t0, f->r->touch_window, &ls,
					       err, sizeof err), 1);
	assert_int_equal(decide(store_lead_state_get(ls), &ev, f->r, store_lead_state_rr(ls),
				f->t0 + 120, &d, err, sizeof err), DECIDE_OK);
	store_rollback(f->s);
	/* ... is stale once it is done: done is final */
	assert_int_equal(appointment(f, id, "done", f->t0 + 180), FLOW_OK);
	assert_int_equal(appointment(f, id, "cancel", f->t0 + 240), FLOW_CONFLICT);
	assert_stops_loudly(&(child_job){ .f = f, .lead_id = id, .d = d },
			    "appointment 1: illegal transition done -> cancelled");
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM appointments WHERE state = 'done'"),
			 1);
	decision_free(d);
	store_lead_state_free(ls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_task_closed_twice_stops_loudly, demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(lead_status_moves_only_along_legal_edges, demo_setup,
						demo_teardown),
		cmocka_unit_test_setup_teardown(a_fired_timer_never_goes_back_to_pending, demo_setup,
						demo_teardown),
		cmocka_unit_test_setup_teardown(an_appointment_moves_only_along_legal_edges, demo_setup,
						demo_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
