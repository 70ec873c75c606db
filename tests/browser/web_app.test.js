// web_app.test.js - the staff web app in a real browser (Debian's chromium,
// driven by playwright-core) against the real serve, on the demo's seeded
// week: every page of pages.js checked by axe-core and photographed at 360 and
// 1280 px; then signing in and out, lockout, CSRF, cookie flags, a lead from
// the form door on its owner's Today, walking a task, a visit with a quote
// from a phone, pausing and resuming a lead's automation, XSS payloads in
// every field (custom fields too), and who may open which lead (a sales rep,
// a technician).
// Prints TAP lines; run by tests/e2e/test_web_browser.sh.
'use strict';

const t = require('./lib');
const pages = require('./pages');

const { BASE, sql } = t;

async function main() {
	const browser = await t.launch();
	t.ok(`chromium ${browser.version()} started headless`);
	const ctxs = {};	// one signed-in context per person, made once
	const as = async (email, opts) => {
		const key = `${email}:${opts ? 'phone' : 'desktop'}`;
		if (!ctxs[key])
			ctxs[key] = email ? await t.personContext(browser, email, opts) :
				await browser.newContext({ ...(opts || t.DESKTOP), baseURL: BASE });
		return ctxs[key];
	};

	// --- every page: axe-core, no sideways scrolling, screenshots ----------------------------
	for (const p of pages) {
		await t.test(`page ${p.name}`, async () => {
			const url = typeof p.path === 'function' ? p.path({ sql, env: process.env }) : p.path;
			for (const [width, opts] of [[360, t.PHONE], [1280, undefined]]) {
				const ctx = await as(p.as, opts);
				const page = await t.newPage(ctx);
				const resp = await page.goto(BASE + url);
				t.eq(`${p.name} at ${width} px: ${p.status || 200}`, resp.status(), p.status || 200);
				const problems = await t.axeProblems(page);
				t.check(`${p.name} at ${width} px: axe-core finds no serious or critical violation`,
					problems.length === 0, problems.join('\n'));
				const over = await t.overflowX(page);
				t.check(`${p.name} at ${width} px: no sideways scrolling`, over <= 0,
					`the page is ${over} px wider than the screen`);
				await t.screenshot(page, `${p.name}-${width}`, p.docs);
				t.check(`${p.name} at ${width} px: no script error, no dialog`,
					page.errors.length === 0 && page.dialogs.length === 0,
					[...page.errors, ...page.dialogs].join('\n'));
				await page.close();
			}
		});
	}

	// --- signing in ---------------------------------------------------------------------------
	const anon = await browser.newContext({ ...t.DESKTOP, baseURL: BASE });
	const mp = await t.newPage(anon);
	await t.test('sign-in', async () => {
		await mp.goto(`${BASE}/app/`);
		t.check('a page without a session goes to the sign-in form', mp.url().startsWith(`${BASE}/app/login`),
			mp.url());
		const token = await mp.getAttribute('form[action="/app/login"] input[name="csrf"]', 'value');
		t.check('the sign-in form carries a CSRF token', /^[0-9a-f]{64}$/.test(token || ''), token);
		let resp = await t.signIn(mp, 'maria@demo', 'not-her-password');
		t.eq('wrong password: refused (401)', resp.status(), 401);
		t.check('wrong password: a clear message', (await mp.textContent('main')).includes('Wrong email or password.'),
			await mp.textContent('main'));
		t.check('wrong password: no session cookie',
			!(await anon.cookies()).some((c) => c.name === 'lk_session'));
		resp = await t.signIn(mp, 'maria@demo');
		t.eq('right password: 303', resp.status(), 303);
		t.eq('signed in: on Today', new URL(mp.url()).pathname, '/app/');
		t.check('Today greets the manager', (await mp.textContent('header')).includes('Maria Olsen (manager)'));
		const c = (await anon.cookies()).find((x) => x.name === 'lk_session');
		t.check('session cookie: HttpOnly', c && c.httpOnly === true, JSON.stringify(c));
		t.eq('session cookie: SameSite=Lax', c && c.sameSite, 'Lax');
		t.eq('session cookie: Path=/', c && c.path, '/');
		t.check('session cookie: not readable by the page\'s scripts',
			!(await mp.evaluate(() => document.cookie)).includes('lk_session'));
	});

	// --- CSRF: a form posted without its token is refused --------------------------------------
	await t.test('CSRF', async () => {
		await mp.goto(`${BASE}/app/?who=all`);
		const form = mp.locator('form.task-form:has(button[value="no_answer"])').first();
		const action = await form.getAttribute('action');
		const task = Number(action.split('/')[3]);
		await form.evaluate((f) => f.querySelector('input[name="csrf"]').remove());
		const resp = await t.submit(mp, `form.task-form[action="${action}"] button[value="no_answer"]`);
		t.eq('a form posted without its CSRF token: 403', resp.status(), 403);
		eqTask(`the refused post changed nothing (task ${task} still open)`, task, 'open');
		await mp.goto(`${BASE}/app/?who=all`);
		await mp.locator(`form.task-form[action="${action}"]`).evaluate((f) => {
			f.querySelector('input[name="csrf"]').value = '0'.repeat(64);
		});
		const resp2 = await t.submit(mp, `form.task-form[action="${action}"] button[value="no_answer"]`);
		t.eq('a form posted with another CSRF token: 403', resp2.status(), 403);
		eqTask('still nothing changed', task, 'open');
	});

	// --- a lead from the form door on its owner's Today ------------------------------------------
	const alice = await as('alice@demo');
	const ap = alice.page;
	let wanda = 0;
	await t.test('form door to Today', async () => {
		await ap.goto(`${BASE}/app/`);
		// Live updates (server-sent events) when the server has them: the
		// stream's headers are enough to know, its body never ends.
		const live = await ap.evaluate(async () => {
			const c = new AbortController();
			try {
				const r = await fetch('/app/events', { signal: c.signal, redirect: 'manual' });
				c.abort();
				return r.status === 200;
			} catch (e) {
				return false;
			}
		});
		wanda = t.formLead('alice', { name: 'Wanda Browser', phone: '312-555-0177', service: 'deck repair',
			message: 'Posted by curl to the form door' });
		if (live) {
			await ap.waitForSelector('text=Wanda Browser', { timeout: 2500 });
			t.ok('the form lead appears on alice\'s open Today within 2.5 s, without a reload (live)');
		} else {
			await ap.reload();
			t.check('the form lead appears on alice\'s Today (after a reload: no /app/events yet)',
				(await ap.textContent('main')).includes('Wanda Browser'));
		}
	});

	// --- walking a task: no answer makes the next attempt -------------------------------------------
	await t.test('no answer', async () => {
		const task = Number(sql(`SELECT id FROM tasks WHERE lead_id = ${wanda} AND state = 'open' AND verb = 'call'`));
		const resp = await t.submit(ap, `#task-${task} button[value="no_answer"]`);
		t.eq('no answer: 303', resp.status(), 303);
		t.check('no answer: back on Today with a confirmation',
			(await ap.textContent('main')).includes('Saved. The call is logged.'));
		eq(`the task is done with its outcome`, sql(`SELECT state || ' ' || outcome FROM tasks WHERE id = ${task}`),
			'done no_answer');
		const next = Number(sql(`SELECT id FROM tasks WHERE lead_id = ${wanda} AND state = 'open' AND verb = 'call'`));
		t.check('the engine made the next attempt', next > task, String(next));
		t.check('the next attempt is on Today at once', await ap.isVisible(`#task-${next}`));
		t.eq('"no answer" is an attempt, not contact: no human touch',
			sql(`SELECT count(*) FROM events WHERE lead_id = ${wanda} AND type = 'sequence.stopped'`), '0');
	});

	// --- Start: walking the queue one lead at a time --------------------------------------------------
	// The walk of alice's queue, starting at the given lead's call task.
	const walkTo = async (page, lead) => {
		const [task, due] = sql(`SELECT id || ' ' || due_at FROM tasks WHERE lead_id = ${lead}
			AND state = 'open' AND verb = 'call'`).split(' ').map(Number);
		await page.goto(`${BASE}/app/walk?due=${due}&task=${task - 1}`);
		t.check('the walk shows the lead', (await page.textContent('main')).includes(
			sql(`SELECT name FROM leads WHERE id = ${lead}`)));
		return task;
	};
	await t.test('walk: no answer, again in a day', async () => {
		const walt = t.formLead('alice', { name: 'Walt Walker', phone: '312-555-0178', service: 'gutters' });
		const task = await walkTo(ap, walt);
		await ap.check('input[name="outcome"][value="no_answer"]');
		await ap.check('input[name="next"][value="1d"]');
		const resp = await t.submit(ap, 'form.walk button:has-text("Save and next")');
		t.eq('save and next: 303', resp.status(), 303);
		eq('the task is done: no answer', sql(`SELECT state || ' ' || outcome FROM tasks WHERE id = ${task}`),
			'done no_answer');
		eq('one next attempt, a day later (the follow-up picked replaced the engine\'s)',
			sql(`SELECT count(*) || ' ' || CASE WHEN min(due_at) - ${Date.parse('2026-11-24T20:02:00Z') / 1000}
				BETWEEN 86400 - 600 AND 86400 + 600 THEN 1 ELSE 0 END
				FROM tasks WHERE lead_id = ${walt} AND state = 'open' AND verb = 'call'`), '1 1');
		t.check('the next lead\'s page says what the engine made for Walt',
			(await ap.textContent('main')).includes('Next for Walt Walker'));
		t.eq('no contact: the inquiry follow-ups go on', sql(`SELECT sequence FROM leads WHERE id = ${walt}`),
			'new_inquiry');
	});
	await t.test('walk: booked stops the inquiry follow-ups', async () => {
		const bea = t.formLead('alice', { name: 'Bea Booked', phone: '312-555-0179', service: 'roof' });
		await walkTo(ap, bea);
		await ap.check('input[name="outcome"][value="booked"]');
		await ap.click('form.walk summary');	// the details: when it is booked for
		await ap.fill('#walk-book-date', '2026-11-27');
		await ap.fill('#walk-book-time', '10:00');
		await ap.check('input[name="next"][value="none"]');
		const resp = await t.submit(ap, 'form.walk button:has-text("Save and next")');
		t.eq('booked: 303', resp.status(), 303);
		eq('the lead is scheduled, its inquiry sequence stopped',
			sql(`SELECT stage || ' ' || coalesce(sequence, '-') FROM leads WHERE id = ${bea}`), 'scheduled -');
		eq('no inquiry follow-up left to send',
			sql(`SELECT count(*) FROM timers WHERE lead_id = ${bea} AND kind = 'step' AND state = 'pending'`), '0');
		t.check('a visit task at the booked time', Number(sql(`SELECT count(*) FROM tasks WHERE lead_id = ${bea}
			AND state = 'open' AND verb = 'visit'`)) === 1);
	});

	// --- a visit with a quote, from a phone -------------------------------------------------------
	await t.test('visit from a phone', async () => {
		const phone = await as('alice@demo', t.PHONE);
		const pp = phone.page;
		await pp.goto(`${BASE}/app/leads/${wanda}`);
		t.check('the lead page fits a 360 px screen', (await t.overflowX(pp)) <= 0);
		await pp.selectOption('#log-type', 'visit');
		await pp.selectOption('#log-outcome', 'talked');
		await pp.fill('#log-amount', '1,250');
		await pp.fill('#log-text', 'Measured the deck');
		const box = await pp.locator('form[action$="/log"] button').boundingBox();
		t.check('the visit form\'s button is thumb-sized (>= 44 px)', box && box.height >= 44, JSON.stringify(box));
		await pp.tap('form[action$="/log"] button');
		await pp.waitForURL(/\?ok=logged/);
		eq('the visit moved the lead to quoted with its amount',
			sql(`SELECT stage || ' ' || quote_cents FROM leads WHERE id = ${wanda}`), 'quoted 125000');
		eq('the quote sequence started', sql(`SELECT sequence FROM leads WHERE id = ${wanda}`), 'quote_sent');
		t.check('its follow-up waits as a timer', Number(sql(`SELECT count(*) FROM timers WHERE lead_id = ${wanda}
			AND state = 'pending' AND sequence = 'quote_sent'`)) >= 1);
		t.check('the page says quoted', (await pp.textContent('main')).includes('quoted'));
		await t.screenshot(pp, 'flow-visit-logged-360');
	});

	// --- pausing and resuming the lead's automation ----------------------------------------------
	await t.test('pause and resume', async () => {
		const page = await t.newPage(alice);
		await page.goto(`${BASE}/app/leads/${wanda}`);
		await page.fill('#pause-reason', 'on holiday until Monday');
		const r = await t.submit(page, `form[action="/app/leads/${wanda}/pause"] button`);
		t.eq('pause: 303', r.status(), 303);
		eq('the lead is paused, its quote follow-up held',
			sql(`SELECT CASE WHEN paused_at > 0 THEN 1 ELSE 0 END || ' ' ||
				CASE WHEN paused_step LIKE 'call.%' THEN 1 ELSE 0 END || ' ' || (SELECT count(*) FROM timers
				WHERE lead_id = ${wanda} AND kind = 'step' AND state = 'pending') FROM leads WHERE id = ${wanda}`),
			'1 1 0');
		t.check('the held steps show as paused', await page.isVisible('ul.upcoming .badge.paused'));
		const problems = await t.axeProblems(page);
		t.check('the paused lead page: axe-core finds no serious or critical violation',
			problems.length === 0, problems.join('\n'));
		await t.screenshot(page, 'flow-lead-paused-1280');
		const r2 = await t.submit(page, `form[action="/app/leads/${wanda}/resume"] button`);
		t.eq('resume: 303', r2.status(), 303);
		eq('resumed: the quote follow-up is planned again', sql(`SELECT paused_at || ' ' || (SELECT count(*)
			FROM timers WHERE lead_id = ${wanda} AND kind = 'step' AND state = 'pending') FROM leads
			WHERE id = ${wanda}`), '0 1');
		t.check('no paused step shown any more', !(await page.isVisible('.badge.paused')));
		await page.close();
	});

	// --- XSS payloads in every field render as text ----------------------------------------------------
	await t.test('XSS', async () => {
		const name = '<script>window.__xss=1;alert(1)</script>Xena';
		const id = t.formLead('alice', {
			name, phone: 'javascript:alert(1)', email: '"><img src=x onerror=alert(2)>@x.example',
			service: '"><img src=x onerror=window.__xss=2>', message: 'javascript:alert(document.cookie)',
			neighbourhood: '<svg onload=alert(3)>', website: 'javascript:alert(4)',
		});
		// custom fields (through the API: the form door keeps extra fields in the message)
		const custom = { website: 'javascript:alert(4)', '<img src=x onerror=window.__xss=3>': '"><svg onload=alert(5)>' };
		const cid = t.apiLead({ name: 'Cyd <b>Custom</b>', phone: '312-555-0178', owner: 'alice', ...custom });
		for (const url of ['/app/', '/app/?who=all', `/app/leads/${id}`, `/app/leads/${cid}`]) {
			const page = await t.newPage(alice);
			await page.goto(BASE + url);
			await page.waitForTimeout(300);
			const found = await page.evaluate(() => {
				const bad = [];
				for (const el of document.querySelectorAll('*')) {
					for (const a of el.getAttributeNames())
						if (a.startsWith('on')) bad.push(`${el.tagName} ${a}`);
					if (el.tagName === 'IMG' || el.tagName === 'svg' || el.tagName === 'SVG') bad.push(el.tagName);
					if (el.tagName === 'SCRIPT' && !(el.getAttribute('src') || '').startsWith('/app/assets/'))
						bad.push('inline SCRIPT');
					const href = el.getAttribute('href') || '';
					if (/^\s*javascript:/i.test(href)) bad.push(`javascript: href on ${el.tagName}`);
				}
				return { bad, xss: window.__xss, text: document.body.innerText };
			});
			t.check(`${url}: no dialog fired`, page.dialogs.length === 0, page.dialogs.join('\n'));
			t.check(`${url}: no element or handler injected`, found.bad.length === 0 && found.xss === undefined,
				found.bad.join('\n'));
			if (url === `/app/leads/${cid}`) {
				t.check('lead page: the custom fields show as text, names and values',
					Object.entries(custom).every(([k, v]) => found.text.includes(k) && found.text.includes(v)),
					found.text);
				t.check('lead page: a javascript: custom field is no link', !(await page.$('a[href^="javascript"]')));
				await page.close();
				continue;
			}
			t.check(`${url}: the name shows as the text typed`, found.text.includes(name));
			if (url.startsWith('/app/leads/')) {
				t.check('lead page: the service shows as text', found.text.includes('"><img src=x onerror=window.__xss=2>'));
				t.check('lead page: javascript: shows as text, not as a link',
					found.text.includes('javascript:alert(document.cookie)'));
			}
			await page.close();
		}
	});

	// --- who may open which lead: a sales rep and a technician -----------------------------------
	await t.test('search finds the lead for its owner', async () => {
		await ap.goto(`${BASE}/app/search?q=Wanda`);
		t.check('alice\'s search finds her lead Wanda', (await ap.textContent('main')).includes('Wanda Browser'));
	});
	for (const [email, who] of [['bob@demo', 'bob (sales)'], ['tom@demo', 'tom (technician)']]) {
		await t.test(`authorisation: ${who}`, async () => {
			const ctx = await as(email);
			const bp = ctx.page;
			const resp = await bp.goto(`${BASE}/app/leads/${wanda}`);
			t.eq(`${who} opens alice's lead: 404`, resp.status(), 404);
			t.check('the 404 tells nothing of the lead', !(await bp.content()).includes('Wanda'));
			await bp.goto(`${BASE}/app/?who=all`);
			t.check(`${who}'s Today never shows alice's lead, even with ?who=all`,
				!(await bp.textContent('main')).includes('Wanda Browser'));
			await bp.goto(`${BASE}/app/search?q=Wanda`);
			t.check(`${who}'s search does not find alice's lead`,
				!(await bp.textContent('main')).includes('Wanda Browser'), await bp.textContent('main'));
			const csrf = await bp.getAttribute('input[name="csrf"]', 'value');
			// the visit closed Wanda's tasks (it superseded them): any open task of alice's leads
			const task = sql(`SELECT t.id FROM tasks t JOIN leads l ON l.id = t.lead_id
				WHERE l.owner = 'alice' AND t.state = 'open' LIMIT 1`);
			const r2 = await bp.request.post(`${BASE}/app/tasks/${task}/outcome`, {
				form: { csrf, back: 'today', outcome: 'talked' }, maxRedirects: 0,
				headers: { Origin: BASE } });
			t.eq(`${who} records an outcome on alice's task: 404`, r2.status(), 404);
			const r3 = await bp.request.post(`${BASE}/app/leads/${wanda}/pause`, {
				form: { csrf }, maxRedirects: 0, headers: { Origin: BASE } });
			t.eq(`${who} pauses alice's lead: 404`, r3.status(), 404);
			eqTask('alice\'s task is untouched', Number(task), 'open');
			eq('alice\'s lead is not paused', sql(`SELECT paused_at FROM leads WHERE id = ${wanda}`), '0');
			const own = sql(`SELECT id FROM leads WHERE owner = '${email.split('@')[0]}' AND status = 'open' LIMIT 1`);
			if (own)
				t.eq(`${who} opens his own lead: 200`, (await bp.goto(`${BASE}/app/leads/${own}`)).status(), 200);
		});
	}

	// --- signing out --------------------------------------------------------------------------------
	await t.test('sign-out', async () => {
		await mp.goto(`${BASE}/app/`);
		const resp = await t.submit(mp, 'form[action="/app/logout"] button');
		t.eq('sign out: 303', resp.status(), 303);
		t.eq('signed out: on the sign-in form', new URL(mp.url()).pathname, '/app/login');
		t.check('the session cookie is gone', !(await anon.cookies()).some((c) => c.name === 'lk_session'));
		await mp.goto(`${BASE}/app/`);
		t.eq('Today asks to sign in again', new URL(mp.url()).pathname, '/app/login');
	});

	// --- a new user's link, then a lockout --------------------------------------------------------------
	await t.test('lockout', async () => {
		const ctx = await browser.newContext({ ...t.PHONE, baseURL: BASE });
		const p = await t.newPage(ctx);
		await p.goto(process.env.LK_LOCK_LINK);
		await p.fill('input[name="password"]', 'ten chars at least');
		await p.fill('input[name="confirm"]', 'ten chars at least');
		const r = await t.submit(p, 'form[action="/app/set-password"] button');
		t.eq('a set-password link: the password is set and the user signed in', r.status(), 303);
		await t.submit(p, 'form[action="/app/logout"] button');
		let last;
		for (let i = 0; i < 5; i++)
			last = await t.signIn(p, 'lock@demo', 'wrong password');
		t.eq('the fifth wrong password: 429', last.status(), 429);
		const msg = await p.textContent('main');
		t.check('a clear lockout message', msg.includes('This account is locked after 5 failed sign-ins'), msg);
		t.check('the message says until when', /until .*[AP]M/.test(msg), msg);
		await t.screenshot(p, 'flow-lockout-360');
		const r2 = await t.signIn(p, 'lock@demo', 'ten chars at least');
		t.eq('locked: the right password is refused too', r2.status(), 429);
		await ctx.close();
	});

	await browser.close();
}

function eqTask(desc, task, state) {
	t.eq(desc, sql(`SELECT state FROM tasks WHERE id = ${task}`), state);
}
function eq(desc, got, want) { t.eq(desc, got, want); }

main().then(() => process.exit(t.failed() ? 1 : 0), (e) => {
	t.notOk('the browser tests ran to the end', e && e.stack ? e.stack : String(e));
	process.exit(1);
});
