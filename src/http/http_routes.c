/*
 * http_routes.c - every route the server answers, in one table. The OpenAPI
 * document (docs/openapi.yaml) must list exactly these.
 */
#include "http_internal.h"

const http_route http_routes[] = {
	{ "GET", "/healthz", http_healthz },
	{ "GET", "/readyz", http_readyz },
	{ NULL, NULL, NULL },
};
