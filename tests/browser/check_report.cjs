/* Opens each report written by make_reports in headless chromium from file:// and checks
 * what a person would: no console errors and no network requests, every chart drew (ink on
 * its canvas, or non-empty SVG paths), the hover read-out and the table sorting respond,
 * and the key numbers on the page equal summary.json. At 1400 px, as issue 18 asks: axis
 * labels lie inside their chart, key numbers have human names, no table is wider than its
 * container, and a replay's busy GPUs never exceed its cluster. Saves a full-page
 * screenshot of each page as a test artifact. Usage: node check_report.cjs NODE_MODULES CHROMIUM OUTDIR */
'use strict';
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const [modules, executablePath, outDir] = process.argv.slice(2);
const { chromium } = require(path.join(modules, 'playwright-core'));

let passed = 0;
let failed = 0;

function check(ok, what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.log('FAIL: ' + what);
  }
}

async function checkPage(browser, dir, file) {
  const name = path.basename(dir) + '/' + file;
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  const remote = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (!/^(file|data|blob):/.test(r.url())) remote.push(r.url()); });
  await page.goto(pathToFileURL(path.join(dir, file)).href);
  await page.waitForFunction(() => window.aifReport && window.aifReport.charts > 0 &&
    window.aifReport.drawn === window.aifReport.charts, null, { timeout: 15000 })
    .catch(() => {});

  const info = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById('aif-data').textContent);
    const charts = Array.from(document.querySelectorAll('figure.chart')).map((fig) => {
      let ink = 0;
      fig.querySelectorAll('canvas').forEach((c) => {
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) ink++;
      });
      const paths = Array.from(fig.querySelectorAll('svg path.line, svg path.marker'))
        .filter((p) => (p.getAttribute('d') || '').length > 4).length;
      return { id: fig.getAttribute('data-chart-id'), ink, paths };
    });
    const metrics = Array.from(document.querySelectorAll('tr.metric')).map((m) => ({
      name: m.getAttribute('data-metric'),
      value: Number(m.getAttribute('data-value')),
      text: m.textContent,
    }));
    return {
      state: window.aifReport, charts, metrics, data,
      expectCharts: data.charts.length + window.aifReport.derived + (data.events.total > 0 ? 1 : 0),
    };
  });

  check(errors.length === 0, name + ': console errors: ' + errors.join(' | '));
  check(remote.length === 0, name + ': network requests: ' + remote.join(' '));
  const wantUplot = file === 'report.html' && info.data.charts_library.inlined;
  check(info.state.renderer === (wantUplot ? 'uplot' : 'svg'),
    name + ': renderer ' + info.state.renderer);
  check(info.charts.length === info.expectCharts && info.charts.length > 0,
    name + ': ' + info.charts.length + ' charts, expected ' + info.expectCharts);
  for (const c of info.charts) {
    check(c.ink > 200 || c.paths > 0, name + ': chart ' + c.id + ' drew nothing');
  }

  const want = summary.runs[0].metrics;
  check(info.metrics.length === Object.keys(want).length && info.metrics.length > 0,
    name + ': ' + info.metrics.length + ' key numbers shown');
  for (const m of info.metrics) {
    const s = want[m.name];
    const unitShown = s && (s.unit === 'USD' ? m.text.includes('$')
      : s.unit === 's since start' ? /\d{4}-\d{2}-\d{2}/.test(m.text) : m.text.includes(s.unit));
    check(s !== undefined && s.value === m.value && unitShown,
      name + ': key number ' + m.name + ' shows ' + m.value + ' vs summary ' +
      JSON.stringify(s));
  }

  /* Issue 18: what a reader at 1400 px sees. Folded sections are opened first so their
   * tables are laid out too. */
  const look = await page.evaluate(() => {
    const folded = Array.from(document.querySelectorAll('details:not([open])'));
    folded.forEach((d) => { d.open = true; });
    const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 &&
      a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
    const clipped = [];
    /* uPlot's axis labels are HTML: the text must lie inside the label's own box (which
     * clips it) and inside the chart. */
    document.querySelectorAll('.uplot .u-label').forEach((l) => {
      if (!l.textContent) return;
      const r = document.createRange();
      r.selectNodeContents(l);
      const t = r.getBoundingClientRect();
      const chart = l.closest('.uplot').getBoundingClientRect();
      const axis = l.parentElement.getBoundingClientRect();
      if (!inside(t, chart) || !inside(t, axis)) clipped.push(l.textContent);
    });
    /* SVG text, tick labels included: inside the drawing's viewBox. */
    document.querySelectorAll('svg.svg-chart').forEach((svg) => {
      const vb = svg.viewBox.baseVal;
      svg.querySelectorAll('text').forEach((t) => {
        const b = t.getBBox();
        const rot = !!t.getAttribute('transform');
        const w = rot ? b.height : b.width, h = rot ? b.width : b.height;
        const x = rot ? Number(t.getAttribute('x')) - w / 2 : b.x;
        const y = rot ? Number(t.getAttribute('y')) - h / 2 : b.y;
        if (x < vb.x - 0.5 || y < vb.y - 0.5 || x + w > vb.x + vb.width + 0.5 ||
            y + h > vb.y + vb.height + 0.5) clipped.push(t.textContent);
      });
    });
    const names = Array.from(document.querySelectorAll('.metric .metric-name'))
      .map((n) => n.textContent);
    const tiles = document.querySelectorAll('.metric.tile').length;
    const wide = Array.from(document.querySelectorAll('table')).filter((t) =>
      t.getBoundingClientRect().width > t.parentElement.clientWidth + 1 ||
      t.getBoundingClientRect().right > document.getElementById('report').getBoundingClientRect().right + 1)
      .map((t) => t.getAttribute('data-table-id') || t.className);
    const pageWide = document.documentElement.scrollWidth > 1400;
    folded.forEach((d) => { d.open = false; });
    return { clipped, names, tiles, wide, pageWide };
  });
  check(look.clipped.length === 0, name + ': clipped axis labels ' + JSON.stringify(look.clipped));
  check(look.names.length > 0 && look.names.every((n) => !/_/.test(n) && /^[A-Z0-9]/.test(n)),
    name + ': key numbers without human names ' +
    JSON.stringify(look.names.filter((n) => /_/.test(n) || !/^[A-Z0-9]/.test(n))));
  check(look.tiles > 0 && look.tiles <= 12, name + ': ' + look.tiles + ' headline tiles');
  check(look.wide.length === 0 && !look.pageWide,
    name + ': tables wider than the page ' + JSON.stringify(look.wide));
  if (info.data.run.kind === 'replay') {
    const p = info.data.params.rows.find((r) => r[0] === 'gpus');
    const gpus = p ? Number(p[1]) : NaN;
    let peak = 0;
    for (const c of info.data.charts) {
      for (const s of c.series) {
        if (/busy GPUs/.test(s.name)) peak = Math.max(peak, ...s.y);
      }
    }
    check(!(gpus > 0) || (peak > 0 && peak <= gpus + 1e-9),
      name + ': busy GPUs peak ' + peak + ' on a ' + gpus + '-GPU cluster');
  }

  /* A scenario run: the event strip with its contract kinds, time axes in calendar dates,
   * the training runs table, and the assumptions folded away. */
  if (info.data.run.kind === 'scenario') {
    const sc = await page.evaluate(() => ({
      strip: document.querySelectorAll('figure[data-chart-id="events"] path.marker').length,
      rows: Array.from(document.querySelectorAll('figure[data-chart-id="events"] text'))
        .map((t) => t.textContent),
      axis: Array.from(document.querySelectorAll('figure.chart'))
        .map((f) => f.textContent.includes('date (UTC)')),
      training: document.querySelectorAll('table[data-table-id="training-runs"] tbody tr').length,
      folded: !!document.querySelector('#assumptions details:not([open]) table'),
    }));
    const ev = info.data.events;
    check(sc.strip === ev.kind.length && sc.strip > 0, name + ': event strip markers ' + sc.strip);
    for (const k of new Set(ev.kind)) {
      check(sc.rows.includes(k), name + ': event strip row ' + k);
    }
    check(info.data.run.start_date === null || sc.axis.every((x) => x),
      name + ': every time axis in dates');
    const jobs = info.data.tables.find((t) => t.id === 'training-runs');
    check(!jobs || sc.training === jobs.rows.length, name + ': training runs table');
    check(sc.folded, name + ': assumptions in a collapsed table');
  }

  /* Issue 18: served as a share of demanded on its own right-hand 0-100 % axis, with whole
   * labels that lie inside the chart. uPlot draws axis text on its canvas, so each label's
   * box is rebuilt from uPlot's layout (axis position, tick size, gap) and the text's
   * measured width in the axis font. */
  if (info.data.charts.some((c) => /demand vs served/i.test(c.title))) {
    const pct = await page.evaluate((uplot) => {
      const out = { labels: [], outside: [], values: [], found: false };
      if (!uplot) {
        const svg = Array.from(document.querySelectorAll('figure.chart svg')).find((g) =>
          /demand vs served/i.test(g.getAttribute('aria-label')));
        if (!svg) return out;
        out.found = Array.from(svg.querySelectorAll('text.label'))
          .some((t) => /served share of demand \(%\)/.test(t.textContent));
        out.labels = Array.from(svg.querySelectorAll('text.percent')).map((t) => t.textContent);
        return out;
      }
      const fig = Array.from(document.querySelectorAll('figure.chart')).find((f) =>
        /demand vs served/i.test(f.querySelector('figcaption').textContent));
      const u = window.aifReport.plots[fig.getAttribute('data-chart-id')];
      const ai = u.axes.findIndex((a) => a.scale === '%' && a.side === 1);
      if (ai < 0) return out;
      out.found = true;
      const a = u.axes[ai];
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = a.font[0];
      const px = a.font[1];
      const top = u.bbox.top / devicePixelRatio;
      const x0 = a._pos + a.ticks.size + a.gap;
      a._splits.forEach((v, k) => {
        const text = String(a._values[k]);
        out.labels.push(text);
        const y = top + u.valToPos(v, '%');
        const w = ctx.measureText(text).width;
        if (x0 < 0 || x0 + w > u.width + 0.5 || y - px / 2 < -0.5 || y + px / 2 > u.height + 0.5) {
          out.outside.push(text);
        }
      });
      /* The rotated axis title: its height across, its width along the plot. */
      ctx.font = a.labelFont[0];
      const lw = ctx.measureText(a.label).width;
      const lx = a._lpos + a.labelGap;
      const mid = top + u.bbox.height / devicePixelRatio / 2;
      if (lx + a.labelFont[1] > u.width + 0.5 || mid - lw / 2 < 0 || mid + lw / 2 > u.height) {
        out.outside.push(a.label);
      }
      const si = u.series.findIndex((s) => s.scale === '%');
      out.values = si < 0 ? [] : u.data[si].filter((v) => v !== null && v !== undefined);
      return out;
    }, wantUplot);
    check(pct.found, name + ': no served-share axis on the demand chart');
    check(pct.labels.length >= 3 && pct.labels.every((t) => /^\d+%$/.test(t) &&
      Number(t.slice(0, -1)) >= 0 && Number(t.slice(0, -1)) <= 100),
    name + ': served-share axis labels ' + JSON.stringify(pct.labels));
    check(pct.outside.length === 0, name + ': served-share labels clipped ' +
      JSON.stringify(pct.outside));
    check(!wantUplot || (pct.values.length > 0 && pct.values.every((v) => v >= 0 && v <= 100)),
      name + ': served share outside 0-100 %: ' +
      JSON.stringify(pct.values.filter((v) => !(v >= 0 && v <= 100)).slice(0, 5)));
  }

  /* Issue 18: a long run's chart drawn as means shows the finest recorded points when
   * zoomed (a mouse drag across about a week) and the means again when zoomed out (double
   * click). The four-year fixture records hourly: at least 23 points a day in view. */
  const zoomable = wantUplot ? await page.evaluate(() =>
    Array.from(document.querySelectorAll('figure.chart[data-detail]'))
      .map((f) => f.getAttribute('data-chart-id'))) : [];
  if (path.basename(dir) === 'long') {
    check(zoomable.length > 0 || !wantUplot, name + ': no zoomable chart');
  }
  if (zoomable.length > 0 && path.basename(dir) === 'long') {
    const id = zoomable[0];
    const fig = page.locator('figure.chart[data-chart-id="' + id + '"]');
    await fig.scrollIntoViewIfNeeded();
    const before = await page.evaluate((id) => {
      const u = window.aifReport.plots[id];
      const min = u.scales.x.min, max = u.scales.x.max;
      const a = min + (max - min) * 0.4;
      return { n: u.data[0].length, min, max, a, b: a + 7 * 86400,
        pa: u.valToPos(a, 'x'), pb: u.valToPos(a + 7 * 86400, 'x') };
    }, id);
    const over = await fig.locator('.u-over').boundingBox();
    const y = over.y + over.height / 2;
    await page.mouse.move(over.x + before.pa, y);
    await page.mouse.down();
    await page.mouse.move(over.x + (before.pa + before.pb) / 2, y, { steps: 4 });
    await page.mouse.move(over.x + before.pb, y, { steps: 4 });
    await page.mouse.up();
    const detailed = (want) => page.waitForFunction(([id, want]) =>
      document.querySelector('figure.chart[data-chart-id="' + id + '"]')
        .getAttribute('data-detail') === want && window.aifReport.zooming === 0,
    [id, want], { timeout: 5000 }).then(() => true).catch(() => false);
    const zoomedIn = await detailed('fine');
    const inView = await page.evaluate((id) => {
      const u = window.aifReport.plots[id];
      const min = u.scales.x.min, max = u.scales.x.max;
      const si = u.series.findIndex((s) => s.scale === '%');
      const shown = [];
      const share = [];
      u.data[0].forEach((x, k) => {
        if (x >= min && x <= max) {
          shown.push(x);
          if (si > 0 && u.data[si][k] !== null) share.push(u.data[si][k]);
        }
      });
      return { days: (max - min) / 86400, points: shown.length, share,
        caption: document.querySelector('figure.chart[data-chart-id="' + id + '"] figcaption').textContent };
    }, id);
    check(zoomedIn && inView.days > 5 && inView.days < 9 && inView.points >= 23 * inView.days,
      name + ': zoomed to ' + inView.days.toFixed(2) + ' days, ' + inView.points +
      ' points in view (hourly wanted); detail shown: ' + zoomedIn);
    check(/hourly|every recorded point/.test(inView.caption),
      name + ': zoomed caption ' + JSON.stringify(inView.caption));
    check(inView.share.length > 0 && inView.share.every((v) => v >= 0 && v <= 100) &&
      Math.min(...inView.share) < 90,
    name + ': hourly served share ' + JSON.stringify(inView.share.slice(0, 30)));
    await page.mouse.dblclick(over.x + over.width / 2, y);
    const zoomedOut = await detailed('means');
    const after = await page.evaluate((id) => {
      const u = window.aifReport.plots[id];
      return { n: u.data[0].length, min: u.scales.x.min, max: u.scales.x.max };
    }, id);
    check(zoomedOut && after.n === before.n && after.min <= before.min + 1 &&
      after.max >= before.max - 1,
    name + ': zoomed out to ' + JSON.stringify(after) + ' from ' + JSON.stringify(before));
  }

  /* Hover the middle of the first chart: its legend must show a value. */
  const plot = wantUplot ? '.u-over' : 'figure.chart svg';
  /* Scroll first: a tall header can push the chart below the viewport, where the mouse
   * cannot reach it. */
  await page.locator(plot).first().scrollIntoViewIfNeeded();
  const box = await page.locator(plot).first().boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const readout = await page.evaluate((uplot) => {
    const sel = uplot ? '.u-legend .u-value' : 'figure.chart .legend .value';
    return Array.from(document.querySelectorAll(sel)).slice(0, 2).map((e) => e.textContent);
  }, wantUplot);
  check(readout.length > 0 && readout.every((t) => t && t !== '–' && t !== '--'),
    name + ': hover read-out ' + JSON.stringify(readout));

  /* Sorting: the first column header toggles ascending, then descending. */
  const th = page.locator('table.sortable th:visible').first();
  await th.click({ timeout: 5000 });
  const s1 = await th.getAttribute('aria-sort');
  await th.click({ timeout: 5000 });
  const s2 = await th.getAttribute('aria-sort');
  check(s1 === 'ascending' && s2 === 'descending', name + ': sorting ' + s1 + ' ' + s2);

  await page.screenshot({ path: path.join(dir, file.replace('.html', '.png')), fullPage: true });
  await page.close();
}

