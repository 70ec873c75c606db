#!/usr/bin/env node
// Twilio's own webhook signature code (the official `twilio` npm package),
// for tests/e2e/test_twilio_official.sh, so leadkeep's check is proven
// against Twilio's implementation and not only against our reading of it.
//
//   node twilio_sign.js sign AUTH_TOKEN URL  < params.json
//       prints the X-Twilio-Signature Twilio sends for these POST parameters
//       at this URL, then the form body carrying them (one line each)
//   node twilio_sign.js check AUTH_TOKEN URL SIGNATURE  < form-body
//       exits 0 when twilio.validateRequest() accepts the signature
'use strict';
const twilio = require('twilio');

const [mode, token, url, sig] = process.argv.slice(2);
const input = require('fs').readFileSync(0, 'utf8');

if (mode === 'sign' && token && url) {
	const params = JSON.parse(input);
	const signature = twilio.getExpectedTwilioSignature(token, url, params);
	if (!twilio.validateRequest(token, signature, url, params)) {
		console.error('twilio_sign: twilio rejects its own signature');
		process.exit(1);
	}
	console.log(signature);
	console.log(new URLSearchParams(params).toString());
} else if (mode === 'check' && token && url && sig) {
	// the parameters as Twilio's express middleware would see them
	const params = {};
	for (const [k, v] of new URLSearchParams(input.replace(/\n$/, '')))
		params[k] = k in params ? [].concat(params[k], v) : v;
	process.exit(twilio.validateRequest(token, sig, url, params) ? 0 : 1);
} else {
	console.error('usage: twilio_sign.js sign TOKEN URL < params.json | check TOKEN URL SIG < body');
	process.exit(2);
}
