// lib.js - what the browser tests share: TAP lines, Debian's chromium driven
// by playwright-core (never a downloaded browser), signing in as a person,
// the database and curl for checks from outside the browser, axe-core and
// screenshots. tests/e2e/test_web_browser.sh starts the real serve and runs
// the tests with LK_BASE, LK_DB, LK_SHOTS and LK_ROOT set.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE = process.env.LK_BASE;
const DB = process.env.LK_DB;
const ROOT = process.env.LK_ROOT || path.resolve(__dirname, '../..');
const SHOTS = process.env.LK_SHOTS || path.join(ROOT, 'build/screenshots');
const PASSWORD = 'leadkeep-demo';

// --- TAP --------------------------------------------------------------------------------
let n = Number(process.env.LK_TAP_START || 0);
let failures = 0;

function ok(desc) { console.log(`ok ${++n} - ${desc}`); }
function notOk(desc, why) {
	failures++;
	console.log(`not ok ${++n} - ${desc}`);
	for (const line of String(why || '').split('\n').slice(0, 12))
		console.log(`#   ${line}`);
}
// check(desc, cond, why): one TAP line.
function check(desc, cond, why) { if (cond) ok(desc); else notOk(desc, why); }
function eq(desc, got, want) {
	check(desc, got === want, `got:      ${JSON.stringify(got)}\nexpected: ${JSON.stringify(want)}`);
}
// test(desc, fn): runs fn; an exception is one "not ok" with its message, and
// the remaining tests still run.
async function test(desc, fn) {
	try {
		await fn();
	} catch (e) {
		notOk(desc, e && e.stack ? e.stack : String(e));
	}
}
function failed() { return failures; }

// --- outside the browser ------------------------------------------------------------------
// sql(query): the first column of every row, joined by newlines. LK_DB is
// the SQLite file, or on PostgreSQL (LK_STORE=pg) the database's address:
// portable SQL only, as tests/e2e/lib.sh's db_sql.
function sql(query) {
	if (/^postgres(ql)?:\/\//.test(DB))
		return execFileSync('psql', ['-XAtq', DB, '-v', 'ON_ERROR_STOP=1', '-c', query],
			{ encoding: 'utf8' }).trim();
	return execFileSync('sqlite3', [DB, query], { encoding: 'utf8' }).trim();
}
// curl(args...): runs curl against the server; returns stdout.
function curl(...args) {
	return execFileSync('curl', ['-s', ...args], { encoding: 'utf8' });
}
// A lead through the form door, as a website posts it: fields -> lead id.
function formLead(door, fields) {
	const args = ['-o', '/dev/null', '-w', '%{http_code}'];
	for (const [k, v] of Object.entries(fields))
		args.push('--data-urlencode', `${k}=${v}`);
	const code = curl(...args, `${BASE}/in/form/${door}`);
	if (code !== '200' && code !== '303')
		throw new Error(`the form door answered ${code}`);
	const id = sql(`SELECT max(id) FROM leads`);
	return Number(id);
}

// A lead through the API (a staff token, LK_TOKEN): fields -> lead id. Fields
// the API has no slot for become the lead's custom fields.
function apiLead(fields) {
	const out = curl('-H', `Authorization: Bearer ${process.env.LK_TOKEN}`, '-H', 'Content-Type: application/json',
		'--data-binary', JSON.stringify(fields), '-w', '\n%{http_code}', `${BASE}/api/v1/leads`);
	const [body, code] = [out.slice(0, out.lastIndexOf('\n')), out.slice(out.lastIndexOf('\n') + 1)];
	if (code !== '201')
		throw new Error(`the API answered ${code}: ${body}`);
	return Number(JSON.parse(body).id);
}

// --- the browser ----------------------------------------------------------------------------
// Debian's chromium, headless, as this machine needs it started (no sandbox
// as root, nothing reaching out to Google). playwright's launch() gives the
// browser a new empty profile (--user-data-dir in a fresh temp dir) each time.
async function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };

// A page that records every dialog (none may ever open) and every uncaught error.
async function newPage(ctx) {
	const page = await ctx.newPage();
	page.dialogs = [];
	page.errors = [];
	page.on('dialog', (d) => { page.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
	page.on('pageerror', (e) => page.errors.push(String(e)));
	return page;
}

// signIn(page, email, [password]): the sign-in form as a person fills it in.
// Returns the response to the form's post.
async function signIn(page, email, password = PASSWORD) {
	await page.goto(`${BASE}/app/login`);
	await page.fill('#email', email);
	await page.fill('#password', password);
	const [resp] = await Promise.all([
		page.waitForResponse((r) => r.url().endsWith('/app/login') && r.request().method() === 'POST'),
		page.click('form[action="/app/login"] button'),
	]);
	await page.waitForLoadState();
	return resp;
}

// A browser context signed in as email (a context is one browser profile's cookies).
async function personContext(browser, email, opts = DESKTOP) {
	const ctx = await browser.newContext({ ...opts, baseURL: BASE });
	const page = await newPage(ctx);
	const resp = await signIn(page, email);
	if (resp.status() !== 303)
		throw new Error(`${email} could not sign in: ${resp.status()}`);
	ctx.page = page;
	return ctx;
}

// submit(page, click): clicks (a form's button) and waits for the post's
// answer and the page it leads to; returns the post's response.
async function submit(page, selector) {
	const [resp] = await Promise.all([
		page.waitForResponse((r) => r.request().method() === 'POST'),
		page.click(selector),
	]);
	await page.waitForLoadState();
	return resp;
}

// --- axe-core and screenshots -------------------------------------------------------------
const AXE = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

// The serious and critical violations axe-core finds on the page, in words.
// Injected through the DevTools protocol: the pages' CSP (script-src 'self')
// stays on.
async function axeProblems(page) {
	if (!(await page.evaluate(() => typeof window.axe !== 'undefined')))
		await page.evaluate(AXE);
	const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
	return res.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.slice(0, 3)
			.map((x) => x.target.join(' ')).join(', ')}`);
}

// Whether the page is wider than its viewport (a phone would scroll sideways).
async function overflowX(page) {
	return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

// build/screenshots/NAME.png, the whole page; with docs, also the first
// screen (what a person sees on opening it) as build/screenshots/docs/NAME.png,
// the size docs/screenshots/ keeps.
async function screenshot(page, name, docs = false) {
	fs.mkdirSync(path.join(SHOTS, 'docs'), { recursive: true });
	const file = path.join(SHOTS, `${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	if (docs)
		await page.screenshot({ path: path.join(SHOTS, 'docs', `${name}.png`) });
	return file;
}

module.exports = {
	BASE, PASSWORD, PHONE, DESKTOP, ok, notOk, check, eq, test, failed, sql, curl, formLead, apiLead,
	launch, newPage, signIn, personContext, submit, axeProblems, overflowX, screenshot,
};