/* A comparison's page (`aifactory compare -o`): no summary.json and no key-number tiles;
 * instead every chart holds both runs' series, B's dashed in the colour of A's, and the
 * key outputs are a table. */
async function checkComparePage(browser, dir, file) {
  const name = path.basename(dir) + '/' + file;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  const remote = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (!/^(file|data|blob):/.test(r.url())) remote.push(r.url()); });
  await page.goto(pathToFileURL(path.join(dir, file)).href);
  await page.waitForFunction(() => window.aifReport && window.aifReport.charts > 0 &&
    window.aifReport.drawn === window.aifReport.charts, null, { timeout: 15000 })
    .catch(() => {});
  const info = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById('aif-data').textContent);
    const charts = Array.from(document.querySelectorAll('figure.chart')).map((fig) => {
      let ink = 0;
      fig.querySelectorAll('canvas').forEach((c) => {
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) ink++;
      });
      const paths = Array.from(fig.querySelectorAll('svg path.line, svg path.marker'))
        .filter((p) => (p.getAttribute('d') || '').length > 4).length;
      return { id: fig.getAttribute('data-chart-id'), ink, paths };
    });
    /* uPlot's series options: B's dashed, A's not, the pair in one colour. */
    const pairs = [];
    Object.keys(window.aifReport.plots).forEach((id) => {
      const ss = window.aifReport.plots[id].series.slice(1);
      ss.filter((s) => /^A · /.test(s.label)).forEach((a) => {
        const b = ss.find((s) => s.label === a.label.replace(/^A /, 'B '));
        if (b) pairs.push({ a: !!a.dash, b: !!b.dash, same: a._stroke === b._stroke });
      });
    });
    const outputs = document.querySelectorAll('table[data-table-id="compare-outputs"] tbody tr');
    return { state: window.aifReport, charts, data, pairs, outputs: outputs.length };
  });
  check(errors.length === 0, name + ': console errors: ' + errors.join(' | '));
  check(remote.length === 0, name + ': network requests: ' + remote.join(' '));
  const want = info.data.charts.length + (info.data.events.total > 0 ? 1 : 0);
  check(info.charts.length === want && info.charts.length > 1,
    name + ': ' + info.charts.length + ' charts, expected ' + want);
  for (const c of info.charts) {
    check(c.ink > 200 || c.paths > 0, name + ': chart ' + c.id + ' drew nothing');
  }
  for (const c of info.data.charts) {
    check(/^A vs B: /.test(c.title) && c.series.some((s) => /^A · /.test(s.name)) &&
      c.series.some((s) => /^B · /.test(s.name)), name + ': chart ' + c.title + ' has A and B');
  }
  if (info.state.renderer === 'uplot') {
    check(info.pairs.length > 0 && info.pairs.every((p) => !p.a && p.b && p.same),
      name + ': B dashed in A\'s colour ' + JSON.stringify(info.pairs.slice(0, 3)));
  }
  const rows = info.data.tables.find((t) => t.id === 'compare-outputs').rows.length;
  check(info.outputs === rows && rows > 0, name + ': ' + info.outputs + ' output rows of ' + rows);
  await page.screenshot({ path: path.join(dir, file.replace('.html', '.png')), fullPage: true });
  await page.close();
}

(async () => {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  try {
    /* Synthetic fixtures in both renderers, then the real runs of the built binary. */
    for (const run of ['scenario', 'replay', 'long', 'run', 'real-replay', 'las-replay']) {
      for (const file of ['report.html', 'report-svg.html']) {
        if (fs.existsSync(path.join(outDir, run, file))) {
          await checkPage(browser, path.join(outDir, run), file);
        }
      }
    }
    if (fs.existsSync(path.join(outDir, 'compare', 'report.html'))) {
      await checkComparePage(browser, path.join(outDir, 'compare'), 'report.html');
    }
  } finally {
    await browser.close();
  }
  console.log('screenshots: ' + outDir + '/{scenario,replay,long,run,real-replay,las-replay,compare}/*.png');
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exit(failed === 0 ? 0 : 1);
})().catch((e) => {
  console.log('FAIL: ' + (e && e.stack ? e.stack : e));
  console.log(passed + ' passed, ' + (failed + 1) + ' failed');
  process.exit(1);
});
