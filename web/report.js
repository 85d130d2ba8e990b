/* aifactory HTML report: draws the run data embedded in the page (<script id="aif-data">,
 * built by src/io/report_data.c) as a header of key numbers, charts, sortable tables, an
 * event strip and the assumptions. Charts use the inlined uPlot when the build had it and
 * our own small SVG renderer otherwise; both have axis units, a legend and a hover
 * read-out. Nothing here touches the network. Written for plain ES2017, no build step. */
(function () {
  'use strict';

  var COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#1a1a1a',
    '#8c6d31'];
  var state = { charts: 0, drawn: 0, renderer: '' };
  window.aifReport = state;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  function svgEl(tag, attrs) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    return e;
  }

  /* Four significant digits, thousands separators, and k/M/B/T past ten thousand so a key
   * number fits a card. */
  function fmt(v) {
    if (v === null || v === undefined || typeof v !== 'number' || !isFinite(v)) {
      return v === null || v === undefined ? '–' : String(v);
    }
    var a = Math.abs(v);
    /* Past 10^15 (FLOP counts) prefixes stop helping: use powers of ten. */
    if (a >= 1e15) return v.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
    /* [from, divisor, suffix]: thousands only from 10 000, so 2,500 stays 2,500. */
    var suffixes = [[1e12, 1e12, 'T'], [1e9, 1e9, 'B'], [1e6, 1e6, 'M'], [1e4, 1e3, 'k']];
    for (var i = 0; i < suffixes.length; i++) {
      if (a >= suffixes[i][0]) {
        return (v / suffixes[i][1]).toLocaleString('en-US', { maximumSignificantDigits: 4 }) +
          ' ' + suffixes[i][2];
      }
    }
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return v.toLocaleString('en-US', { maximumSignificantDigits: 4 });
  }

  /* Axis tick labels: uPlot passes null for unlabelled (minor) ticks. */
  function tickLabels(u, vals) { return vals.map(function (v) { return v == null ? '' : fmt(v); }); }

  function withUnit(name, unit) { return unit ? name + ' (' + unit + ')' : name; }

  /* Seconds are unreadable past a few hours: pick the time unit from the span shown. */
  function timeUnit(spanS) {
    if (spanS <= 2 * 3600) return { div: 1, unit: 's' };
    if (spanS <= 4 * 86400) return { div: 3600, unit: 'h' };
    if (spanS <= 3 * 365.25 * 86400) return { div: 86400, unit: 'days' };
    return { div: 365.25 * 86400, unit: 'years' };
  }

  /* ---------- calendar dates ---------- */

  /* Scenario runs know their start date (run.start_date, YYYY-MM-DD, UTC): simulated
   * seconds then read as dates. x values become Unix seconds, which uPlot's time scale and
   * our SVG ticks both understand. */
  function epochOf(date) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || '');
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / 1000 : null;
  }

  function isoDate(unixS) {
    return new Date(unixS * 1000).toISOString().slice(0, 10);
  }

  /* Month-aligned ticks, stepping 1, 2, 3, 6, 12, 24 ... months so 4 to 10 fit the span. */
  function dateTicks(lo, hi) {
    var months = (hi - lo) / (30.44 * 86400);
    var steps = [1, 2, 3, 6, 12, 24, 60, 120];
    var step = steps[steps.length - 1];
    for (var i = 0; i < steps.length; i++) {
      if (months / steps[i] <= 9) { step = steps[i]; break; }
    }
    var d = new Date(lo * 1000);
    var m = d.getUTCFullYear() * 12 + d.getUTCMonth();
    m = Math.ceil(m / step) * step;
    var out = [];
    for (;;) {
      var t = Date.UTC(Math.floor(m / 12), m % 12, 1) / 1000;
      if (t > hi) break;
      if (t >= lo) out.push({ v: t, label: step >= 12 ? String(Math.floor(m / 12)) : isoDate(t).slice(0, 7) });
      m += step;
    }
    return out;
  }

  /* Money reads best as "$650.3 B"; other units follow the number. */
  function withUnits(v, unit) {
    if (unit === 'USD' && typeof v === 'number') {
      return (v < 0 ? '−$' : '$') + fmt(Math.abs(v));
    }
    return fmt(v) + (unit ? ' ' + unit : '');
  }

  /* "capex_usd" -> "capex", "peak_facility_gw" -> "peak facility": the unit is shown with
   * the value, so a unit suffix in the key would only repeat it. */
  function readableName(name, unit) {
    var n = String(name);
    var suffix = /_(usd|gw|mw|mwh|gwh|s|h|w)$/i.exec(n);
    if (suffix && unit) n = n.slice(0, -suffix[0].length);
    n = n.replace(/_/g, ' ');
    return n.charAt(0).toUpperCase() + n.slice(1);
  }

  /* ---------- tables ---------- */

  function sortTable(table, col, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      h.removeAttribute('aria-sort');
    });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-v');
      var y = b.cells[col].getAttribute('data-v');
      var nx = parseFloat(x);
      var ny = parseFloat(y);
      var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function makeTable(columns, rows, id) {
    var table = el('table', { class: 'sortable', 'data-table-id': id || '' });
    var tr = el('tr');
    columns.forEach(function (c, i) {
      var th = el('th', { scope: 'col', tabindex: '0', title: 'click to sort', text: c });
      th.addEventListener('click', function () { sortTable(table, i, th); });
      th.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); sortTable(table, i, th); }
      });
      tr.appendChild(th);
    });
    table.appendChild(el('thead', {}, [tr]));
    var body = el('tbody');
    rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (v) {
        var num = typeof v === 'number';
        row.appendChild(el('td', {
          class: num ? 'num' : '', 'data-v': v === null ? '' : String(v),
          text: num ? fmt(v) : (v === null ? '–' : String(v))
        }));
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    return table;
  }

  /* ---------- charts ---------- */

  function xAxisOf(c, run) {
    var epoch = c.x_kind === 'time' ? epochOf(run.start_date) : null;
    if (epoch !== null) return { div: 1, off: epoch, label: 'date (UTC)', dates: true };
    var lo = Infinity, hi = -Infinity;
    c.series.forEach(function (s) {
      if (s.x.length) { lo = Math.min(lo, s.x[0]); hi = Math.max(hi, s.x[s.x.length - 1]); }
    });
    var span = c.x_kind === 'duration' ? hi : hi - lo;
    var tu = timeUnit(isFinite(span) ? span : 0);
    var label = c.x_kind === 'duration' ? 'duration (' + tu.unit + ')' :
      'simulated time (' + tu.unit + ')';
    return { div: tu.div, off: 0, label: label, dates: false };
  }

  function drawUplot(host, c, ax, width) {
    var tables = c.series.map(function (s) {
      return [s.x.map(function (v) { return v / ax.div + ax.off; }), s.y];
    });
    var aligned = window.uPlot.join(tables);
    var series = [{ label: ax.label, value: function (u, v) {
      return v == null ? '–' : (ax.dates ? isoDate(v) : fmt(v));
    } }];
    c.series.forEach(function (s, i) {
      var opt = {
        label: s.name, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true,
        /* Series are joined on a common time axis, so a series has gaps where only others
         * changed; its value there is the last one it had (step semantics). */
        value: function (u, v, si, idx) {
          for (var k = idx; v == null && k != null && k > 0; k--) v = u.data[si][k - 1];
          return v == null ? '–' : fmt(v);
        }
      };
      if (c.step) opt.paths = window.uPlot.paths.stepped({ align: 1 });
      series.push(opt);
    });
    var opts = {
      width: width, height: 300,
      scales: { x: { time: ax.dates, distr: c.x_log ? 3 : 1 } },
      /* Dates in UTC, as the simulation counts them, whatever the reader's time zone. */
      tzDate: function (ts) { return window.uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      axes: [
        ax.dates ? { label: ax.label } : { label: ax.label, values: tickLabels },
        { label: withUnit(c.y_label, c.unit), size: 70,
          values: tickLabels }
      ],
      series: series,
      legend: { live: true }
    };
    return new window.uPlot(opts, aligned, host);
  }

  function niceStep(span, n) {
    var raw = span / n;
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  }

  function ticks(lo, hi, log) {
    var out = [];
    if (log) {
      for (var p = Math.floor(Math.log10(lo)); p <= Math.ceil(Math.log10(hi)); p++) {
        out.push(Math.pow(10, p));
      }
      return out;
    }
    var step = niceStep(hi - lo || 1, 6);
    for (var t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
      out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    return out;
  }

  /* The built-in renderer: lines or steps, axes with ticks and labels, a legend whose values
   * follow the mouse, and a vertical cursor line. */
  function drawSvg(host, c, ax) {
    var W = 900, H = 320, L = 78, R = 16, T = 12, B = 48;
    var xs = c.series.map(function (s) {
      return s.x.map(function (v) { return v / ax.div + ax.off; });
    });
    var xlo = Infinity, xhi = -Infinity, ylo = 0, yhi = -Infinity;
    c.series.forEach(function (s, i) {
      xs[i].forEach(function (v) { xlo = Math.min(xlo, v); xhi = Math.max(xhi, v); });
      s.y.forEach(function (v) { ylo = Math.min(ylo, v); yhi = Math.max(yhi, v); });
    });
    if (!(xhi > xlo)) { xhi = xlo + 1; }
    if (!(yhi > ylo)) { yhi = ylo + 1; }
    var log = c.x_log && xlo > 0;
    var fx = function (v) {
      var t = log ? (Math.log10(v) - Math.log10(xlo)) / (Math.log10(xhi) - Math.log10(xlo)) :
        (v - xlo) / (xhi - xlo);
      return L + t * (W - L - R);
    };
    var fy = function (v) { return T + (1 - (v - ylo) / (yhi - ylo)) * (H - T - B); };
    var svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'svg-chart', role: 'img',
      'aria-label': c.title });
    svg.appendChild(svgEl('path', { class: 'axis', d: 'M' + L + ' ' + T + 'V' + (H - B) + 'H' + (W - R) }));
    var xt = ax.dates ? dateTicks(xlo, xhi) :
      ticks(xlo, xhi, log).map(function (t) { return { v: t, label: fmt(t) }; });
    xt.forEach(function (t) {
      if (t.v < xlo - 1e-12 || t.v > xhi + 1e-12) return;
      svg.appendChild(svgEl('path', { class: 'grid', d: 'M' + fx(t.v) + ' ' + T + 'V' + (H - B) }));
      svg.appendChild(svgEl('text', { x: fx(t.v), y: H - B + 16, 'text-anchor': 'middle', text: t.label }));
    });
    ticks(ylo, yhi, false).forEach(function (t) {
      svg.appendChild(svgEl('path', { class: 'grid', d: 'M' + L + ' ' + fy(t) + 'H' + (W - R) }));
      svg.appendChild(svgEl('text', { x: L - 6, y: fy(t) + 4, 'text-anchor': 'end', text: fmt(t) }));
    });
    svg.appendChild(svgEl('text', { x: (L + W - R) / 2, y: H - 8, 'text-anchor': 'middle',
      class: 'label', text: ax.label }));
    svg.appendChild(svgEl('text', { x: 14, y: (T + H - B) / 2, 'text-anchor': 'middle', class: 'label',
      transform: 'rotate(-90 14 ' + (T + H - B) / 2 + ')', text: withUnit(c.y_label, c.unit) }));
    c.series.forEach(function (s, i) {
      var d = '';
      for (var k = 0; k < s.y.length; k++) {
        var px = fx(xs[i][k]).toFixed(1), py = fy(s.y[k]).toFixed(1);
        if (k === 0) d = 'M' + px + ' ' + py;
        else d += c.step ? 'H' + px + 'V' + py : 'L' + px + ' ' + py;
      }
      if (s.y.length === 1) d += 'h2';
      svg.appendChild(svgEl('path', { class: 'line', d: d, stroke: COLORS[i % COLORS.length] }));
    });
    var cursor = svgEl('path', { class: 'cursor', d: '' });
    svg.appendChild(cursor);
    host.appendChild(svg);

    var legend = el('div', { class: 'legend' });
    var readX = el('span', { class: 'value', text: '–' });
    legend.appendChild(el('span', { class: 'item' }, [el('span', { text: ax.label + ': ' }), readX]));
    var reads = c.series.map(function (s, i) {
      var v = el('span', { class: 'value', text: '–' });
      legend.appendChild(el('span', { class: 'item' }, [
        el('span', { class: 'swatch', style: 'background:' + COLORS[i % COLORS.length] }),
        el('span', { text: s.name + ': ' }), v]));
      return v;
    });
    host.appendChild(legend);
    svg.addEventListener('mousemove', function (ev) {
      var box = svg.getBoundingClientRect();
      var px = (ev.clientX - box.left) * W / box.width;
      if (px < L || px > W - R) return;
      var t = (px - L) / (W - L - R);
      var x = log ? Math.pow(10, Math.log10(xlo) + t * (Math.log10(xhi) - Math.log10(xlo))) :
        xlo + t * (xhi - xlo);
      cursor.setAttribute('d', 'M' + px + ' ' + T + 'V' + (H - B));
      readX.textContent = ax.dates ? isoDate(x) : fmt(x);
      c.series.forEach(function (s, i) {
        /* The last point at or before x: the value a step curve holds there. */
        var lo = 0, hi = xs[i].length - 1, k = -1;
        while (lo <= hi) {
          var mid = (lo + hi) >> 1;
          if (xs[i][mid] <= x) { k = mid; lo = mid + 1; } else hi = mid - 1;
        }
        reads[i].textContent = k < 0 ? '–' : fmt(s.y[k]);
      });
    });
    svg.addEventListener('mouseleave', function () { cursor.setAttribute('d', ''); });
  }

  function drawChart(parent, c, useUplot, width, run) {
    state.charts++;
    var fig = el('figure', { class: 'chart', 'data-chart-id': c.id });
    fig.appendChild(el('figcaption', { text: c.title }));
    var host = el('div', { class: 'plot' });
    fig.appendChild(host);
    parent.appendChild(fig);
    var ax = xAxisOf(c, run);
    if (useUplot) drawUplot(host, c, ax, width);
    else drawSvg(host, c, ax);
    fig.setAttribute('data-drawn', '1');
    state.drawn++;
  }

  /* Events on a time line, one row per kind; hover shows time, kind and subject. */
  function drawEvents(parent, ev, run) {
    var n = ev.time_s.length;
    var kinds = [];
    ev.kind.forEach(function (k) { if (kinds.indexOf(k) < 0) kinds.push(k); });
    var t0 = run.sim_start_s, t1 = run.sim_end_s;
    ev.time_s.forEach(function (t) { t0 = Math.min(t0, t); t1 = Math.max(t1, t); });
    if (!(t1 > t0)) t1 = t0 + 1;
    var tu = timeUnit(t1 - t0);
    var epoch = epochOf(run.start_date);
    var when = function (t) {
      return epoch !== null ? isoDate(epoch + t) : fmt(t / tu.div) + ' ' + tu.unit;
    };
    var W = 900, L = 150, R = 16, ROW = 22, T = 8, H = T + ROW * kinds.length + 36;
    var fx = function (t) { return L + (t - t0) / (t1 - t0) * (W - L - R); };
    state.charts++;
    var fig = el('figure', { class: 'chart events', 'data-chart-id': 'events' });
    fig.appendChild(el('figcaption', { text: 'Event strip: contract timeline and milestones (' +
      fmt(ev.total) + ' events' + (ev.total > n ? '; the first ' + fmt(ev.per_kind_limit) +
      ' of each kind shown, ' + fmt(n) + ' in all' : '') + ')' }));
    var svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'svg-chart', role: 'img',
      'aria-label': 'event strip' });
    var base = H - 28;
    svg.appendChild(svgEl('path', { class: 'axis', d: 'M' + L + ' ' + base + 'H' + (W - R) }));
    var et = epoch !== null ?
      dateTicks(epoch + t0, epoch + t1).map(function (t) { return { v: t.v - epoch, label: t.label }; }) :
      ticks(t0 / tu.div, t1 / tu.div, false).map(function (t) { return { v: t * tu.div, label: fmt(t) }; });
    et.forEach(function (t) {
      if (t.v < t0 - 1e-9 || t.v > t1 + 1e-9) return;
      svg.appendChild(svgEl('path', { class: 'grid', d: 'M' + fx(t.v) + ' ' + T + 'V' + base }));
      svg.appendChild(svgEl('text', { x: fx(t.v), y: base + 16, 'text-anchor': 'middle', text: t.label }));
    });
    svg.appendChild(svgEl('text', { x: W - R, y: H - 2, 'text-anchor': 'end', class: 'label',
      text: epoch !== null ? 'date (UTC)' : 'simulated time (' + tu.unit + ')' }));
    kinds.forEach(function (k, i) {
      svg.appendChild(svgEl('text', { x: L - 8, y: T + ROW * i + 15, 'text-anchor': 'end', text: k }));
    });
    var readout = el('div', { class: 'legend', text: 'hover a marker for details' });
    for (var i = 0; i < n; i++) {
      var row = kinds.indexOf(ev.kind[i]);
      var x = fx(ev.time_s[i]), y = T + ROW * row + 11;
      var mark = svgEl('path', { class: 'marker', d: 'M' + x.toFixed(1) + ' ' + (y - 6) + 'l5 6l-5 6l-5 -6z',
        fill: COLORS[row % COLORS.length] });
      var text = when(ev.time_s[i]) + ' · ' + ev.kind[i] + ' · ' + ev.subject[i] +
        (ev.detail[i] ? ' · ' + ev.detail[i] : '');
      mark.appendChild(svgEl('title', { text: text }));
      mark.addEventListener('mouseenter', (function (t) { return function () { readout.textContent = t; }; })(text));
      svg.appendChild(mark);
    }
    fig.appendChild(svg);
    fig.appendChild(readout);
    parent.appendChild(fig);
    fig.setAttribute('data-drawn', '1');
    state.drawn++;
  }

  /* ---------- page ---------- */

  function section(title, id) {
    var s = el('section', { id: id }, [el('h2', { text: title })]);
    document.getElementById('report').appendChild(s);
    return s;
  }

  function main() {
    var data = JSON.parse(document.getElementById('aif-data').textContent);
    var run = data.run;
    var root = document.getElementById('report');
    var useUplot = !!(data.charts_library.uplot && window.uPlot);
    state.renderer = useUplot ? 'uplot' : 'svg';
    var span = run.sim_end_s - run.sim_start_s;
    var tu = timeUnit(span);
    var epoch = epochOf(run.start_date);
    root.appendChild(el('p', { class: 'subtitle', text: run.kind + ' run “' + run.name + '” · seed ' +
      run.seed + ' · simulated ' + fmt(span / tu.div) + ' ' + tu.unit +
      (epoch !== null ? ', ' + isoDate(epoch + run.sim_start_s) + ' to ' + isoDate(epoch + run.sim_end_s) : '') }));
    if (!useUplot) {
      root.appendChild(el('p', { class: 'notice', text: data.charts_library.inlined ?
        'Charts drawn with the built-in SVG renderer (requested).' :
        'Charts drawn with the built-in SVG renderer: the uPlot chart library was not available when this aifactory was built.' }));
    }

    if (data.metrics.length) {
      var keys = section('Key numbers', 'key-numbers');
      var grid = el('div', { class: 'metrics' });
      data.metrics.forEach(function (m) {
        grid.appendChild(el('div', { class: 'metric', 'data-metric': m.name, 'data-value': String(m.value) }, [
          /* A moment ("s since start") reads as a calendar date when the start is known. */
          el('div', { class: 'metric-value', text: m.unit === 's since start' && epoch !== null &&
            typeof m.value === 'number' ? isoDate(epoch + m.value) : withUnits(m.value, m.unit) }),
          el('div', { class: 'metric-name', title: m.name, text: readableName(m.name, m.unit) })
        ]));
      });
      keys.appendChild(grid);
    }

    if (data.charts.length) {
      var charts = section('Charts', 'charts');
      var width = Math.max(320, Math.min(1100, root.clientWidth || 1000) - 8);
      data.charts.forEach(function (c) { drawChart(charts, c, useUplot, width, run); });
    }
    if (data.events.total > 0) {
      var evs = section('Events', 'events');
      drawEvents(evs, data.events, run);
      var rows = data.events.time_s.map(function (t, i) {
        return [epoch !== null ? isoDate(epoch + t) : t, data.events.kind[i], data.events.subject[i],
          data.events.detail[i]];
      });
      var det = el('details', {}, [el('summary', { text: 'All events as a table' })]);
      det.appendChild(makeTable([epoch !== null ? 'date (UTC)' : 'time (s)', 'kind', 'subject',
        'detail (JSON)'], rows, 'events'));
      evs.appendChild(det);
    }
    if (data.tables.length) {
      var tabs = section('Tables', 'tables');
      data.tables.forEach(function (t) {
        tabs.appendChild(el('h3', { text: t.title }));
        tabs.appendChild(el('div', { class: 'table-wrap' }, [makeTable(t.columns, t.rows, t.id)]));
      });
    }
    if (data.params.rows.length) {
      var ps = section('Assumptions', 'assumptions');
      var pd = el('details', { class: 'assumptions' }, [el('summary', {
        text: 'The ' + data.params.rows.length + ' parameters this run used (click to show)' })]);
      pd.appendChild(makeTable(data.params.columns, data.params.rows, 'params'));
      ps.appendChild(pd);
    }
    root.appendChild(el('footer', { text: 'aifactory report · charts: ' +
      (useUplot ? 'uPlot ' + data.charts_library.uplot_version : 'built-in SVG') +
      ' · data: results database and CSV files next to this page' }));
  }

  main();
  /* Collapsed sections would print as their one-line summary: open them for printing. */
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) {
      d.setAttribute('open', '');
    });
  });
})();
