/*
 * intake_import.h - old records (a spreadsheet, a CRM's export) into intake
 * requests: the columns of a header row mapped to a lead's fields (common
 * headers recognised by themselves, others named by the owner's --map, the
 * rest kept as custom fields), then each row into an INTAKE_LEAD request
 * flagged as imported (lead.h: lead_import). Pure: the file is read and the
 * requests are submitted by the caller (`leadkeep import`, src/cli/).
 */
#ifndef LK_INTAKE_IMPORT_H
#define LK_INTAKE_IMPORT_H

#include <stddef.h>

#include "core/rules.h"
#include "intake/intake.h"
#include "intake/intake_custom.h"

/* What a column holds. */
typedef enum {
	IMPORT_COL_IGNORE = 0,	/* dropped ("-" in --map) */
	IMPORT_COL_CUSTOM,	/* kept as a custom field under the header's name */
	IMPORT_COL_NAME,
	IMPORT_COL_FIRST_NAME,	/* joined with the last name when there is no name */
	IMPORT_COL_LAST_NAME,
	IMPORT_COL_PHONE,
	IMPORT_COL_EMAIL,
	IMPORT_COL_SOURCE,
	IMPORT_COL_KIND,
	IMPORT_COL_SERVICE,
	IMPORT_COL_MESSAGE,
	IMPORT_COL_NEIGHBOURHOOD,
	IMPORT_COL_STAGE,
	IMPORT_COL_OWNER,
	IMPORT_COL_LOST_REASON,
	IMPORT_COL_EXTERNAL_ID,
	IMPORT_COL_SMS_OPT_OUT,	/* yes, true, 1, y, x: no texts */
	IMPORT_COL_EMAIL_OPT_OUT,
} import_col;

typedef struct import_map import_map;

/*
 * The columns of headers[0..n) (borrowed for the call only): each --map pair
 * "Header=field" first (map may be NULL; headers compare case-insensitively;
 * field is one of the import_col names - name, first_name, last_name, phone,
 * email, source, kind, service, message, neighbourhood, stage, owner,
 * lost_reason, external_id, sms_opt_out, email_opt_out -, "custom" or "custom.NAME", or "-" to drop the
 * column), then the common headers (import_field_for_header), then custom
 * fields. NULL with err set when map is malformed or names a header the file
 * lacks or a field that does not exist, or when no column gives a name, a
 * phone or an email. Caller frees with import_map_free.
 */
import_map *import_map_new(const char *const *headers, size_t n, const char *map, char *err,
			   size_t errlen);
void import_map_free(import_map *m);

/* How many columns the header has; what column i holds and, for a custom
 * field, its name (borrowed from m). */
size_t import_map_columns(const import_map *m);
import_col import_map_column(const import_map *m, size_t i, const char **custom_name);

/* The field name of a column kind ("phone", "custom", "-"). */
const char *import_col_name(import_col c);

/* The field a header names by itself ("Full Name", "Mobile Phone", "E-mail",
 * "Lead Status"...: case, blanks and punctuation ignored), or
 * IMPORT_COL_CUSTOM for one it does not know. */
import_col import_field_for_header(const char *header);

/*
 * Row fields[0..n) (borrowed; each NUL-terminated) into req, an INTAKE_LEAD
 * flagged `mode`, source `source` unless the row names one. Strings of req
 * are borrowed from fields and from cs (custom fields, the joined name), so
 * both must outlive the submission. The row's stage is matched to a stage of
 * r and its owner to a person of r (id or name, case-insensitively).
 * Returns INTAKE_OK; INTAKE_NOTHING for a blank row (skip it silently);
 * INTAKE_MISSING when the row has no name, phone or email; INTAKE_INVALID
 * when it has more fields than the header, or a stage or owner r does not
 * know; INTAKE_NOMEM. err says why, for the row's line of the report.
 */
intake_result intake_import_row(const import_map *m, const rules *r, const char *const *fields,
				size_t n, const char *source, lead_import mode, custom_set *cs,
				intake_request *req, char *err, size_t errlen);

/* A spreadsheet's guard against formulas, undone: "'=SUM(A1)" as written
 * by export_csv_field (cmd_export.c) reads back as "=SUM(A1)". Returns s or
 * s + 1. */
const char *import_unguard(const char *s);

#endif
