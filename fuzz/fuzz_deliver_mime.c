// fuzz-sources: src/deliver/deliver_mime.c
// fuzz-pkgs: libsodium
/*
 * fuzz_deliver_mime.c - libFuzzer target for deliver_mime_build: subjects,
 * names, bodies and addresses come from leads (web forms, emails) and the
 * rules file, so any bytes must give a well-formed message or a refusal.
 *
 * Input: up to five NUL-separated fields: subject, body, display name, To
 * address, Reply-To address. Contract: every line ends in CRLF, no bare CR
 * or LF, no line longer than 998, the header block has no line we did not
 * write (no injection), and refused addresses give -2.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deliver/deliver_mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const known[] = {
	"Date: ", "From: ", "To: ", "Reply-To: ", "Subject: ", "Message-ID: ",
	"List-Unsubscribe: ", "List-Unsubscribe-Post: ", "Auto-Submitted: ",
	"MIME-Version: ", "Content-Type: ", " ",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *f[5] = { "", "", "", "a@b.example", NULL }, *out, *p;
	size_t len, nf = 0, start = 0;
	deliver_mail m;
	int rc;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; i <= size && nf < 5; i++) {
		if (i == size || buf[i] == '\0') {
			f[nf++] = buf + start;
			start = i + 1;
		}
	}
	m = (deliver_mail){ .from_name = f[2], .from_addr = "leads@acme.example", .to = f[3],
			    .reply_to = f[4], .subject = f[0], .text = f[1],
			    .message_id = "<1.x@acme.example>",
			    .unsubscribe_url = "https://acme.example/unsubscribe?token=1.x",
			    .boundary = "=_lk_1", .date = 1795550520 };
	rc = deliver_mime_build(&m, &out, &len);
	if (rc == -2 && deliver_mime_address_ok(f[3]) && (!f[4] || deliver_mime_address_ok(f[4])))
		abort();	/* refused good addresses */
	if (rc != 0) {
		free(buf);
		return 0;
	}
	if (strlen(out) != len)
		abort();
	for (p = out; *p;) {
		char *eol = strstr(p, "\r\n");

		if (eol == NULL || eol - p > 998 || memchr(p, '\n', (size_t)(eol - p)) ||
		    memchr(p, '\r', (size_t)(eol - p)))
			abort();
		if (p < strstr(out, "\r\n\r\n")) {	/* a header line */
			size_t k;

			for (k = 0; k < sizeof known / sizeof known[0]; k++)
				if (strncmp(p, known[k], strlen(known[k])) == 0)
					break;
			if (k == sizeof known / sizeof known[0])
				abort();	/* a header we did not write */
		}
		p = eol + 2;
	}
	free(out);
	free(buf);
	return 0;
}
