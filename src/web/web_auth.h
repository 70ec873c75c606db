/*
 * web_auth.h - the web app's security policy in one place: password hashing
 * (argon2id through libsodium's crypto_pwhash_str), what a password must be,
 * the CSRF comparison, the sign-in limits, and who sees what by role.
 * No HTTP here, so the unit tests can hold every rule to account.
 */
#ifndef LK_WEB_AUTH_H
#define LK_WEB_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store_user.h"

#define WEB_HASH_LEN 128		/* crypto_pwhash_STRBYTES */
#define WEB_PASSWORD_MIN 10		/* bytes */
#define WEB_PASSWORD_MAX 256		/* bytes: hashing more is a denial of service */
#define WEB_MAX_FAILED 5		/* failed sign-ins in a row that lock an account */
#define WEB_LOCK_SECS (15 * 60)		/* ... for this long */
#define WEB_SIGNIN_PER_MIN 20		/* sign-in and set-password posts per IP per minute */
#define WEB_SESSION_TTL (14 * 86400)	/* a session lasts; renewed when half is used */
#define WEB_PWLINK_TTL (7 * 86400)	/* a set-password link works this long, once */
#define WEB_SIGNIN_ACCOUNTS 4		/* accounts of one email a sign-in tries (businesses
					 * before `user add` refused a second one) */

/* argon2id hash of password into out[WEB_HASH_LEN] (interactive limits:
 * about 64 MiB and a tenth of a second). 0 / -1 (out of memory). */
int web_password_hash(const char *password, char *out);

/* True when password matches hash. An empty hash (no password set yet) never
 * matches, but costs the same time as a real check, so a response's timing
 * does not tell which accounts exist. */
bool web_password_verify(const char *hash, const char *password);

/* NULL when password may be used by the user with this email, else what is
 * wrong with it, in words for the form. */
const char *web_password_problem(const char *password, const char *email);

/* The form's CSRF token against the session's secret, in constant time.
 * False when either is missing or their lengths differ. */
bool web_csrf_ok(const char *secret, const char *given);

/* The CSRF token of the forms a session's pages show for business_id:
 * 64 hex digits into out[STORE_CSRF_LEN], keyed BLAKE2b of the business
 * with the session's secret. A form shown for one business is refused once
 * the session shows another (after the switcher), so a page left open on
 * one business never changes the other. out[0] = '\0' when secret is not
 * 64 characters or libsodium cannot start (then no token matches). */
void web_csrf_for(const char *secret, int64_t business_id, char *out);

/* A fresh random secret for a pre-session (sign-in form) CSRF cookie:
 * 64 hex digits into out[STORE_CSRF_LEN]. */
void web_csrf_new(char *out);

/* Roles: office, manager and admin see every lead and task; sales and
 * technicians see the leads they own and the tasks assigned to them. */
bool web_role_sees_all(const char *role);
/* Who may give a lead to someone else: office, manager, admin. */
bool web_role_may_assign(const char *role);
/* Who sees the Team page (everyone's numbers): office, manager, admin. */
bool web_role_sees_team(const char *role);
/* Who may pause and resume a lead's automation: office, manager, admin, and
 * the lead's owner (person is the user's, owner the lead's; NULL = none). */
bool web_may_pause(const char *role, const char *person, const char *owner);
/* Who sees the Rules page (the rules file and its check): manager, admin. */
bool web_role_sees_rules(const char *role);
/* Who sees the Reports page (the pipeline measured, everyone's figures):
 * manager, admin. */
bool web_role_sees_reports(const char *role);

#endif
