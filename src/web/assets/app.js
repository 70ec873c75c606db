/* leadkeep staff web app - progressive enhancement only: every page works
   without this file. It keeps countdowns current between reloads, stops a
   second tap from posting a form twice, and keeps the live parts of a page
   ([data-live] elements with an id) current: /app/events says "something
   changed" (never what), and the page fetches itself again and swaps those
   parts, unless the person is typing in one of them. */
(function () {
	"use strict";
	var skew = 0;
	function words(secs) {
		var m = Math.floor(Math.abs(secs) / 60), h = Math.floor(m / 60), d = Math.floor(h / 24);
		var s = m < 60 ? m + " min" : h < 10 && m % 60 ? h + " h " + (m % 60) + " min" :
			h < 48 ? h + " h" : d + " d";
		if (Math.abs(secs) < 60) return "due now";
		return secs > 0 ? "in " + s : s + " late";
	}
	function tick() {
		var now = Date.now() / 1000 + skew;
		document.querySelectorAll(".due[data-due]").forEach(function (el) {
			var left = Number(el.getAttribute("data-due")) - now;
			el.textContent = words(left);
			el.classList.toggle("late", left < 0);
			el.classList.toggle("soon", left >= 0 && left <= 900);
			el.classList.toggle("later", left > 900);
		});
	}

	/* --- live parts ---------------------------------------------------------- */
	var timer = null, pending = false, opened = false, fetching = false;
	function typing() {
		var a = document.activeElement;
		return a && a.closest && a.closest("[data-live]") &&
			/^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName);
	}
	/* which <details> were open, by the nearest id and their index under it */
	function openDetails(root) {
		var keys = {};
		root.querySelectorAll("details").forEach(function (d, i) {
			if (d.open) keys[i] = true;
		});
		return keys;
	}
	function refresh() {
		timer = null;
		if (typing() || fetching) { pending = true; return; }
		pending = false;
		fetching = true;
		fetch(location.href, { credentials: "same-origin" }).then(function (r) {
			if (!r.ok || r.redirected) throw new Error("not the page");
			return r.text();
		}).then(function (html) {
			var doc = new DOMParser().parseFromString(html, "text/html");
			var root = doc.querySelector("[data-now]");
			if (root) skew = Number(root.getAttribute("data-now")) - Date.now() / 1000;
			document.querySelectorAll("[data-live][id]").forEach(function (el) {
				var fresh = doc.getElementById(el.id), keep, copy;
				if (!fresh) return;
				keep = openDetails(el);
				copy = document.importNode(fresh, true);
				copy.querySelectorAll("details").forEach(function (d, i) {
					if (keep[i]) d.open = true;
				});
				el.replaceWith(copy);
			});
			tick();
		}).catch(function () { /* the next change or a reload will do */ })
			.then(function () {
				fetching = false;
				if (pending) schedule();
			});
	}
	function schedule() {
		if (!timer) timer = setTimeout(refresh, 200);
	}
	function live() {
		var es;
		if (!window.EventSource || !window.fetch || !window.DOMParser ||
		    !document.querySelector("[data-live][id]")) return;
		es = new EventSource("/app/events");
		es.addEventListener("change", schedule);
		es.addEventListener("open", function () {
			/* back after a break: what changed meanwhile was not told */
			if (opened) schedule();
			opened = true;
		});
		es.addEventListener("error", function () {
			/* closed for good (signed out, too many pages open): try later */
			if (es.readyState === 2) setTimeout(live, 60000);
		});
	}
	document.addEventListener("focusout", function () {
		setTimeout(function () { if (pending && !typing()) schedule(); }, 0);
	});

	document.addEventListener("submit", function (e) {
		var f = e.target;
		setTimeout(function () {
			f.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
		}, 0);
	});
	document.addEventListener("DOMContentLoaded", function () {
		var root = document.querySelector("[data-now]");
		if (root) skew = Number(root.getAttribute("data-now")) - Date.now() / 1000;
		setInterval(tick, 30000);
		live();
	});
})();
