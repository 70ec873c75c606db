/* leadkeep staff web app - progressive enhancement only: every page works
   without this file. It keeps countdowns current between reloads and stops
   a second tap from posting a form twice. */
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
	document.addEventListener("DOMContentLoaded", function () {
		var root = document.querySelector("[data-now]");
		if (root) skew = Number(root.getAttribute("data-now")) - Date.now() / 1000;
		setInterval(tick, 30000);
		document.querySelectorAll("form").forEach(function (f) {
			f.addEventListener("submit", function () {
				setTimeout(function () {
					f.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
				}, 0);
			});
		});
	});
})();
