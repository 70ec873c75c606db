// pages.js - every page of the staff web app the browser tests visit: each
// is loaded as the person given, checked with axe-core (no serious or
// critical violation), checked for sideways scrolling on a 360 px phone, and
// photographed at 360 px and 1280 px into build/screenshots/NAME-WIDTH.png.
// A new page is one line here.
//
//   name    the screenshots' name
//   path    the address, or a function of the test's facts (sql, env) giving it
//   as      who is signed in: an email of the demo (leadkeep demo-users), or null
//   status  the answer expected (default 200)
//   docs    true: the screenshots shown in the README (docs/screenshots/)
'use strict';

const lead = (name) => ({ sql }) => `/app/leads/${sql(`SELECT id FROM leads WHERE name = '${name}'`)}`;

module.exports = [
	{ name: 'login', path: '/app/login', as: null, docs: true },
	{ name: 'set-password', path: ({ env }) => env.LK_SETPW_LINK, as: null },
	{ name: 'today', path: '/app/', as: 'alice@demo', docs: true },
	{ name: 'today-opened', as: 'alice@demo',	// a card's note and snooze opened
	  path: ({ sql }) => `/app/?open=${sql("SELECT id FROM tasks WHERE assignee = 'alice' AND state = 'open' ORDER BY due_at, id LIMIT 1")}` },
	{ name: 'today-everyone', path: '/app/?who=all', as: 'maria@demo' },
	{ name: 'today-sales', path: '/app/', as: 'bob@demo' },
	{ name: 'today-technician', path: '/app/', as: 'tom@demo' },	// his visits of today on top
	{ name: 'lead', path: lead('Diego Garcia'), as: 'alice@demo', docs: true },
	{ name: 'lead-won', path: lead('Marcus Johnson'), as: 'maria@demo' },
	{ name: 'lead-sales', path: ({ sql }) => `/app/leads/${sql("SELECT min(id) FROM leads WHERE owner = 'bob' AND status = 'open'")}`,
	  as: 'bob@demo' },
	{ name: 'lead-appointment', path: lead('Kenji Tanaka'), as: 'tom@demo' },	// a visit's buttons
	{ name: 'walk', path: '/app/walk', as: 'alice@demo' },
	{ name: 'new-lead', path: '/app/leads/new', as: 'alice@demo' },
	{ name: 'pipeline', path: '/app/pipeline', as: 'maria@demo', docs: true },
	{ name: 'pipeline-move', as: 'maria@demo',	// a lead's stage form opened
	  path: ({ sql }) => `/app/pipeline?move=${sql("SELECT min(id) FROM leads WHERE status = 'open'")}` },
	{ name: 'pipeline-sales', path: '/app/pipeline', as: 'bob@demo' },
	{ name: 'team', path: '/app/team', as: 'maria@demo', docs: true },
	{ name: 'rules', path: '/app/rules', as: 'maria@demo' },
	{ name: 'reports', path: '/app/reports', as: 'maria@demo', docs: true },
	{ name: 'reports-by-owner', path: '/app/reports?period=30d&by=owner', as: 'maria@demo' },
	{ name: 'search', path: '/app/search?q=a', as: 'alice@demo' },
	{ name: 'search-technician', path: '/app/search?q=a', as: 'tom@demo' },
	{ name: 'not-found', path: '/app/leads/999999', as: 'bob@demo', status: 404 },
	{ name: 'no-such-page', path: '/app/nope', as: 'alice@demo', status: 404 },
];
