/*
 * web_assets.c - serving the embedded files and the web app manifest.
 * An asset asked for with its current version is cached for a year
 * (immutable); otherwise it is revalidated with its ETag.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "web.h"
#include "web_assets.h"

#define MAX_ASSETS 16

static char versions[MAX_ASSETS][17];
static pthread_once_t versions_once = PTHREAD_ONCE_INIT;

static void
hash_all(void)
{
	if (sodium_init() < 0)
		return;
	for (size_t i = 0; i < MAX_ASSETS && web_assets[i].name; i++) {
		unsigned char h[8];

		crypto_generichash(h, sizeof h, web_assets[i].data, web_assets[i].len, NULL, 0);
		sodium_bin2hex(versions[i], sizeof versions[i], h, sizeof h);
	}
}

const web_asset *
web_asset_find(const char *name)
{
	for (size_t i = 0; i < MAX_ASSETS && web_assets[i].name; i++)
		if (strcmp(web_assets[i].name, name) == 0)
			return &web_assets[i];
	return NULL;
}

const char *
web_asset_version(const web_asset *a)
{
	pthread_once(&versions_once, hash_all);
	return versions[a - web_assets];
}

const char *
web_asset_type(const web_asset *a)
{
	const char *dot = strrchr(a->name, '.');

	if (dot && strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (dot && strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (dot && strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	return "application/octet-stream";
}

enum MHD_Result
web_asset_get(http_req *rq)
{
	const web_asset *a = web_asset_find(rq->params[0]);
	const char *v = http_arg(rq, "v"), *inm = http_header(rq, "If-None-Match");
	char etag[24];
	const char *cache;

	if (a == NULL)
		return web_respond(rq, 404, "text/plain; charset=utf-8", "no such asset\n", 14,
				   NULL, NULL, NULL, NULL);
	snprintf(etag, sizeof etag, "\"%s\"", web_asset_version(a));
	cache = v && strcmp(v, web_asset_version(a)) == 0 ? "public, max-age=31536000, immutable" :
		"no-cache";
	if (inm != NULL && strcmp(inm, etag) == 0)
		return web_respond(rq, 304, NULL, "", 0, cache, etag, NULL, NULL);
	return web_respond(rq, 200, web_asset_type(a), a->data, a->len, cache, etag, NULL, NULL);
}

enum MHD_Result
web_manifest(http_req *rq)
{
	const web_asset *icon = web_asset_find("icon.svg");
	char src[128];
	json_t *m;
	char *body;
	enum MHD_Result ret;

	snprintf(src, sizeof src, "/app/assets/icon.svg?v=%s", icon ? web_asset_version(icon) : "");
	m = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:s}]}",
		      "name", http_rules(rq->srv)->business.name, "short_name", "leadkeep",
		      "description", "Today's follow-ups: who to call now, and why.",
		      "start_url", "/app/", "scope", "/app/", "display", "standalone",
		      "background_color", "#ffffff", "theme_color", "#0b4f8a",
		      "icons", "src", src, "sizes", "any", "type", "image/svg+xml",
		      "purpose", "any");
	body = m ? json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(m);
	if (body == NULL)
		return web_respond(rq, 500, "text/plain; charset=utf-8", "out of memory\n", 14, NULL,
				   NULL, NULL, NULL);
	ret = web_respond(rq, 200, "application/manifest+json", body, strlen(body), "no-cache",
			  NULL, NULL, NULL);
	free(body);
	return ret;
}
