/* aifactory HTML report: draws the run data embedded in the page (<script id="aif-data">,
 * built by src/io/report_data.c) as a header of key numbers, charts, sortable tables, an
 * event strip and the assumptions. Charts use the inlined uPlot when the build had it and
 * our own small SVG renderer otherwise; both have axis units, a legend and a hover
 * read-out. Nothing here touches the network. Written for plain ES2017, no build step. */
(function () {
  'use strict';

  var COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#1a1a1a',
    '#8c6d31', '#7F3C8D', '#11A579', '#3969AC', '#F2B701', '#E73F74', '#80BA5A'];
  /* One colour per category in every chart, so capex or inference never swaps colour
   * between two charts: a fixed map for the categories the simulator knows, and for other
   * names (provider and system ids) a colour picked from the name itself, not its position. */
  var CATEGORY_COLORS = {
    inference: '#0072B2', training: '#D55E00', research: '#009E73', idle: '#b8b8b8',
    failed: '#C0392B', demanded: '#1a1a1a', served: '#56B4E9', capex: '#CC79A7',
    power: '#E69F00', cloud: '#56B4E9', tranche: '#8c6d31', equity: '#009E73',
    revenue: '#0072B2', revenue_share: '#7F3C8D', cash: '#1a1a1a', 'net position': '#1a1a1a',
    total: '#1a1a1a', 'all sites': '#0072B2', 'billed to us (own, partner)': '#D55E00',
    'busy GPUs': '#0072B2', 'queued jobs': '#D55E00', 'waiting jobs': '#D55E00',
    'running jobs': '#009E73', utilisation: '#0072B2', 'served share of demand': '#009E73',
    opex: '#F2B701', depreciation: '#80BA5A', warrants: '#E73F74',
    /* The default scenario's providers and systems. */
    'nvidia-programme': '#5E9C00', oracle: '#C74634', azure: '#0089D6', coreweave: '#7F3C8D',
    'amd-programme': '#F2B701', stargate: '#8c6d31', 'vr-nvl144': '#3969AC',
    'gb200-nvl72': '#11A579', 'gb300-nvl72': '#80BA5A', 'hgx-h100': '#E68310',
    'helios-mi450': '#E73F74'
  };

  /* A comparison (`aifactory compare`) names its series "A · x" and "B · x": both sides of
   * x get x's colour, and B's line is dashed (see sideB). */
  function colorOf(name) {
    name = name.replace(/^[AB] · /, '');
    if (Object.prototype.hasOwnProperty.call(CATEGORY_COLORS, name)) return CATEGORY_COLORS[name];
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return COLORS[h % COLORS.length];
  }

  /* Axis text is measured, not guessed, so an axis is as wide as its widest label. */
  var measureCtx = null;
  function textWidth(text, font) {
    if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
    measureCtx.font = font;
    return measureCtx.measureText(text).width;
  }
  var AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  var state = { charts: 0, drawn: 0, derived: 0, renderer: '', zooming: 0, plots: {} };
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

  /* ---------- key numbers ---------- */

  /* Known metric keys: [human name, group, headline]. The headline ones (at most 12) are
   * tiles; every metric is in the table under them. Unknown keys fall back to a readable
   * form of the key, in "Other". */
  var GROUPS = ['Capacity', 'Money', 'Demand', 'Training', 'Contracts', 'Jobs', 'Serving',
    'Other'];
  var METRICS = {
    peak_facility_gw: ['Peak facility power', 'Capacity', 1],
    peak_packages: ['Peak GPUs online', 'Capacity', 1],
    peak_dies: ['Peak GPU dies online', 'Capacity'],
    energy_mwh: ['Energy used', 'Capacity'],
    gpu_hours_inference: ['GPU-hours on inference', 'Capacity'],
    gpu_hours_training: ['GPU-hours on training', 'Capacity'],
    gpu_hours_research: ['GPU-hours on research', 'Capacity'],
    gpu_hours_idle: ['GPU-hours idle', 'Capacity'],
    gpu_hours_failed: ['GPU-hours lost to failures', 'Capacity'],
    capex_usd: ['Capital spending', 'Money', 1],
    opex_usd: ['Operating spending', 'Money', 1],
    power_usd: ['Power bill', 'Money'],
    cloud_payments_usd: ['Cloud payments', 'Money'],
    revenue_usd: ['Revenue', 'Money', 1],
    cash_usd: ['Cash position at the end', 'Money', 1],
    equity_usd: ['Equity raised', 'Money'],
    vendor_investment_usd: ['Vendor investment', 'Money'],
    depreciation_usd: ['Depreciation', 'Money'],
    warrants_usd: ['Warrants', 'Money'],
    revenue_share_usd: ['Revenue share paid', 'Money'],
    inference_served_fraction: ['Inference demand served', 'Demand', 1],
    training_runs_completed: ['Frontier runs completed', 'Training', 1],
    training_runs_no_progress: ['Frontier runs without progress', 'Training'],
    frontier_compute_flop: ['Frontier training compute', 'Training', 1],
    research_compute_flop: ['Research compute', 'Training'],
    research_jobs_done: ['Research jobs done', 'Training'],
    research_preemptions: ['Research jobs preempted', 'Training'],
    trigger_agi_s: ['AGI trigger date', 'Contracts', 1],
    triggers_fired: ['Triggers fired', 'Contracts'],
    tranches_paid: ['Tranches paid', 'Contracts', 1],
    rofr_offers: ['ROFR offers', 'Contracts'],
    rofr_accepted: ['ROFR offers accepted', 'Contracts'],
    orders: ['Orders placed', 'Contracts'],
    events: ['Events recorded', 'Other'],
    jobs: ['Jobs', 'Jobs', 1],
    makespan_s: ['Makespan', 'Jobs', 1],
    mean_jct_s: ['Mean job completion time', 'Jobs', 1],
    median_jct_s: ['Median job completion time', 'Jobs', 1],
    p95_jct_s: ['95th percentile completion time', 'Jobs', 1],
    p99_jct_s: ['99th percentile completion time', 'Jobs'],
    mean_wait_s: ['Mean queueing delay', 'Jobs', 1],
    median_wait_s: ['Median queueing delay', 'Jobs'],
    mean_slowdown: ['Mean slowdown', 'Jobs', 1],
    gpu_utilization: ['GPU utilisation', 'Capacity', 1],
    preemptions: ['Preemptions', 'Jobs', 1],
    requests_completed: ['Requests served', 'Serving', 1],
    ttft_p50_s: ['Median time to first token', 'Serving', 1],
    ttft_p99_s: ['99th percentile time to first token', 'Serving', 1],
    tpot_p50_s: ['Median time per output token', 'Serving', 1],
    tpot_p99_s: ['99th percentile time per output token', 'Serving', 1],
    e2e_p99_s: ['99th percentile end-to-end latency', 'Serving', 1],
    queue_p99_s: ['99th percentile queueing delay', 'Serving'],
    output_tokens_per_s: ['Output tokens per second', 'Serving', 1],
    output_tokens_per_s_per_gpu: ['Output tokens per second per GPU', 'Serving', 1],
    mean_kv_occupancy: ['Mean KV-cache occupancy', 'Serving', 1],
    kv_preemptions: ['Preemptions (KV cache full)', 'Serving', 1]
  };
  var FRACTIONS = { inference_served_fraction: 1, gpu_utilization: 1, mean_kv_occupancy: 1 };

  function metricInfo(m) {
    var k = METRICS[m.name];
    return k ? { name: k[0], group: k[1], headline: !!k[2] } :
      { name: readableName(m.name, m.unit), group: 'Other', headline: false };
  }

  /* Durations in seconds also read in hours or days; shares of one as percentages. */
  function metricText(m, epoch) {
    var v = m.value;
    if (m.unit === 's since start' && epoch !== null && typeof v === 'number') return isoDate(epoch + v);
    if (FRACTIONS[m.name] && !m.unit && typeof v === 'number') {
      return (100 * v).toLocaleString('en-US', { maximumFractionDigits: 1 }) + '%';
    }
    return humanDuration(m) || withUnits(v, m.unit);
  }

  /* "54.52 min" for 3,271 s: the seconds stay under it (metricRaw) for exactness. */
  function humanDuration(m) {
    var a = Math.abs(m.value);
    if (m.unit !== 's' || typeof m.value !== 'number' || a < 120) return null;
    if (a < 7200) return fmt(m.value / 60) + ' min';
    if (a < 2 * 86400) return fmt(m.value / 3600) + ' h';
    return fmt(m.value / 86400) + ' days';
  }

  function metricRaw(m) { return humanDuration(m) ? withUnits(m.value, m.unit) : ''; }

  function keyNumbers(parent, metrics, epoch) {
    var infos = metrics.map(metricInfo);
    var head = [];
    metrics.forEach(function (m, i) { if (infos[i].headline && head.length < 12) head.push(i); });
    if (!head.length) head = metrics.slice(0, 8).map(function (m, i) { return i; });
    var grid = el('div', { class: 'metrics' });
    GROUPS.forEach(function (g) {
      head.forEach(function (i) {
        if (infos[i].group !== g) return;
        var m = metrics[i];
        grid.appendChild(el('div', { class: 'metric tile', 'data-metric': m.name,
          'data-value': String(m.value), 'data-group': g }, [
          el('div', { class: 'metric-value', text: metricText(m, epoch) }),
          metricRaw(m) ? el('div', { class: 'metric-raw', text: metricRaw(m) }) : null,
          el('div', { class: 'metric-name', title: m.name, text: infos[i].name }),
          el('div', { class: 'metric-group', text: g })
        ]));
      });
    });
    parent.appendChild(grid);
    /* Every metric, grouped, in a folded table under the tiles. */
    var det = el('details', { class: 'all-metrics' }, [el('summary', {
      text: 'All ' + metrics.length + ' key numbers by group' })]);
    var body = el('tbody');
    GROUPS.forEach(function (g) {
      var rows = metrics.filter(function (m, i) { return infos[i].group === g; });
      if (!rows.length) return;
      body.appendChild(el('tr', { class: 'group' }, [el('th', { colspan: '2', scope: 'rowgroup', text: g })]));
      rows.forEach(function (m) {
        body.appendChild(el('tr', { class: 'metric', 'data-metric': m.name, 'data-value': String(m.value) }, [
          el('td', { class: 'metric-name', title: m.name, text: metricInfo(m).name }),
          el('td', { class: 'num metric-value', text: metricText(m, epoch) +
            (metricRaw(m) ? ' (' + metricRaw(m) + ')' : '') })
        ]));
      });
    });
    det.appendChild(el('table', { class: 'key-table' }, [body]));
    parent.appendChild(det);
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
    /* A cloud contract has no GPUs or megawatts of its own: a 0 there means "not
     * applicable", shown as a dash. */
    var naZero = columns.map(function (c) { return /^(GPUs|power \(MW\))$/.test(c); });
    var body = el('tbody');
    rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (v, i) {
        var num = typeof v === 'number';
        var na = v === null || (num && v === 0 && naZero[i]);
        row.appendChild(el('td', {
          class: num ? 'num' : (/^\{/.test(String(v)) ? 'json' : (String(v).length > 24 ? 'wrap' : '')), 'data-v': v === null ? '' : String(v),
          text: na ? '–' : (num ? fmt(v) : String(v))
        }));
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    return table;
  }

  /* ---------- charts ---------- */

  /* Parts of a whole (capacity by provider or system, GPU-hours by use) read as stacked
   * areas with their total on top. */
  function isStacked(c) {
    if (!/^(Capacity online by|GPUs online by|GPU-hours by use)/.test(c.title)) return false;
    var n = c.series.length && c.series[0].x.length;
    return c.series.length > 1 && c.series.every(function (s) { return s.x.length === n; });
  }

  /* What each renderer draws: per series its x, the y it is drawn at (cumulative when
   * stacked), the value the legend shows, a colour and whether it is filled. */
  function layers(c) {
    if (isStacked(c)) {
      var acc = c.series[0].y.map(function () { return 0; });
      var cum = c.series.map(function (s) {
        acc = acc.map(function (v, k) { return v + (s.y[k] || 0); });
        return { name: s.name, x: s.x, y: acc.slice(), raw: s.y, color: colorOf(s.name), fill: true };
      });
      /* Top of the stack first: uPlot fills each series down to zero, so the later (lower)
       * layers paint over the part of the earlier ones below them. */
      cum.reverse();
      cum.push({ name: 'total', x: c.series[0].x, y: acc, raw: acc, color: colorOf('total'),
        fill: false, total: true });
      return cum;
    }
    var demand = /demand vs served/i.test(c.title);
    var out = c.series.map(function (s) {
      return { name: s.name, x: s.x, y: s.y, raw: s.y, color: colorOf(s.name),
        fill: demand && s.name === 'served', dashed: sideB(s.name) };
    });
    /* Served as an area under demanded as a line, so neither hides the other. */
    if (demand) out.sort(function (a, b) { return (b.fill ? 1 : 0) - (a.fill ? 1 : 0); });
    var share = demand && servedShare(c);
    if (share) {
      out.push({ name: 'served share of demand', x: share.x, y: share.y, raw: share.y,
        color: colorOf('served share of demand'), fill: false, percent: true });
    }
    return out;
  }

  function sideB(name) { return /^B · /.test(name); }

  /* Served as a percentage of demanded, point by point (null where nothing was demanded):
   * drawn on the demand chart against its own 0-100 % axis on the right. */
  function servedShare(c) {
    var by = {};
    c.series.forEach(function (s) { by[s.name] = s; });
    if (!by.demanded || !by.served || by.demanded.x.length !== by.served.x.length) return null;
    return { x: by.served.x, y: by.served.y.map(function (v, k) {
      var d = by.demanded.y[k];
      if (!(d > 0) || v === null) return null;
      /* Means of served and demanded, taken apart, can differ in the last bit when all
       * demand was served: that is 100 %, not 100.00000000000001 %. */
      var p = 100 * v / d;
      return p > 100 && p < 100 + 1e-9 ? 100 : p;
    }) };
  }

  /* A chart the page derives from another: GPU utilisation (the GPU-hours doing inference,
   * training or research, as a share of all GPU-hours). `make` derives it again from a
   * zoomed view of its source. (The served share of demand is on the demand chart.) */
  function derived(c) {
    if (!/^GPU-hours by use/.test(c.title) || !isStacked(c)) return null;
    var make = function (src) {
      var by = {};
      src.series.forEach(function (s) { by[s.name] = s; });
      var useful = ['inference', 'training', 'research'].filter(function (n) { return by[n]; });
      var x = src.series[0].x;
      return { id: c.id + '-util', title: 'GPU utilisation (inference, training and research)',
        y_label: 'utilisation', unit: '%', x_kind: c.x_kind, x_log: false, step: false,
        bucket_s: c.bucket_s, percent: true,
        series: [{ name: 'utilisation', x: x, y: x.map(function (_, k) {
          var all = src.series.reduce(function (a, s) { return a + (s.y[k] || 0); }, 0);
          var used = useful.reduce(function (a, n) { return a + (by[n].y[k] || 0); }, 0);
          return all > 0 ? 100 * used / all : null;
        }) }] };
    };
    var out = make(c);
    out.from = c;
    out.make = make;
    return out;
  }

  /* ---------- zooming into a long run ---------- */

  /* A long run's charts show means over days or weeks; the series then carry their finest
   * points (`fine`, see src/io/report_fine.c): times as run-length coded steps or base64
   * float64, values as base64 float32. Decoded once, on the first zoom. */
  function bytesOf(b64) {
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return new DataView(out.buffer);
  }

  function decodeFine(f) {
    var x = [], y = [], k, dv;
    if (f.x64 !== undefined) {
      dv = bytesOf(f.x64);
      for (k = 0; k < f.n; k++) x.push(dv.getFloat64(8 * k, true));
    } else {
      var t = f.x0;
      x.push(t);
      f.dx.forEach(function (d) {
        var step = Array.isArray(d) ? d[0] : d, times = Array.isArray(d) ? d[1] : 1;
        for (var j = 0; j < times; j++) { t += step; x.push(t); }
      });
    }
    dv = bytesOf(f.y32);
    /* With `yrun`, one value per run of equal values and the runs' lengths. */
    var lengths = f.yrun || null;
    var nv = lengths ? lengths.length : f.n;
    for (k = 0; k < nv; k++) {
      var v = dv.getFloat32(4 * k, true);
      v = isFinite(v) ? v : null;
      for (var r = lengths ? lengths[k] : 1; r > 0; r--) y.push(v);
    }
    return { x: x, y: y };
  }

  function fineOf(s) {
    if (!s.fine) return null;
    if (!s.fineData) s.fineData = decodeFine(s.fine);
    return s.fineData;
  }

  function hasFine(c) {
    return c.make ? hasFine(c.from) : c.series.some(function (s) { return !!s.fine; });
  }

  /* First index with xs[i] >= v (xs ascending). */
  function lowerBound(xs, v) {
    var lo = 0, hi = xs.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (xs[mid] < v) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /* The chart to draw for simulated times [lo, hi]: when the finest points there are few
   * enough to read (at most `limit`) and more than the means, each series' means outside a
   * window around the view and its finest points inside it; null to keep the means. */
  function detailView(c, lo, hi, limit) {
    if (c.make) {
      var v = detailView(c.from, lo, hi, limit);
      return v && { chart: c.make(v.chart), from: v.from, to: v.to, width: v.width, step: v.step };
    }
    var pad = hi - lo, from = lo - pad, to = hi + pad, width = null, step = 0, finer = false;
    for (var i = 0; i < c.series.length; i++) {
      var f = fineOf(c.series[i]);
      if (!f) continue;
      var shown = lowerBound(f.x, hi + 1e-9) - lowerBound(f.x, lo);
      if (shown > limit) return null;
      var means = lowerBound(c.series[i].x, hi + 1e-9) - lowerBound(c.series[i].x, lo);
      finer = finer || shown > means;
      width = c.series[i].fine.bucket_s;
      step = f.x.length > 1 ? f.x[1] - f.x[0] : 0;
    }
    if (!finer) return null;
    var series = c.series.map(function (s) {
      var f = fineOf(s);
      if (!f) return s;
      /* One finest point either side of the window, so lines run on to its edges. */
      var a = Math.max(0, lowerBound(f.x, from) - 1), b = Math.min(f.x.length, lowerBound(f.x, to) + 1);
      var before = lowerBound(s.x, f.x[a]), after = lowerBound(s.x, f.x[b - 1] + 1e-9);
      return { name: s.name, x: s.x.slice(0, before).concat(f.x.slice(a, b), s.x.slice(after)),
        y: s.y.slice(0, before).concat(f.y.slice(a, b), s.y.slice(after)) };
    });
    var out = {};
    Object.keys(c).forEach(function (k) { out[k] = c[k]; });
    out.series = series;
    return { chart: out, from: from, to: to, width: width, step: step };
  }

  /* The y axis names the unit only: the caption already names the quantity, and a long
   * rotated label would not fit the plot's height. */
  function yLabel(c) {
    var u = c.unit || c.y_label || '';
    if (u === 'USD') return 'US dollars';
    if (u === 'GPU-h') return 'GPU-hours' + (/per day/.test(c.title) ? ' per day' : '');
    return u;
  }

  function yFmt(c) {
    if (c.unit === 'USD') return function (v) { return v < 0 ? '−$' + fmt(-v) : '$' + fmt(v); };
    if (c.percent) return function (v) { return fmt(v) + '%'; };
    return fmt;
  }

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

  /* The whole-number ticks of a 0-100 % axis. */
  var PERCENT_TICKS = [0, 20, 40, 60, 80, 100];

  function percentLabel(v) { return Math.round(v) + '%'; }

  /* uPlot's table for a chart: x values shifted to the axis (dates or a time unit), the
   * layers joined on them, and per layer its own values by x for the legend. */
  function uplotData(c, ax) {
    var ls = layers(c);
    var aligned = window.uPlot.join(ls.map(function (s) {
      return [s.x.map(function (v) { return v / ax.div + ax.off; }), s.y];
    }));
    /* The legend shows each layer's own value, not its height in the stack. */
    var rawAt = ls.map(function (s) {
      var m = {};
      s.x.forEach(function (v, k) { m[v / ax.div + ax.off] = s.raw[k]; });
      return m;
    });
    return { ls: ls, aligned: aligned, rawAt: rawAt };
  }

  /* Width of an axis: ticks (10 px), gap (5 px) and the widest label as measured, plus a
   * margin. */
  function axisSize(font) {
    return function (u, vals) {
      var w = 0;
      (vals || []).forEach(function (v) { w = Math.max(w, textWidth(String(v), font)); });
      return Math.ceil(w) + 22;
    };
  }

  function drawUplot(host, c, ax, width, fig) {
    var yf = yFmt(c);
    var cur = uplotData(c, ax);
    cur.key = 'means';
    var series = [{ label: ax.label, value: function (u, v) {
      return v == null ? '–' : (ax.dates ? isoDate(v) : fmt(v));
    } }];
    cur.ls.forEach(function (s, i) {
      var f = s.percent ? percentLabel : yf;
      var opt = {
        label: s.name, stroke: s.color, width: s.total ? 2.5 : (s.fill ? 1 : 2), spanGaps: true,
        /* Series are joined on a common time axis, so a series has gaps where only others
         * changed; its value there is the last one it had (step semantics). */
        value: function (u, v, si, idx) {
          for (var k = idx; k != null && k >= 0; k--) {
            var r = cur.rawAt[i][u.data[0][k]];
            if (r !== undefined && r !== null) return s.percent ? fmt(r) + '%' : f(r);
          }
          return '–';
        }
      };
      /* Stacked layers are opaque (a see-through layer would mix with the one below);
       * the served area alone is light so the demanded line stays in front. */
      if (s.fill) opt.fill = isStacked(c) ? s.color : s.color + '99';
      if (s.total || s.dashed) opt.dash = [6, 3];
      if (s.percent) { opt.scale = '%'; opt.width = 1.5; }
      if (c.step) opt.paths = window.uPlot.paths.stepped({ align: 1 });
      series.push(opt);
    });
    var font = AXIS_FONT;
    var scales = { x: { time: ax.dates, distr: c.x_log ? 3 : 1 } };
    var yAxis = { label: yLabel(c), font: font, labelFont: 'bold ' + font,
      values: function (u, vals) { return vals.map(function (v) { return v == null ? '' : yf(v); }); },
      size: axisSize(font) };
    /* Shares read at a glance on a fixed 0-100 % axis with whole labels. */
    if (c.percent) {
      scales.y = { auto: false, range: [0, 100] };
      yAxis.splits = function () { return PERCENT_TICKS; };
      yAxis.values = function (u, vals) { return vals.map(percentLabel); };
    }
    var axes = [
      ax.dates ? { label: ax.label, font: font } :
        { label: ax.label, font: font, values: tickLabels },
      yAxis
    ];
    if (cur.ls.some(function (s) { return s.percent; })) {
      scales['%'] = { auto: false, range: [0, 100] };
      axes.push({ scale: '%', side: 1, label: 'served share of demand (%)', font: font,
        labelFont: 'bold ' + font, grid: { show: false },
        splits: function () { return PERCENT_TICKS; },
        values: function (u, vals) { return vals.map(percentLabel); }, size: axisSize(font) });
    }
    var zoomable = hasFine(c);
    var plotWidth = width;
    var opts = {
      width: width, height: 300,
      scales: scales,
      /* Dates in UTC, as the simulation counts them, whatever the reader's time zone. */
      tzDate: function (ts) { return window.uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      axes: axes,
      series: series,
      legend: { live: true },
      hooks: { setScale: [function (u, key) { if (key === 'x' && zoomable) refine(u); }] }
    };
    var caption = fig.querySelector('figcaption .detail');
    /* Zoomed into a short enough span, the chart draws the finest points there, and the
     * means again when zoomed out (double-click). Data changes wait for uPlot to finish
     * the zoom that asked for them. */
    function refine(u) {
      var lo = (u.scales.x.min - ax.off) * ax.div, hi = (u.scales.x.max - ax.off) * ax.div;
      if (!(hi > lo)) return;
      /* At most one finest point per three pixels. */
      var v = detailView(c, lo, hi, Math.max(200, plotWidth / 3));
      if (!v && cur.key === 'means') return;
      if (v && cur.key === 'fine' && lo >= cur.from && hi <= cur.to) return;
      state.zooming++;
      setTimeout(function () {
        var next = uplotData(v ? v.chart : c, ax);
        next.key = v ? 'fine' : 'means';
        if (v) { next.from = v.from; next.to = v.to; }
        cur = next;
        var min = u.scales.x.min, max = u.scales.x.max;
        u.setData(cur.aligned, false);
        u.setScale('x', { min: min, max: max });
        fig.setAttribute('data-detail', v ? 'fine' : 'means');
        if (caption) {
          caption.textContent = !v ? '' : ' · zoomed in: ' + (v.width > 0 ?
            (v.width === 3600 ? 'hourly means' : 'means over ' + fmt(v.width / 60) + ' min') :
            v.step === 3600 ? 'hourly points' : v.step === 86400 ? 'daily points' :
              'every recorded point');
        }
        state.zooming--;
      }, 0);
    }
    if (zoomable) fig.setAttribute('data-detail', 'means');
    var u = new window.uPlot(opts, cur.aligned, host);
    plotWidth = u.bbox.width / (window.devicePixelRatio || 1);
    state.plots[c.id] = u;
    return u;
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
    /* A span below the values' own precision (a sweep output that barely moves) would
     * never step past lo: label its ends only. */
    if (!(step > 0) || lo + step === lo || hi + step === hi) return [lo, hi];
    for (var t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
      out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    return out;
  }

  /* The built-in renderer: lines, steps or stacked areas, axes with ticks and labels sized
   * to their measured text, a legend whose values follow the mouse, and a cursor line. */
  function drawSvg(host, c, ax) {
    var ls = layers(c);
    var yf = yFmt(c);
    var W = 900, H = 320, R = 16, T = 12, B = 48;
    /* The served share of demand has its own 0-100 % axis on the right. */
    var right = ls.some(function (s) { return s.percent; });
    if (right) {
      R = Math.ceil(PERCENT_TICKS.reduce(function (w, t) {
        return Math.max(w, textWidth(percentLabel(t), AXIS_FONT));
      }, 0)) + 36;
    }
    var xs = ls.map(function (s) {
      return s.x.map(function (v) { return v / ax.div + ax.off; });
    });
    var xlo = Infinity, xhi = -Infinity, ylo = 0, yhi = -Infinity;
    ls.forEach(function (s, i) {
      xs[i].forEach(function (v) { xlo = Math.min(xlo, v); xhi = Math.max(xhi, v); });
      if (s.percent) return;
      s.y.forEach(function (v) { if (v !== null) { ylo = Math.min(ylo, v); yhi = Math.max(yhi, v); } });
    });
    if (!(xhi > xlo)) { xhi = xlo + 1; }
    if (!(yhi > ylo)) { yhi = ylo + 1; }
    if (c.percent) { ylo = 0; yhi = 100; }
    var yt = c.percent ? PERCENT_TICKS : ticks(ylo, yhi, false);
    /* The left margin holds the widest tick label and the rotated axis label (viewBox
     * units are pixels at 900 px wide, the page's width, and never narrower). */
    var tw = 0;
    yt.forEach(function (t) { tw = Math.max(tw, textWidth(yf(t), AXIS_FONT)); });
    var L = Math.ceil(tw) + 36;
    var log = c.x_log && xlo > 0;
    var fx = function (v) {
      var t = log ? (Math.log10(v) - Math.log10(xlo)) / (Math.log10(xhi) - Math.log10(xlo)) :
        (v - xlo) / (xhi - xlo);
      return L + t * (W - L - R);
    };
    var fy = function (v) { return T + (1 - (v - ylo) / (yhi - ylo)) * (H - T - B); };
    var fp = function (v) { return T + (1 - v / 100) * (H - T - B); };
    var svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'svg-chart', role: 'img',
      'aria-label': c.title });
    svg.appendChild(svgEl('path', { class: 'axis', d: 'M' + L + ' ' + T + 'V' + (H - B) + 'H' + (W - R) }));
    var xt = ax.dates ? dateTicks(xlo, xhi) :
      ticks(xlo, xhi, log).map(function (t) { return { v: t, label: fmt(t) }; });
    xt.forEach(function (t) {
      if (t.v < xlo - 1e-12 || t.v > xhi + 1e-12) return;
      svg.appendChild(svgEl('path', { class: 'grid', d: 'M' + fx(t.v) + ' ' + T + 'V' + (H - B) }));
      /* The last label ends at the right edge instead of running past it. */
      var end = fx(t.v) + textWidth(t.label, AXIS_FONT) / 2 > W - 2;
      svg.appendChild(svgEl('text', { x: end ? W - 2 : fx(t.v), y: H - B + 16,
        'text-anchor': end ? 'end' : 'middle', class: 'tick', text: t.label }));
    });
    yt.forEach(function (t) {
      svg.appendChild(svgEl('path', { class: 'grid', d: 'M' + L + ' ' + fy(t) + 'H' + (W - R) }));
      svg.appendChild(svgEl('text', { x: L - 6, y: fy(t) + 4, 'text-anchor': 'end', class: 'tick', text: yf(t) }));
    });
    svg.appendChild(svgEl('text', { x: (L + W - R) / 2, y: H - 8, 'text-anchor': 'middle',
      class: 'label', text: ax.label }));
    svg.appendChild(svgEl('text', { x: 14, y: (T + H - B) / 2, 'text-anchor': 'middle', class: 'label',
      transform: 'rotate(-90 14 ' + (T + H - B) / 2 + ')', text: yLabel(c) }));
    if (right) {
      svg.appendChild(svgEl('path', { class: 'axis', d: 'M' + (W - R) + ' ' + T + 'V' + (H - B) }));
      PERCENT_TICKS.forEach(function (t) {
        svg.appendChild(svgEl('text', { x: W - R + 6, y: fp(t) + 4, 'text-anchor': 'start',
          class: 'tick percent', text: percentLabel(t) }));
      });
      svg.appendChild(svgEl('text', { x: W - 14, y: (T + H - B) / 2, 'text-anchor': 'middle',
        class: 'label', transform: 'rotate(90 ' + (W - 14) + ' ' + (T + H - B) / 2 + ')',
        text: 'served share of demand (%)' }));
    }
    ls.forEach(function (s, i) {
      var d = '', pen = false;
      var sy = s.percent ? fp : fy;
      for (var k = 0; k < s.y.length; k++) {
        if (s.y[k] === null) { pen = false; continue; }
        var px = fx(xs[i][k]).toFixed(1), py = sy(s.y[k]).toFixed(1);
        if (!pen) d += 'M' + px + ' ' + py;
        else d += c.step ? 'H' + px + 'V' + py : 'L' + px + ' ' + py;
        pen = true;
      }
      if (s.y.length === 1) d += 'h2';
      if (s.fill && s.y.length > 1) {
        /* Filled down to zero; the next (lower) layer paints over its own part. */
        svg.appendChild(svgEl('path', { class: 'area', fill: s.color, 'fill-opacity': isStacked(c) ? '1' : '0.6',
          d: d + 'L' + fx(xs[i][xs[i].length - 1]).toFixed(1) + ' ' + fy(0).toFixed(1) +
            'L' + fx(xs[i][0]).toFixed(1) + ' ' + fy(0).toFixed(1) + 'Z' }));
      }
      svg.appendChild(svgEl('path', { class: 'line', d: d, stroke: s.color,
        'stroke-dasharray': s.total || s.dashed ? '6 3' : 'none' }));
    });
    var cursor = svgEl('path', { class: 'cursor', d: '' });
    svg.appendChild(cursor);
    host.appendChild(svg);

    var legend = el('div', { class: 'legend' });
    var readX = el('span', { class: 'value', text: '–' });
    legend.appendChild(el('span', { class: 'item' }, [el('span', { text: ax.label + ': ' }), readX]));
    var reads = ls.map(function (s) {
      var v = el('span', { class: 'value', text: '–' });
      legend.appendChild(el('span', { class: 'item' }, [
        el('span', { class: 'swatch', style: 'background:' + s.color }),
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
      ls.forEach(function (s, i) {
        /* The last point at or before x: the value a step curve holds there. */
        var lo = 0, hi = xs[i].length - 1, k = -1;
        while (lo <= hi) {
          var mid = (lo + hi) >> 1;
          if (xs[i][mid] <= x) { k = mid; lo = mid + 1; } else hi = mid - 1;
        }
        reads[i].textContent = k < 0 || s.raw[k] === null ? '–' :
          (s.percent ? fmt(s.raw[k]) + '%' : yf(s.raw[k]));
      });
    });
    svg.addEventListener('mouseleave', function () { cursor.setAttribute('d', ''); });
  }

  function drawChart(parent, c, useUplot, width, run) {
    state.charts++;
    var fig = el('figure', { class: 'chart', 'data-chart-id': c.id });
    var week = c.bucket_s >= 7 * 86400 - 1;
    fig.appendChild(el('figcaption', { text: c.title + (week ? ' · weekly means' :
      c.bucket_s > 0 ? ' · means over ' + fmt(c.bucket_s / 60) + ' min' : '') }, [
      el('span', { class: 'detail' })]));
    var host = el('div', { class: 'plot' });
    fig.appendChild(host);
    parent.appendChild(fig);
    var ax = xAxisOf(c, run);
    if (useUplot) drawUplot(host, c, ax, width, fig);
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
    var W = 900, R = 16, ROW = 22, T = 8, H = T + ROW * kinds.length + 46;
    var L = 16 + Math.ceil(kinds.reduce(function (w, k) { return Math.max(w, textWidth(k, AXIS_FONT)); }, 0));
    var fx = function (t) { return L + (t - t0) / (t1 - t0) * (W - L - R); };
    state.charts++;
    var fig = el('figure', { class: 'chart events', 'data-chart-id': 'events' });
    fig.appendChild(el('figcaption', { text: 'Event strip: contract timeline and milestones (' +
      fmt(ev.total) + ' events' + (ev.total > n ? '; the first ' + fmt(ev.per_kind_limit) +
      ' of each kind shown, ' + fmt(n) + ' in all' : '') + ')' }));
    var svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'svg-chart', role: 'img',
      'aria-label': 'event strip' });
    var base = H - 38;
    svg.appendChild(svgEl('path', { class: 'axis', d: 'M' + L + ' ' + base + 'H' + (W - R) }));
    var et = epoch !== null ?
      dateTicks(epoch + t0, epoch + t1).map(function (t) { return { v: t.v - epoch, label: t.label }; }) :
      ticks(t0 / tu.div, t1 / tu.div, false).map(function (t) { return { v: t * tu.div, label: fmt(t) }; });
    et.forEach(function (t) {
      if (t.v < t0 - 1e-9 || t.v > t1 + 1e-9) return;
      svg.appendChild(svgEl('path', { class: 'grid', d: 'M' + fx(t.v) + ' ' + T + 'V' + base }));
      var end = fx(t.v) + textWidth(t.label, AXIS_FONT) / 2 > W - 2;
      svg.appendChild(svgEl('text', { x: end ? W - 2 : fx(t.v), y: base + 16,
        'text-anchor': end ? 'end' : 'middle', class: 'tick', text: t.label }));
    });
    /* The axis label sits on its own line below the tick labels, centred, so it never
     * overlaps the last year. */
    svg.appendChild(svgEl('text', { x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle', class: 'label',
      text: epoch !== null ? 'date (UTC)' : 'simulated time (' + tu.unit + ')' }));
    kinds.forEach(function (k, i) {
      svg.appendChild(svgEl('text', { x: L - 8, y: T + ROW * i + 15, 'text-anchor': 'end', class: 'tick', text: k }));
    });
    var readout = el('div', { class: 'legend', text: 'hover a marker for details' });
    for (var i = 0; i < n; i++) {
      var row = kinds.indexOf(ev.kind[i]);
      var x = fx(ev.time_s[i]), y = T + ROW * row + 11;
      var mark = svgEl('path', { class: 'marker', d: 'M' + x.toFixed(1) + ' ' + (y - 6) + 'l5 6l-5 6l-5 -6z',
        fill: colorOf(ev.kind[i]) });
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

  /* ---------- a sweep's page (`aifactory sweep -o DIR`: DIR/report.html) ---------- */

  /* A sweep's document (src/cli/sweep_html.c) holds percentiles per date for the fan
   * charts, each output's means at the low and high ends of each parameter for the tornado
   * charts, and the tables of outputs and runs. */
  var FAN_BANDS = [['p10', 'p90', 0.18], ['p25', 'p75', 0.36]];

  function unitOfMetric(name) {
    if (/_usd$/.test(name)) return 'USD';
    if (/_gw$/.test(name)) return 'GW';
    if (/_mwh$/.test(name)) return 'MWh';
    if (/^gpu_hours_/.test(name)) return 'GPU-h';
    if (/_flop$/.test(name)) return 'FLOP';
    return '';
  }

  function fanReadout(f, k, yf) {
    return ['p10', 'p25', 'p50', 'p75', 'p90'].map(function (p) {
      return p.toUpperCase() + ' ' + (f[p][k] === null ? '–' : yf(f[p][k]));
    }).join(' · ') + ' (' + f.runs[k] + ' runs)';
  }

  /* The built-in renderer of a fan chart: the P10-P90 and P25-P75 bands as filled areas
   * and the median as a line, on a date axis, with a read-out that follows the mouse. */
  function drawFanSvg(host, f) {
    var c = { unit: f.unit, title: f.title };
    var yf = yFmt(c);
    var W = 900, H = 320, R = 16, T = 12, B = 48;
    var n = f.x.length;
    var xlo = f.x[0], xhi = f.x[n - 1], ylo = 0, yhi = 0;
    ['p10', 'p90'].forEach(function (p) {
      f[p].forEach(function (v) { if (v !== null) { ylo = Math.min(ylo, v); yhi = Math.max(yhi, v); } });
    });
    if (!(xhi > xlo)) { xlo -= 15 * 86400; xhi += 15 * 86400; }
    if (!(yhi > ylo)) { yhi = ylo + 1; }
    var yt = ticks(ylo, yhi, false);
    var tw = 0;
    yt.forEach(function (t) { tw = Math.max(tw, textWidth(yf(t), AXIS_FONT)); });
    var L = Math.ceil(tw) + 36;
    var fx = function (v) { return L + (v - xlo) / (xhi - xlo) * (W - L - R); };
    var fy = function (v) { return T + (1 - (v - ylo) / (yhi - ylo)) * (H - T - B); };
    var svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'svg-chart', role: 'img',
      'aria-label': f.title });
    svg.appendChild(svgEl('path', { class: 'axis', d: 'M' + L + ' ' + T + 'V' + (H - B) + 'H' + (W - R) }));
    dateTicks(xlo, xhi).forEach(function (t) {
      svg.appendChild(svgEl('path', { class: 'grid', d: 'M' + fx(t.v) + ' ' + T + 'V' + (H - B) }));
      var end = fx(t.v) + textWidth(t.label, AXIS_FONT) / 2 > W - 2;
      svg.appendChild(svgEl('text', { x: end ? W - 2 : fx(t.v), y: H - B + 16,
        'text-anchor': end ? 'end' : 'middle', class: 'tick', text: t.label }));
    });
    yt.forEach(function (t) {
      svg.appendChild(svgEl('path', { class: 'grid', d: 'M' + L + ' ' + fy(t) + 'H' + (W - R) }));
      svg.appendChild(svgEl('text', { x: L - 6, y: fy(t) + 4, 'text-anchor': 'end', class: 'tick', text: yf(t) }));
    });
    svg.appendChild(svgEl('text', { x: (L + W - R) / 2, y: H - 8, 'text-anchor': 'middle',
      class: 'label', text: 'date (UTC)' }));
    svg.appendChild(svgEl('text', { x: 14, y: (T + H - B) / 2, 'text-anchor': 'middle', class: 'label',
      transform: 'rotate(-90 14 ' + (T + H - B) / 2 + ')', text: yLabel(c) }));
    var color = colorOf(f.name);
    FAN_BANDS.forEach(function (b) {
      var up = '', down = '';
      for (var k = 0; k < n; k++) {
        if (f[b[0]][k] === null || f[b[1]][k] === null) continue;
        up += (up ? 'L' : 'M') + fx(f.x[k]).toFixed(1) + ' ' + fy(f[b[1]][k]).toFixed(1);
        down = 'L' + fx(f.x[k]).toFixed(1) + ' ' + fy(f[b[0]][k]).toFixed(1) + down;
      }
      if (up) svg.appendChild(svgEl('path', { class: 'area band', fill: color, 'fill-opacity': String(b[2]), d: up + down + 'Z' }));
    });
    var d = '';
    for (var k = 0; k < n; k++) {
      if (f.p50[k] === null) continue;
      d += (d ? 'L' : 'M') + fx(f.x[k]).toFixed(1) + ' ' + fy(f.p50[k]).toFixed(1);
    }
    if (n === 1) d += 'h2';
    svg.appendChild(svgEl('path', { class: 'line', d: d, stroke: color }));
    var cursor = svgEl('path', { class: 'cursor', d: '' });
    svg.appendChild(cursor);
    host.appendChild(svg);
    var readout = el('div', { class: 'legend' }, [el('span', { class: 'item', text: 'median line, ' +
      'P25-P75 and P10-P90 bands across the runs; hover for the values' })]);
    host.appendChild(readout);
    svg.addEventListener('mousemove', function (ev) {
      var box = svg.getBoundingClientRect();
      var px = (ev.clientX - box.left) * W / box.width;
      if (px < L || px > W - R) return;
      var x = xlo + (px - L) / (W - L - R) * (xhi - xlo);
      var k = Math.max(0, Math.min(n - 1, lowerBound(f.x, x)));
      if (k > 0 && x - f.x[k - 1] < f.x[k] - x) k--;
      cursor.setAttribute('d', 'M' + fx(f.x[k]) + ' ' + T + 'V' + (H - B));
      readout.textContent = isoDate(f.x[k]) + ': ' + fanReadout(f, k, yf);
    });
  }

  /* The same with uPlot: five series, the bands filled between them. */
  function drawFanUplot(host, f, width) {
    var c = { unit: f.unit, title: f.title };
    var yf = yFmt(c);
    var color = colorOf(f.name);
    var font = AXIS_FONT;
    var val = function (u, v) { return v == null ? '–' : yf(v); };
    var series = [{ label: 'date (UTC)', value: function (u, v) { return v == null ? '–' : isoDate(v); } }];
    ['p10', 'p25', 'p50', 'p75', 'p90'].forEach(function (p) {
      series.push({ label: p.toUpperCase(), stroke: color, width: p === 'p50' ? 2 : 0.5,
        dash: p === 'p50' ? undefined : [3, 3], value: val, spanGaps: true });
    });
    var opts = {
      width: width, height: 300,
      scales: { x: { time: true } },
      tzDate: function (ts) { return window.uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      axes: [{ label: 'date (UTC)', font: font },
        { label: yLabel(c), font: font, labelFont: 'bold ' + font, size: axisSize(font),
          values: function (u, vals) { return vals.map(function (v) { return v == null ? '' : yf(v); }); } }],
      series: series,
      bands: [{ series: [5, 1], fill: color + '2e' }, { series: [4, 2], fill: color + '5c' }],
      legend: { live: true }
    };
    var u = new window.uPlot(opts, [f.x, f.p10, f.p25, f.p50, f.p75, f.p90], host);
    state.plots[f.id] = u;
  }

  function drawFan(parent, f, useUplot, width, okRuns) {
    state.charts++;
    var fig = el('figure', { class: 'chart fan', 'data-chart-id': f.id });
    /* Runs stored by an aifactory that kept no series have none: say how many are drawn. */
    var most = f.runs.reduce(function (a, n) { return Math.max(a, n); }, 0);
    fig.appendChild(el('figcaption', { text: f.title + ' · median, P25-P75 and P10-P90 across ' +
      (most < okRuns ? 'the ' + fmt(most) + ' of ' + fmt(okRuns) + ' successful runs that stored this series' :
        'the ' + fmt(okRuns) + ' successful runs') }));
    var host = el('div', { class: 'plot' });
    fig.appendChild(host);
    parent.appendChild(fig);
    if (useUplot) drawFanUplot(host, f, width);
    else drawFanSvg(host, f);
    fig.setAttribute('data-drawn', '1');
    state.drawn++;
  }

  /* One tornado: a bar per parameter from the output's mean over the runs at the
   * parameter's low end to its mean at the high end, around the mean of all runs; the
   * widest swing on top. */
  function drawTornado(parent, t, tail) {
    state.charts++;
    var unit = unitOfMetric(t.output);
    var c = { unit: unit, title: t.output };
    var yf = yFmt(c);
    var info = metricInfo({ name: t.output, unit: unit });
    var fig = el('figure', { class: 'chart tornado', 'data-chart-id': 'tornado-' + t.output,
      'data-output': t.output });
    fig.appendChild(el('figcaption', { text: info.name + (unit ? ' (' + unit + ')' : '') +
      ' · mean over the runs in the lowest and highest ' + Math.round(tail * 100) +
      '% of each parameter, around the mean of all ' + t.runs + ' runs' +
      (t.more ? ' · ' + t.more + ' parameters with smaller swings not shown' : '') }));
    var labels = t.bars.map(function (b) {
      return b.parameter.length > 52 ? '…' + b.parameter.slice(-51) : b.parameter;
    });
    var W = 900, ROW = 24, T = 8, B = 40, R = 70;
    var H = T + ROW * t.bars.length + B;
    var L = 16 + Math.ceil(labels.reduce(function (w, l) { return Math.max(w, textWidth(l, AXIS_FONT)); }, 0));
    var lo = t.mean, hi = t.mean;
    t.bars.forEach(function (b) {
      [b.low, b.high].forEach(function (v) { if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    });
    /* Swings below a millionth of the values read as none: pad the axis so it shows. */
    if (!(hi - lo > Math.abs(hi) * 1e-6)) { var pad = Math.abs(lo) * 0.01 || 1; lo -= pad; hi += pad; }
    var fx = function (v) { return L + (v - lo) / (hi - lo) * (W - L - R); };
    var svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'svg-chart', role: 'img',
      'aria-label': 'tornado chart of ' + t.output });
    var base = H - B + 4;
    ticks(lo, hi, false).forEach(function (v) {
      if (v < lo - 1e-9 * Math.abs(hi - lo) || v > hi + 1e-9 * Math.abs(hi - lo)) return;
      svg.appendChild(svgEl('path', { class: 'grid', d: 'M' + fx(v) + ' ' + T + 'V' + base }));
      var text = yf(v);
      var x = Math.min(Math.max(fx(v), L + textWidth(text, AXIS_FONT) / 2), W - 2 - textWidth(text, AXIS_FONT) / 2);
      svg.appendChild(svgEl('text', { x: x, y: base + 16, 'text-anchor': 'middle', class: 'tick', text: text }));
    });
    svg.appendChild(svgEl('path', { class: 'axis', d: 'M' + fx(t.mean) + ' ' + T + 'V' + base }));
    t.bars.forEach(function (b, i) {
      var y = T + ROW * i;
      svg.appendChild(svgEl('text', { x: L - 8, y: y + 16, 'text-anchor': 'end', class: 'tick', text: labels[i] }));
      var tip = b.parameter + ': low end (' + b.low_runs + ' runs) ' + yf(b.low) + ', high end (' +
        b.high_runs + ' runs) ' + yf(b.high) + ', Spearman ' + (b.rho === null ? '–' : b.rho.toFixed(2));
      [['low', '#0072B2'], ['high', '#D55E00']].forEach(function (e) {
        var v = b[e[0]];
        if (v === null) return;
        var x0 = Math.min(fx(t.mean), fx(v)), w = Math.abs(fx(v) - fx(t.mean));
        var rect = svgEl('rect', { class: 'bar bar-' + e[0], x: x0.toFixed(1), y: y + 4,
          width: Math.max(w, 1).toFixed(1), height: ROW - 8, fill: e[1] });
        rect.appendChild(svgEl('title', { text: tip }));
        svg.appendChild(rect);
      });
      svg.appendChild(svgEl('text', { x: W - R + 6, y: y + 16, 'text-anchor': 'start', class: 'tick',
        text: b.rho === null ? 'ρ –' : 'ρ ' + (b.rho >= 0 ? '+' : '−') + Math.abs(b.rho).toFixed(2) }));
    });
    svg.appendChild(svgEl('text', { x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle', class: 'label',
      text: 'blue: low end of the parameter · orange: high end · line: mean of all runs' }));
    fig.appendChild(svg);
    parent.appendChild(fig);
    fig.setAttribute('data-drawn', '1');
    state.drawn++;
  }

  function sweepPage(data, root, useUplot) {
    var sw = data.sweep;
    root.appendChild(el('p', { class: 'subtitle', text: 'sweep of ' + sw.scenario + ' · ' +
      sw.design + ' design · ' + fmt(sw.runs) + ' runs (' + fmt(sw.points) + ' points × ' +
      fmt(sw.replications) + ' replication' + (sw.replications === 1 ? '' : 's') + ') · ' +
      fmt(sw.runs - sw.failed) + ' ok, ' + fmt(sw.failed) + ' failed · seed ' + sw.seed +
      ' · sweep ' + sw.hash }));
    if (!useUplot) {
      root.appendChild(el('p', { class: 'notice', text: data.charts_library.inlined ?
        'Charts drawn with the built-in SVG renderer (requested).' :
        'Charts drawn with the built-in SVG renderer: the uPlot chart library was not available when this aifactory was built.' }));
    }
    if (sw.failed > 0) {
      root.appendChild(el('p', { class: 'warning', text: fmt(sw.failed) + ' of ' + fmt(sw.runs) +
        ' runs failed: the charts and percentiles are of the other ' + fmt(sw.runs - sw.failed) +
        '; their errors are in the table of runs.' }));
    }
    var width = Math.max(320, Math.min(1100, root.clientWidth || 1000) - 8);
    var fans = section('Key series across the runs', 'fans');
    if (data.fans.length) {
      data.fans.forEach(function (f) { drawFan(fans, f, useUplot, width, sw.runs - sw.failed); });
    } else {
      fans.appendChild(el('p', { text: 'No successful run stored its series.' }));
    }
    var torn = section('What moves each output (tornado charts)', 'tornado');
    if (data.tornado.length) {
      data.tornado.forEach(function (t) { drawTornado(torn, t, sw.tornado_tail); });
    } else {
      torn.appendChild(el('p', { text: 'No output varies across the successful runs.' }));
    }
    if (data.constant_outputs.length) {
      torn.appendChild(el('p', { class: 'subtitle', text: 'The same in every successful run (no tornado): ' +
        data.constant_outputs.join(', ') }));
    }
    var outs = section('Outputs', 'outputs');
    outs.appendChild(el('div', { class: 'table-wrap' }, [makeTable(data.outputs.columns, data.outputs.rows, 'outputs')]));
    var runs = section('Runs', 'runs');
    runs.appendChild(el('div', { class: 'table-wrap' }, [makeTable(data.runs.columns, data.runs.rows, 'runs')]));
    root.appendChild(el('footer', { text: 'aifactory sweep report · charts: ' +
      (useUplot ? 'uPlot ' + data.charts_library.uplot_version : 'built-in SVG') +
      ' · data: sweep.sqlite next to this page (every run\'s metrics and series)' }));
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
    if (data.sweep) { sweepPage(data, root, useUplot); return; }
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
      keyNumbers(keys, data.metrics, epoch);
    }

    if (data.charts.length) {
      var charts = section('Charts', 'charts');
      var width = Math.max(320, Math.min(1100, root.clientWidth || 1000) - 8);
      data.charts.forEach(function (c) {
        drawChart(charts, c, useUplot, width, run);
        var extra = derived(c);
        if (extra) { state.derived++; drawChart(charts, extra, useUplot, width, run); }
      });
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
