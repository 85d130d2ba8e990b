/* Opens each sweep's report.html written by run_sweep_browser_test.sh in headless chromium
 * from file:// and checks what a reader would: no console errors and no network requests;
 * every fan chart drew (ink on its canvas, or SVG paths) with ordered bands; every tornado
 * drew one bar pair per parameter listed, widest swing on top; the table of runs holds
 * every run, failed ones with their error; hovering a fan chart reads out its values; the
 * table sorts. Saves a full-page screenshot next to each page.
 * Usage: node check_sweep_report.cjs NODE_MODULES CHROMIUM OUTDIR */
'use strict';
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const [modules, executablePath, outDir] = process.argv.slice(2);
const { chromium } = require(path.join(modules, 'playwright-core'));

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) passed++;
  else { failed++; console.log('FAIL: ' + what); }
}

async function checkPage(browser, dir, file, expect) {
  const name = dir + '/' + file;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  const remote = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (!/^(file|data|blob):/.test(r.url())) remote.push(r.url()); });
  await page.goto(pathToFileURL(path.join(outDir, dir, file)).href);
  await page.waitForFunction(() => window.aifReport && window.aifReport.drawn === window.aifReport.charts,
    null, { timeout: 15000 }).catch(() => {});
  const info = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById('aif-data').textContent);
    const figs = Array.from(document.querySelectorAll('figure.chart')).map((fig) => {
      let ink = 0;
      fig.querySelectorAll('canvas').forEach((c) => {
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) ink++;
      });
      return {
        id: fig.getAttribute('data-chart-id'),
        fan: fig.classList.contains('fan'),
        ink,
        lines: Array.from(fig.querySelectorAll('svg path.line')).filter((p) => (p.getAttribute('d') || '').length > 4).length,
        bands: fig.querySelectorAll('svg path.band').length,
        low: fig.querySelectorAll('rect.bar-low').length,
        high: fig.querySelectorAll('rect.bar-high').length,
        labels: Array.from(fig.querySelectorAll('svg text.tick')).map((t) => t.textContent),
      };
    });
    const runsTable = document.querySelector('table[data-table-id="runs"]');
    const rows = Array.from(runsTable.tBodies[0].rows).map((r) => Array.from(r.cells).map((c) => c.textContent));
    const cols = Array.from(runsTable.tHead.rows[0].cells).map((c) => c.textContent);
    return { state: window.aifReport, data, figs, rows, cols };
  });
  const d = info.data;
  check(errors.length === 0, name + ': console errors: ' + errors.join(' | '));
  check(remote.length === 0, name + ': network requests: ' + remote.join(' '));
  const wantUplot = file === 'report.html' && d.charts_library.inlined;
  check(info.state.renderer === (wantUplot ? 'uplot' : 'svg'), name + ': renderer ' + info.state.renderer);
  check(info.figs.length === d.fans.length + d.tornado.length,
    name + ': ' + info.figs.length + ' charts, expected ' + (d.fans.length + d.tornado.length));
  check(d.fans.length === expect.fans, name + ': ' + d.fans.length + ' fan charts, expected ' + expect.fans);
  for (const f of info.figs.filter((x) => x.fan)) {
    check(f.ink > 200 || (f.lines > 0 && f.bands === 2), name + ': fan chart ' + f.id + ' drew nothing');
  }
  for (const f of d.fans) {
    let ordered = true;
    f.x.forEach((_, k) => {
      const v = ['p10', 'p25', 'p50', 'p75', 'p90'].map((p) => f[p][k]);
      for (let j = 1; j < 5; j++) if (v[j] < v[j - 1]) ordered = false;
    });
    check(ordered && f.x.length > 0, name + ': fan ' + f.id + ' bands out of order');
    check(f.runs.every((n) => n === d.sweep.runs - d.sweep.failed),
      name + ': fan ' + f.id + ' counts ' + JSON.stringify(f.runs));
  }
  for (const t of d.tornado) {
    const fig = info.figs.find((x) => x.id === 'tornado-' + t.output);
    const drawn = t.bars.filter((b) => b.low !== null).length;
    check(fig && fig.low === drawn && fig.high === drawn,
      name + ': tornado ' + t.output + ' drew ' + (fig ? fig.low + '/' + fig.high : 'nothing') +
      ' bars for ' + drawn);
    for (let j = 1; j < t.bars.length; j++) {
      check(Math.abs(t.bars[j].high - t.bars[j].low) <= Math.abs(t.bars[j - 1].high - t.bars[j - 1].low),
        name + ': tornado ' + t.output + ' not sorted by swing');
    }
  }
  check(info.rows.length === d.sweep.runs, name + ': ' + info.rows.length + ' rows in the table of runs');
  const status = info.cols.indexOf('status'), error = info.cols.indexOf('error');
  const failedRows = info.rows.filter((r) => r[status] === 'failed');
  check(failedRows.length === d.sweep.failed && failedRows.length === expect.failed,
    name + ': ' + failedRows.length + ' failed rows, expected ' + expect.failed);
  check(failedRows.every((r) => /error/.test(r[error])), name + ': a failed run without its error');
  if (expect.top) {
    const t = d.tornado.find((x) => x.output === expect.top[0]);
    check(t && t.bars[0].parameter === expect.top[1],
      name + ': ' + expect.top[0] + ' most moved by ' + (t && t.bars[0].parameter));
  }
  /* Hover the first fan chart: its read-out changes (uPlot's legend or ours). */
  const fan = await page.$('figure.fan .plot');
  if (fan) {
    const before = await page.$eval('figure.fan', (f) => f.querySelector('.legend, .u-legend').textContent);
    const box = await fan.boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
    await page.waitForTimeout(100);
    const after = await page.$eval('figure.fan', (f) => f.querySelector('.legend, .u-legend').textContent);
    check(before !== after, name + ': hovering the fan chart changed nothing');
  }
  /* Sorting the runs by run index, descending after two clicks. */
  const th = await page.$('table[data-table-id="runs"] th');
  await th.click();
  await th.click();
  const first = await page.$eval('table[data-table-id="runs"] tbody tr td', (c) => c.textContent);
  check(first === String(d.sweep.runs - 1), name + ': sorting the runs gave ' + first + ' first');
  await page.screenshot({ path: path.join(outDir, dir, file.replace(/\.html$/, '.png')), fullPage: true });
  await page.close();
}

(async () => {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  const pages = [
    ['grid', 'report.html', { fans: 6, failed: 0, top: ['power_usd', 'economics.power_price'] }],
    ['grid', 'report-svg.html', { fans: 6, failed: 0, top: ['power_usd', 'economics.power_price'] }],
    ['failing', 'report.html', { fans: 6, failed: 2 }],
    ['one', 'report.html', { fans: 6, failed: 0 }],
    ['random', 'report.html', { fans: 6, failed: 0 }],
    ['ranges', 'report.html', { fans: 6, failed: 0, top: ['capex_usd', 'catalog.systems.gb200-nvl72.price_usd'] }],
    ['resumed', 'report.html', { fans: 6, failed: 0 }],
  ];
  for (const [dir, file, expect] of pages) {
    await checkPage(browser, dir, file, expect);
  }
  await browser.close();
  console.log('sweep report browser checks: ' + passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
