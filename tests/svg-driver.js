/* SPDX-License-Identifier: Apache-2.0 */
/* svg-driver.js — run by tests/svg-check.sh inside a copy of each SVG (or
 * HTML page) gomem wrote, after gomem's own script, in headless Chromium. It
 * reads numbers back from the DOM and drives the script as a user would
 * (click to zoom, Reset, search, hover), then writes what it found as
 * tab-separated lines into an element #gomem-test (between BEGIN and END
 * lines), which --dump-dom prints. Parameters come in window.gomemTest:
 * {search: [patterns], zoom: "frame name"}. Every line starts with the
 * picture's id (its <svg> id, or svgN). */
(function () {
	'use strict';
	var out = ['GOMEM-TEST-BEGIN'];
	var params = window.gomemTest || {};

	function say() {
		out.push(Array.prototype.join.call(arguments, '\t'));
	}

	function part(g, tag) {
		for (var c = g.firstElementChild; c; c = c.nextElementSibling) {
			if (c.localName === tag) {
				return c;
			}
		}
		return null;
	}

	function rectOf(g) {
		var r = part(g, 'rect');
		return {x: +r.getAttribute('x'), w: +r.getAttribute('width')};
	}

	function click(el) {
		el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));
	}

	/* ---- flame graphs ---- */

	function checkFlame(svg, id) {
		var api = svg.gomemFlame, frames = api.frames;
		var total = +svg.getAttribute('data-total'), width = +svg.getAttribute('width');
		var pad = +svg.getAttribute('data-pad'), full = width - 2 * pad;
		var err = 0, overflow = 0, cum = {};

		say(id, 'kind', 'flame');
		say(id, 'frames', frames.length);
		say(id, 'total', total);
		say(id, 'other', svg.querySelectorAll('g.frames g.o').length);
		/* each frame as wide as its share of the total */
		frames.forEach(function (g) {
			var r = rectOf(g);
			err = Math.max(err, Math.abs(r.w - +g.getAttribute('data-v') / total * full));
			var t = part(g, 'text');
			if (t && t.getComputedTextLength() > r.w + 0.5) {
				overflow++;
			}
		});
		say(id, 'width-err-px', err.toFixed(3));
		say(id, 'label-overflow', overflow);
		/* a function's value: its frames not inside another of its frames
		 * (the table's cumulative value, a function once per stack) */
		frames.forEach(function (g) {
			for (var p = g.parentNode; p && p.localName === 'g' && !p.classList.contains('frames'); p = p.parentNode) {
				if (p.gname === g.gname) {
					return;
				}
			}
			cum[g.gname] = (cum[g.gname] || 0) + +g.getAttribute('data-v');
		});
		if (frames.length <= 5000) {
			Object.keys(cum).sort().forEach(function (name) {
				say(id, 'cum', name, cum[name]);
			});
			/* the root's children: one frame a name */
			frames.forEach(function (g) {
				var p = g.parentNode;
				if (p.parentNode && p.parentNode.classList && p.parentNode.classList.contains('frames')) {
					say(id, 'top', g.gname, g.getAttribute('data-v'));
				}
			});
		}
		/* search: the share of the matches, each stack once */
		(params.search || []).forEach(function (pattern) {
			var r = api.search(pattern);
			var lit = svg.querySelectorAll('g.frames g.hl').length;
			var text = svg.querySelector('text.matched').textContent;
			if (r) {
				say(id, 'search', pattern, r.frames, lit, r.value, r.share.toFixed(6), text);
			} else {
				say(id, 'search', pattern, 'invalid', lit, '', '', text);
			}
		});
		api.search('');
		say(id, 'search-cleared', svg.querySelectorAll('g.frames g.hl').length);
		checkZoom(svg, id, frames, full, pad);
		checkTip(svg, id, frames);
	}

	function checkZoom(svg, id, frames, full, pad) {
		var total = +svg.getAttribute('data-total'), target = null;
		frames.forEach(function (g) {
			var v = +g.getAttribute('data-v');
			if (params.zoom) {
				if (!target && g.gname === params.zoom) {
					target = g;
				}
			} else if (g.querySelector('g') && v < total && (!target || v > +target.getAttribute('data-v'))) {
				/* the widest frame narrower than the root that has children */
				target = g;
			}
		});
		if (!target) {
			say(id, 'zoom', 'none');
			return;
		}
		click(part(target, 'rect'));
		var v = +target.getAttribute('data-v'), err = 0, shown = 0, hidden = 0, outside = 0;
		frames.forEach(function (g) {
			var r = rectOf(g), visible = getComputedStyle(g).display !== 'none';
			if (target.contains(g) && g !== target) {
				err = Math.max(err, Math.abs(r.w - +g.getAttribute('data-v') / v * full));
				if (r.x < pad - 0.01 || r.x + r.w > pad + full + 0.01) {
					outside++;
				}
			} else if (g === target || g.contains(target)) {
				err = Math.max(err, Math.abs(r.w - full));
			}
			if (visible) {
				shown++;
			} else {
				hidden++;
			}
		});
		var reset = svg.querySelector('text.reset');
		say(id, 'zoom', target.gname, shown, hidden, err.toFixed(3), outside, getComputedStyle(reset).visibility);
		click(reset);
		err = 0;
		hidden = 0;
		frames.forEach(function (g) {
			err = Math.max(err, Math.abs(rectOf(g).w - g.gw));
			hidden += getComputedStyle(g).display === 'none';
		});
		say(id, 'reset', err.toFixed(3), hidden, getComputedStyle(reset).visibility);
	}

	function checkTip(svg, id, frames) {
		var g = frames[frames.length - 1];
		part(g, 'rect').dispatchEvent(new MouseEvent('mouseover', {bubbles: true, clientX: 20, clientY: 20}));
		var tip = svg.querySelector('g.tip');
		var lines = Array.prototype.map.call(tip.querySelectorAll('tspan'), function (t) {
			return t.textContent;
		});
		say(id, 'tip', getComputedStyle(tip).display, lines.length, lines[0] === g.gname ? 'name' : 'wrong',
		    part(g, 'title').textContent === '' ? 'native-off' : 'native-on');
		part(g, 'rect').dispatchEvent(new MouseEvent('mouseout', {bubbles: true}));
		say(id, 'tip-out', getComputedStyle(tip).display, part(g, 'title').textContent === g.gtitle ? 'restored' : 'lost');
	}

	/* ---- charts ---- */

	function checkChart(svg, id) {
		say(id, 'kind', 'chart');
		say(id, 'sections', svg.querySelectorAll('g.section').length);
		svg.querySelectorAll('g.panel').forEach(function (panel) {
			var grid = panel.querySelectorAll('line.grid');
			var top = Infinity, bottom = -Infinity;
			grid.forEach(function (l) {
				top = Math.min(top, +l.getAttribute('y1'));
				bottom = Math.max(bottom, +l.getAttribute('y1'));
			});
			panel.querySelectorAll('[data-series]').forEach(function (s) {
				var box = s.getBBox(), out = box.y < top - 8.5 || box.y + box.height > bottom + 0.5;
				say(id, 'series', panel.getAttribute('data-panel'), s.getAttribute('data-series'),
				    s.getAttribute('data-n'), s.getAttribute('data-min'), s.getAttribute('data-max'),
				    s.getAttribute('data-last'), out ? 'outside' : 'inside');
			});
		});
	}

	var svgs = document.querySelectorAll('svg');
	svgs.forEach(function (svg, i) {
		var id = svg.id || 'svg' + i;
		if (svg.gomemFlame) {
			checkFlame(svg, id);
		} else if (svg.classList.contains('gomem-chart')) {
			checkChart(svg, id);
		} else {
			say(id, 'kind', 'unknown:' + svg.getAttribute('class'));
		}
	});
	say('page', 'svgs', svgs.length);
	/* the page's sections and the rows of their tables: a number's exact
	 * value (data-v) where it has one, else the cell's text */
	document.querySelectorAll('section[id]').forEach(function (s) {
		say('page', 'section', s.id);
		s.querySelectorAll('table tr').forEach(function (tr, i) {
			var cells = Array.prototype.map.call(tr.querySelectorAll('td'), function (td) {
				return td.hasAttribute('data-v') ? td.getAttribute('data-v') : td.textContent;
			});
			if (cells.length) {
				say.apply(null, ['table', s.id, i].concat(cells));
			}
		});
	});
	say('page', 'ms', performance.now().toFixed(0));
	out.push('GOMEM-TEST-END');
	var root = document.documentElement;
	var el = document.createElementNS(root.namespaceURI, root.localName === 'svg' ? 'desc' : 'pre');
	el.setAttribute('id', 'gomem-test');
	el.textContent = '\n' + out.join('\n') + '\n';
	(document.body || root).appendChild(el);
})();
