/*
 * web_assets.h - the files compiled into the binary (src/web/assets/, made
 * into build/gen/web_assets.c by the Makefile): one CSS, one JS, the icon.
 * Served with a version in the URL so browsers may keep them for a year.
 */
#ifndef LK_WEB_ASSETS_H
#define LK_WEB_ASSETS_H

#include <stddef.h>

typedef struct {
	const char *name;		/* "app.css" */
	const unsigned char *data;
	size_t len;
} web_asset;

/* Generated: every asset, then { NULL, NULL, 0 }. */
extern const web_asset web_assets[];

/* The asset called name, or NULL. */
const web_asset *web_asset_find(const char *name);

/* 16 hex digits of the asset's BLAKE2b hash: its URL's ?v= and its ETag.
 * Computed once, thread-safe; borrowed, static. */
const char *web_asset_version(const web_asset *a);

/* The media type for the asset's name ("text/css; charset=utf-8"...). */
const char *web_asset_type(const web_asset *a);

#endif
