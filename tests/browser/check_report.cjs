/* Opens each report written by make_reports in headless chromium from file:// and checks
 * what a person would: no console errors and no network requests, every chart drew (ink on
 * its canvas, or non-empty SVG paths), the hover read-out and the table sorting respond,
 * and the key numbers on the page equal summary.json. Saves a full-page screenshot of each
 * page as a test artifact. Usage: node check_report.cjs NODE_MODULES CHROMIUM OUTDIR */
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
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
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
    const metrics = Array.from(document.querySelectorAll('.metric')).map((m) => ({
      name: m.getAttribute('data-metric'),
      value: Number(m.getAttribute('data-value')),
      text: m.textContent,
    }));
    return {
      state: window.aifReport, charts, metrics, data,
      expectCharts: data.charts.length + (data.events.total > 0 ? 1 : 0),
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

(async () => {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  try {
    /* Synthetic fixtures in both renderers, then the real runs of the built binary. */
    for (const run of ['scenario', 'replay', 'run', 'real-replay']) {
      for (const file of ['report.html', 'report-svg.html']) {
        if (fs.existsSync(path.join(outDir, run, file))) {
          await checkPage(browser, path.join(outDir, run), file);
        }
      }
    }
  } finally {
    await browser.close();
  }
  console.log('screenshots: ' + outDir + '/{scenario,replay,run,real-replay}/*.png');
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exit(failed === 0 ? 0 : 1);
})().catch((e) => {
  console.log('FAIL: ' + (e && e.stack ? e.stack : e));
  console.log(passed + ' passed, ' + (failed + 1) + ' failed');
  process.exit(1);
});
