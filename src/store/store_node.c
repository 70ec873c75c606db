/*
 * store_node.c - the forwarders of store_node.h, with the single-server
 * behaviour for an engine that has no nodes.
 */
#include "store_backend.h"
#include "store_node.h"

static const store_backend *
be(store *s)
{
	return store_backend_of(s);
}

int
store_node_join(store *s, const char *node, int lease_seconds, char *err, size_t errlen)
{
	if (be(s)->node_join == NULL)
		return 0;
	return be(s)->node_join(s, node, lease_seconds, err, errlen);
}

int
store_lease_renew(store *s)
{
	return be(s)->lease_renew ? be(s)->lease_renew(s) : 0;
}

int
store_outbox_orphans(store *s, bool at_start, int64_t *ids, int max)
{
	if (be(s)->outbox_orphans != NULL)
		return be(s)->outbox_orphans(s, at_start, ids, max);
	return at_start ? store_outbox_in_state(s, OUTBOX_SENDING, ids, max) : 0;
}

int
store_webhook_orphans(store *s, bool at_start)
{
	if (be(s)->webhook_orphans != NULL)
		return be(s)->webhook_orphans(s, at_start);
	return at_start ? store_webhook_recover(s) : 0;
}

bool
store_can_wait_commit(store *s)
{
	return be(s)->wait_commit != NULL;
}

int
store_wait_commit(store *s, int timeout_ms)
{
	return be(s)->wait_commit ? be(s)->wait_commit(s, timeout_ms) : 0;
}

int
store_node_duty(store *s, const char *duty)
{
	return be(s)->node_duty ? be(s)->node_duty(s, duty) : 1;
}
