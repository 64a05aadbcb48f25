// browser.mjs BASE OUTDIR QUERY SURVEYS NET_TOTAL — the dashboard in headless Chromium (Debian's, through playwright-core):
// opens the KPI page, the monthly trend and the comparison (the fixture's table, both comparisons with the
// difference-in-differences) at 1,366 and 1,920 px, saves full-page screenshots to OUTDIR, and checks
// that nothing is wider than the window (no horizontal scrolling, no table cut) and that every cell of
// the comparison table equals the JSON API's; the surveys page (2018: discovery.sh's fixture) shows the
// surveys and the safety net's teams with the numbers of /api/surveys and /api/safety-net, those equal
// the fixture's (SURVEYS: the rows' values, NET_TOTAL), and it links to both APIs for its selection.
// Exits 1 naming the first failure.
import { chromium } from 'playwright-core';

const [base, outdir, query, surveysWant, netWant] = process.argv.slice(2);
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const api = await (await fetch(`${base}/api/kpi-table?${query}`)).json();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const pages = [
  ['dashboard', '/dashboard?from=2016-04-01&to=2016-10-31'],
  ['compare', `/dashboard/compare?${query}`],
  ['compare-error', `/dashboard/compare?${query}&dongs=9999999999`],
  ['trend', '/dashboard/trend?from=2016-01-01&to=2016-12-31'],
  // dongs ticked by name and a quarter preset; the form shows what the table used
  ['compare-picker', '/dashboard/compare?compare=treated&year=2016&part=q2&d_8000000001=1&d_8000000003=1'],
  // a bad period on the KPI page: the error keeps the form (dates, ticked dong)
  ['dashboard-error', '/dashboard?from=2016-10-31&to=2016-04-01&d_8000000002=1'],
  ['funnel', '/dashboard/funnel?year=2017&part=year'],
  ['surveys', '/dashboard/surveys?year=2018&part=year'],
  // two dongs ticked: the second survey counts only its listed household in 미시행1동
  ['surveys-dongs', '/dashboard/surveys?from=2018-01-01&to=2018-12-31&d_8000000001=1&d_8000000003=1'],
];
const funnelApi = await (await fetch(`${base}/api/funnel?from=2017-01-01&to=2017-12-31`)).json();
const discoveryQueries = {
  surveys: 'from=2018-01-01&to=2018-12-31',
  'surveys-dongs': 'dongs=8000000001,8000000003&from=2018-01-01&to=2018-12-31',
};
const discoveryApi = {};
for (const [name, q] of Object.entries(discoveryQueries))
  discoveryApi[name] = {
    surveys: await (await fetch(`${base}/api/surveys?${q}`)).json(),
    net: await (await fetch(`${base}/api/safety-net?${q}`)).json(),
    query: q,
  };
// The API is what the fixture recorded (the page is then checked against the API).
check(JSON.stringify(discoveryApi.surveys.surveys.surveys.map((s) => s.values)) === surveysWant,
      `/api/surveys: ${JSON.stringify(discoveryApi.surveys.surveys.surveys.map((s) => s.values))} != fixture ${surveysWant}`);
check(JSON.stringify(discoveryApi.surveys.net.total) === netWant,
      `/api/safety-net total ${JSON.stringify(discoveryApi.surveys.net.total)} != fixture ${netWant}`);
