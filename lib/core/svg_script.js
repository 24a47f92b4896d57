/* SPDX-License-Identifier: Apache-2.0 */
/* svg_script.js — what a gomem flame graph does when scripts run: click a
 * frame to zoom into it, Reset zoom, Search with a regular expression (the
 * matches turn magenta and their share shows at the bottom right, a frame
 * inside another match counted once), and a tooltip per frame (its title:
 * name, value, share, change). The build turns this file into a C string
 * (svg_script.c) that every flame graph carries inline; it reads everything
 * from the SVG it sits in and loads nothing. Several graphs in one HTML page
 * each run their own copy on their own <svg>.
 * Tests and pages drive it through svg.gomemFlame: zoom(frame), reset(),
 * search(pattern) -> {frames, value, share}. */
(function () {
	'use strict';
	var me = document.currentScript;
	var svg = (me && me.ownerSVGElement) || document.documentElement;
	var frames = svg.querySelector('g.frames');
	if (!frames) {
		return;
	}
	var NS = svg.namespaceURI;
	var width = +svg.getAttribute('width');
	var height = +svg.getAttribute('height');
	var pad = +svg.getAttribute('data-pad');
	var cw = +svg.getAttribute('data-cw');
	var total = +svg.getAttribute('data-total');
	var unit = svg.getAttribute('data-unit');
	var noun = svg.getAttribute('data-noun');
	var details = svg.querySelector('text.details');
	var matched = svg.querySelector('text.matched');
	var resetButton = svg.querySelector('text.reset');
	var searchButton = svg.querySelector('text.search');
	var all = Array.prototype.slice.call(frames.getElementsByTagName('g'));
	var lastPattern = '';

	function part(g, tag) {
		for (var c = g.firstElementChild; c; c = c.nextElementSibling) {
			if (c.localName === tag) {
				return c;
			}
		}
		return null;
	}

	function make(tag, attrs) {
		var e = document.createElementNS(NS, tag);
		for (var k in attrs) {
			e.setAttribute(k, attrs[k]);
		}
		return e;
	}

	/* Each frame's place as drawn, and its name: the title's first line. */
	all.forEach(function (g) {
		var r = part(g, 'rect');
		g.gx = +r.getAttribute('x');
		g.gw = +r.getAttribute('width');
		g.gy = +r.getAttribute('y');
		g.gtitle = part(g, 'title').textContent;
		g.gname = g.gtitle.split('\n')[0];
	});

	/* ---- numbers as the rest of gomem writes them ---- */

	function human(v) {
		if (unit === 'bytes') {
			var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
			var a = Math.abs(v), i = 0;
			while (a >= 1024 && i < units.length - 1) {
				a /= 1024;
				i++;
			}
			var s = i === 0 ? String(a) : a >= 100 ? a.toFixed(0) : a >= 10 ? a.toFixed(1) : a.toFixed(2);
			return (v < 0 ? '-' : '') + s + units[i];
		}
		var n = Math.round(v).toLocaleString('en-US');
		return noun ? n + ' ' + noun : n;
	}

	function share(v) {
		return (total ? 100 * v / total : 0).toFixed(2) + '%';
	}

	/* ---- zoom ---- */

	function fit(name, w) {
		var chars = Array.from(name), n = Math.floor((w - 6) / cw);
		if (chars.length <= n) {
			return name;
		}
		return n < 3 ? '' : chars.slice(0, n - 2).join('') + '..';
	}

	function place(g, x, w) {
		var r = part(g, 'rect'), t = part(g, 'text'), label = fit(g.gname, w);
		r.setAttribute('x', x.toFixed(2));
		r.setAttribute('width', w.toFixed(2));
		if (!t && label) {
			t = make('text', {y: (g.gy + 11.5).toFixed(2)});
			g.insertBefore(t, r.nextSibling);
		}
		if (t) {
			t.setAttribute('x', (x + 3).toFixed(2));
			t.textContent = label;
		}
	}

	function zoom(g) {
		var x0 = g.gx, scale = (width - 2 * pad) / g.gw;
		all.forEach(function (f) {
			if (f === g || f.contains(g)) {
				f.style.display = '';
				f.classList.toggle('dim', f !== g);
				place(f, pad, width - 2 * pad);
			} else if (g.contains(f)) {
				f.style.display = '';
				f.classList.remove('dim');
				place(f, pad + (f.gx - x0) * scale, f.gw * scale);
			} else {
				f.style.display = 'none';
			}
		});
		resetButton.style.visibility = 'visible';
	}

	function reset() {
		all.forEach(function (f) {
			f.style.display = '';
			f.classList.remove('dim');
			place(f, f.gx, f.gw);
		});
		resetButton.style.visibility = 'hidden';
	}

	/* ---- search ---- */

	function search(pattern) {
		var re, value = 0, count = 0;
		try {
			re = new RegExp(pattern);
		} catch (e) {
			matched.textContent = 'not a regular expression: ' + pattern;
			return null;
		}
		lastPattern = pattern;
		all.forEach(function (f) {
			f.ghit = pattern !== '' && re.test(f.gname);
			f.classList.toggle('hl', f.ghit);
		});
		all.forEach(function (f) {
			if (!f.ghit) {
				return;
			}
			count++;
			for (var p = f.parentNode; p !== frames; p = p.parentNode) {
				if (p.ghit) {
					return;
				}
			}
			value += +f.getAttribute('data-v');
		});
		matched.textContent = pattern === '' ? ' ' : 'Matched: ' + share(value) + ' (' + human(value) + ')';
		return {frames: count, value: value, share: total ? value / total : 0};
	}

	/* ---- tooltip ---- */

	var tip = make('g', {'class': 'tip'});
	var tipBox = make('rect', {rx: 3});
	var tipText = make('text', {y: 16});
	tip.appendChild(tipBox);
	tip.appendChild(tipText);
	tip.style.display = 'none';
	svg.appendChild(tip);

	/* While a frame shows our tooltip, its title and its ancestors' are
	 * emptied, so the browser does not show its own on top. */
	function titles(g, on) {
		for (var p = g; p && p !== frames; p = p.parentNode) {
			part(p, 'title').textContent = on ? p.gtitle : '';
		}
	}

	function showTip(g) {
		var lines = g.gtitle.split('\n'), longest = 0;
		while (tipText.firstChild) {
			tipText.removeChild(tipText.firstChild);
		}
		lines.forEach(function (line, i) {
			var s = make('tspan', {x: 6, dy: i ? 15 : 0});
			s.textContent = line;
			tipText.appendChild(s);
			longest = Math.max(longest, Array.from(line).length);
		});
		tipBox.setAttribute('width', longest * cw + 12);
		tipBox.setAttribute('height', lines.length * 15 + 8);
		tip.style.display = '';
	}

	function moveTip(e) {
		var m = svg.getScreenCTM();
		if (!m) {
			return;
		}
		var p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
		var w = +tipBox.getAttribute('width'), h = +tipBox.getAttribute('height');
		var x = p.x + 12, y = p.y + 16;
		if (x + w > width) {
			x = Math.max(0, p.x - w - 12);
		}
		if (y + h > height) {
			y = Math.max(0, p.y - h - 8);
		}
		tip.setAttribute('transform', 'translate(' + x.toFixed(1) + ',' + y.toFixed(1) + ')');
	}

	function frameOf(e) {
		var g = e.target.closest('g');
		return g && g !== frames && frames.contains(g) ? g : null;
	}

	frames.addEventListener('click', function (e) {
		var g = frameOf(e);
		if (g) {
			zoom(g);
		}
	});
	frames.addEventListener('mouseover', function (e) {
		var g = frameOf(e);
		if (g) {
			titles(g, false);
			details.textContent = g.gtitle.split('\n').slice(0, 2).join(': ');
			showTip(g);
			moveTip(e);
		}
	});
	frames.addEventListener('mousemove', moveTip);
	frames.addEventListener('mouseout', function (e) {
		var g = frameOf(e);
		if (g) {
			titles(g, true);
			details.textContent = ' ';
			tip.style.display = 'none';
		}
	});
	resetButton.addEventListener('click', reset);
	searchButton.addEventListener('click', function () {
		var p = window.prompt('Search frames (a regular expression; empty clears)', lastPattern);
		if (p !== null) {
			search(p);
		}
	});
	/* A graph on its own (not in a page with others) takes Ctrl-F and Esc. */
	if (svg === document.documentElement) {
		window.addEventListener('keydown', function (e) {
			if ((e.ctrlKey || e.metaKey) && e.key === 'f') {
				e.preventDefault();
				searchButton.dispatchEvent(new MouseEvent('click'));
			} else if (e.key === 'Escape') {
				reset();
			}
		});
	}
	searchButton.style.visibility = 'visible';
	svg.gomemFlame = {zoom: zoom, reset: reset, search: search, frames: all};
})();