const cellsOf = () => (trs) => trs.map((tr) => [...tr.querySelectorAll('td[data-col]')].map((td) => td.textContent.replace(/,/g, '')));
const status = (name) => (name.endsWith('-error') ? 400 : 200);
for (const width of [1366, 1920]) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'ko-KR' });
  const page = await context.newPage();
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) external.push(r.url()); });
  for (const [name, path] of pages) {
    const resp = await page.goto(base + path);
    check(resp.status() === status(name), `${name}@${width}: HTTP ${resp.status()}`);
    const m = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
      tables: [...document.querySelectorAll('table')].map((t) => t.getBoundingClientRect().right),
    }));
    check(m.scroll <= m.inner, `${name}@${width}: page ${m.scroll} px wide in a ${m.inner} px window`);
    for (const right of m.tables)
      check(right <= m.inner, `${name}@${width}: a table ends at ${Math.round(right)} px, past ${m.inner}`);
    await page.screenshot({ path: `${outdir}/${name}-${width}.png`, fullPage: true });
    if (name === 'compare') {
      const rows = await page.$$eval('#kpi-table tbody tr:not(.pct)', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
      check(rows.length === api.rows.length, `compare@${width}: ${rows.length} rows, API ${api.rows.length}`);
      api.rows.forEach((r, i) => {
        const got = rows[i] ? rows[i].slice(1) : [];
        check(JSON.stringify(got) === JSON.stringify(r.cells),
              `compare@${width}: ${r.label_ko} ${JSON.stringify(got)} != API ${JSON.stringify(r.cells)}`);
      });
    }
    if (name === 'trend') {
      const charts = await page.$$eval('figure svg', (svgs) => svgs.map((s) => s.querySelectorAll('rect').length));
      check(charts.length === 7 && charts.every((n) => n === 12), `trend@${width}: charts ${JSON.stringify(charts)}`);
      // The fixture's resources: 300,000 (May) and 200,000 (June) in T1, 50,000 in T2 (July) ...
      const may = await page.$$eval('figure:last-of-type g title', (ts) => ts.map((t) => t.textContent)[4]);
      check(may === '2016-05: 1 (300,000)', `trend@${width}: May's resources ${may}`);
    }
    if (name === 'compare') { // after a query the dong codes field shows the dongs compared
      const shown = await page.inputValue('input[name=dongs]');
      const used = [...api.treated_dong_codes, ...api.untreated_dong_codes].join(',');
      check(shown === used, `compare@${width}: the dong codes field shows "${shown}", the table used ${used}`);
    }
    if (name === 'compare-picker') {
      const got = await page.evaluate(() => ({
        from: document.querySelector('input[name=from]').value,
        to: document.querySelector('input[name=to]').value,
        dongs: document.querySelector('input[name=dongs]').value,
        ticked: [...document.querySelectorAll('fieldset.dongs input:checked')].map((i) => i.name),
        hubs: [...document.querySelectorAll('fieldset.dongs div.hub')].map((d) =>
          [...d.querySelectorAll('label')].map((l) => l.textContent.split(' ')[0])),
        rows: document.querySelectorAll('#kpi-table tbody tr:not(.pct)').length,
      }));
      check(got.from === '2016-04-01' && got.to === '2016-06-30', `compare-picker@${width}: Q2 2016 gave ${got.from}..${got.to}`);
      check(got.dongs === '8000000001,8000000003', `compare-picker@${width}: dong codes field "${got.dongs}"`);
      check(JSON.stringify(got.ticked) === '["d_8000000001","d_8000000003"]', `compare-picker@${width}: ticked ${got.ticked}`);
      // grouped by hub: 시행1동's hub serves the sphere-type 미시행2동 (linked from 2016-10-01)
      check(got.hubs.some((h) => h[0] === '시행1동' && h.includes('미시행2동')), `compare-picker@${width}: hubs ${JSON.stringify(got.hubs)}`);
      check(got.rows === 3, `compare-picker@${width}: ${got.rows} rows`);
    }
    if (name === 'funnel') { // a row per channel and the total, the numbers of /api/funnel
      const rows = await page.$$eval('#funnel tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td[data-col]')].map((td) => td.firstChild.textContent.replace(/,/g, ''))));
      const want = [...funnelApi.channels.map((c) => c.values), funnelApi.total].map((v) => v.map(String));
      check(JSON.stringify(rows) === JSON.stringify(want), `funnel@${width}: ${JSON.stringify(rows)} != API ${JSON.stringify(want)}`);
      check(rows.length >= 7, `funnel@${width}: ${rows.length} rows (six channels and the total at least)`);
    }
    if (name in discoveryApi) { // every number of the surveys and teams tables is the API's, in its order
      const a = discoveryApi[name];
      const surveys = await page.$$eval('#surveys tbody tr', cellsOf());
      const wantS = [...a.surveys.surveys.map((s) => s.values), a.surveys.total].map((v) => v.map(String));
      check(JSON.stringify(surveys) === JSON.stringify(wantS), `${name}@${width}: surveys ${JSON.stringify(surveys)} != API ${JSON.stringify(wantS)}`);
      const names = await page.$$eval('#surveys tbody tr td.d', (tds) => tds.map((td) => td.firstChild.textContent));
      check(JSON.stringify(names.slice(0, -1)) === JSON.stringify(a.surveys.surveys.map((s) => s.name)), `${name}@${width}: survey names ${names}`);
      const teams = await page.$$eval('#teams tbody tr', cellsOf());
      const wantT = [...a.net.teams.map((t) => t.values), a.net.total].map((v) => v.map(String));
      check(JSON.stringify(teams) === JSON.stringify(wantT), `${name}@${width}: teams ${JSON.stringify(teams)} != API ${JSON.stringify(wantT)}`);
      const links = await page.$$eval('nav.api a', (as) => as.map((x) => x.getAttribute('href')));
      const wantL = [`/api/surveys?${a.query}`, `/api/safety-net?${a.query}`];
      check(JSON.stringify(links) === JSON.stringify(wantL), `${name}@${width}: API links ${JSON.stringify(links)} != ${JSON.stringify(wantL)}`);
    }
    if (name === 'dashboard-error') {
      const kept = await page.evaluate(() => [document.querySelector('input[name=from]').value,
        document.querySelector('input[name=to]').value,
        [...document.querySelectorAll('fieldset.dongs input:checked')].map((i) => i.name).join()]);
      check(JSON.stringify(kept) === '["2016-10-31","2016-04-01","d_8000000002"]', `dashboard-error@${width}: the form kept ${kept}`);
    }
    if (name === 'compare-error') {
      const kept = await page.inputValue('input[name=dongs]');
      check(kept === '9999999999', `compare-error@${width}: the form lost the dongs (${kept})`);
    }
  }
  check(external.length === 0, `${width}: requests outside the dashboard: ${external.join(' ')}`);
  await context.close();
}
await browser.close();
if (failures.length) {
  console.log('browser test FAILED:\n  ' + failures.join('\n  '));
  process.exit(1);
}
console.log(`browser test: ${pages.length} pages at 1366 and 1920 px fit the window; the comparison, the funnel and the surveys page equal the API, the API the fixture`);
