// Browser test of the web dashboard against a running system (api-service with the dashboard, auth-service, the
// Spotify emulator). Run by DashboardBrowserTest, or by hand:
//   DASHBOARD_URL=http://127.0.0.1:8080 USER_ID=typical-1-1 PLAYWRIGHT_HOME=<dir with node_modules> \
//   SCREENSHOTS=/tmp/shots node dashboard.spec.mjs
// Environment: DASHBOARD_URL, USER_ID (synthetic user to sign in as), PLAYWRIGHT_HOME, SCREENSHOTS, optional
// EMULATOR_URL (then an extended streaming history of the user's plays IMPORT_DAYS (default 30) days before the
// last 7 days is made from the emulator's ground truth and uploaded), CHROMIUM (default /usr/bin/chromium),
// EXPECT_ADMIN=true when the user has the admin role; optional BULK_USER and BULK_TOKEN (a member with many plays and
// their API token: a cold first visit of their home page is timed), ADMIN_USER (a user with the admin role: the admin
// page is checked signed in as them) and WAITLIST_EMAIL (a confirmed waitlist entry the admin admits). Prints one
// line per check; exits 1 on the first failure.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const base = env('DASHBOARD_URL').replace(/\/$/, '');
const userId = env('USER_ID');
const shots = env('SCREENSHOTS');
const emulator = (process.env.EMULATOR_URL || '').replace(/\/$/, '');
const importDays = Number(process.env.IMPORT_DAYS || 30);
const expectAdmin = process.env.EXPECT_ADMIN === 'true';
const bulkUser = process.env.BULK_USER || '';
const bulkToken = process.env.BULK_TOKEN || '';
const bulkSeeded = Number(process.env.BULK_SEEDED || 0);
const adminUser = process.env.ADMIN_USER || '';
const waitlistEmail = process.env.WAITLIST_EMAIL || '';
const requireTool = createRequire(path.join(env('PLAYWRIGHT_HOME'), 'noop.js'));
const { chromium } = requireTool('playwright-core');
const axeSource = readFileSync(requireTool.resolve('axe-core/axe.min.js'), 'utf8');
mkdirSync(shots, { recursive: true });

const log = (...args) => console.log('[dashboard]', ...args);
let token = null;

async function apiGet(p, as = token) {
  const response = await fetch(`${base}${p}`, { headers: { Authorization: `Bearer ${as}` } });
  assert.equal(response.status, 200, `GET ${p} answered ${response.status}`);
  return response.json();
}

async function until(what, fn, timeoutMs = 120000, everyMs = 1000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
  log('screenshot', `${name}.png`);
}

async function ready(page) {
  await page.waitForFunction(() => document.getElementById('main').getAttribute('aria-busy') === 'false'
    && !document.querySelector('#main [role="status"].muted'));
}

async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await ready(page);
}

/** axe-core's WCAG 2 A/AA rules on the page as it is; any violation fails the run. */
async function accessible(page, name) {
  // evaluated through the DevTools protocol: the dashboard's Content-Security-Policy refuses inline scripts, and a
  // script tag of our own would be refused too (and reported on the console, which fails the run)
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, [], `accessibility violations on ${name}`);
  log(`ok: no WCAG A/AA violations found by axe on ${name}`);
}

/**
 * Dashboard -> auth-service /login (the waitlist page when the cap is reached: existing members sign in from
 * there) -> the emulator's login page, where the user is clicked (a browser the emulator already knows is sent
 * straight back) -> the dashboard with a token.
 */
async function signIn(page, who = userId) {
  const userLink = `a[href*="login_hint=${who}"]`;
  await page.click('#sign-in');
  const back = (u) => u.toString().startsWith(`${base}/#/`);
  for (let step = 0; step < 3 && !back(page.url()); step++) {
    await Promise.race([
      page.waitForSelector(`${userLink}, a[href="/login/spotify"]`, { timeout: 30000 }).catch(() => null),
      page.waitForURL(back, { timeout: 30000 }).catch(() => null),
    ]);
    if (back(page.url())) break;
    if (await page.$('a[href="/login/spotify"]')) {
      await shot(page, 'dashboard-waitlist');
      log('waitlist page shown (cap reached); signing in as an existing member');
      await page.click('a[href="/login/spotify"]');
    } else {
      await page.click(userLink);
    }
  }
  await page.waitForURL(back, { timeout: 30000 });
  await ready(page);
}

async function topRows(page) {
  return page.$$eval('#top-table tbody tr', (rows) => rows.map((r) => ({
    id: r.dataset.id, plays: Number(r.querySelector('.plays').textContent.replace(/[^0-9]/g, '')),
  })));
}

async function checkTop(page, kind, apiQuery, label) {
  // Polling goes on during the test: a new play can land between the page's request and ours, so a difference
  // is compared again after a reload, and only one that persists fails.
  let rows = [];
  let expected = [];
  await until(`top ${kind} (${label}) to match the API`, async () => {
    await page.waitForSelector('#top-table, #top-result .notice');
    const api = await apiGet(`/api/v1/me/stats/top/${kind}?limit=50&${apiQuery}`);
    rows = await topRows(page);
    expected = api.items.map((i) => ({ id: i.id, plays: i.plays }));
    if (JSON.stringify(rows) === JSON.stringify(expected)) return true;
    await page.reload();
    await ready(page);
    return false;
  }, 60000, 2000).catch(() => {
    assert.deepEqual(rows, expected, `top ${kind} (${label}) differs from the API`);
  });
  log(`ok: top ${kind} ${label} matches the API (${rows.length} rows)`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  // Errors of the dashboard itself count; the sign-in pages of auth-service and the emulator have no favicon.
  const ours = (url) => url.startsWith(base) && !url.endsWith('/favicon.ico');
  page.on('console', (m) => { if (m.type() === 'error' && ours(m.location().url || base)) consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400 && ours(r.url())) consoleErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`); });

  // The dashboard's files are revalidated on every load, so a new release is never mixed with cached old modules.
  for (const file of ['/', '/js/app.js', '/app.css']) {
    const cacheControl = (await fetch(`${base}${file}`)).headers.get('cache-control');
    assert.equal(cacheControl, 'no-cache', `Cache-Control of ${file}`);
  }
  log('ok: dashboard files are served with Cache-Control: no-cache');

  // Sign in: dashboard -> auth-service /login -> emulator login page -> click the user -> back with a token.
  const landing = await page.goto(`${base}/`);
  // everything below runs under the dashboard's policy: a script, style or call it refuses is a console error
  const policy = landing.headers()['content-security-policy'] || '';
  assert.ok(policy.includes("script-src 'self'") && !policy.includes('unsafe-inline'), `CSP of the dashboard: ${policy}`);
  log(`ok: the dashboard runs under ${policy}`);
  await page.waitForSelector('#sign-in');
  await shot(page, 'dashboard-sign-in');
  await accessible(page, 'sign-in');
  await signIn(page);
  token = await page.evaluate(() => localStorage.getItem('audiospective.token'));
  assert.ok(token, 'no token after sign-in');
  assert.equal(await page.textContent('#who-name'), userId);
  log('ok: signed in as', userId);

  // Login CSRF: a link carrying a valid token from a sign-in this browser did not start (an attacker's own) signs
  // nobody in, with or without a state.
  const victim = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  for (const state of ['&state=forged0123456789abcdef', '']) {
    const victimPage = await victim.newPage();
    await victimPage.goto(`${base}/#access_token=${encodeURIComponent(token)}&token_type=Bearer${state}`);
    await victimPage.waitForSelector('#sign-in');
    assert.equal(await victimPage.evaluate(() => localStorage.getItem('audiospective.token')), null,
      `a sign-in link this browser did not start was taken (${state || 'no state'})`);
    assert.match(await victimPage.textContent('#banner'), /not started from this page/);
    await victimPage.close();
  }
  await victim.close();
  log('ok: a sign-in link this browser did not start is refused');

  // A cold first visit (new browser context: nothing cached) of the home page of a member with many plays, timed from
  // navigation until the numbers and top lists are on screen (covers loaded or their placeholders shown). The target
  // is printed, not asserted; what the page shows is compared with the API.
  if (bulkUser) {
    const summaryOf = async () => apiGet('/api/v1/me/stats/summary?period=all', bulkToken);
    const { plays: bulkPlays } = await summaryOf();
    const cold = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await cold.addInitScript((t) => localStorage.setItem('audiospective.token', t), bulkToken);
    const coldPage = await cold.newPage();
    const requests = [];
    coldPage.on('requestfinished', (r) => {
      const t = r.timing();
      if (r.url().includes('/api/')) requests.push(`${new URL(r.url()).pathname}${new URL(r.url()).search} ${Math.round(t.responseEnd)} ms`);
    });
    await coldPage.goto(`${base}/#/`, { waitUntil: 'commit' });
    // performance.now() counts from the navigation's start
    const onScreen = await (await coldPage.waitForFunction(() => {
      const main = document.getElementById('main');
      const done = main && main.getAttribute('aria-busy') === 'false' && document.querySelector('[data-stat="plays"]')
        && document.querySelector('ol[data-top="tracks"] li') && document.querySelector('ol[data-top="artists"] li');
      return done ? performance.now() : null;
    }, null, { polling: 'raf', timeout: 30000 })).jsonValue();
    const withCovers = await (await coldPage.waitForFunction(() => {
      const covers = [...document.querySelectorAll('#main ol[data-top] .cover')];
      return covers.length && covers.every((c) => c.classList.contains('loaded') || c.classList.contains('missing'))
        ? performance.now() : null;
    }, null, { polling: 'raf', timeout: 30000 })).jsonValue();
    // where the time went: the page's own files until its first API call, then the API's answers
    const phases = await coldPage.evaluate(() => {
      const calls = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/'));
      return { html: performance.getEntriesByType('navigation')[0].responseEnd,
        firstCall: Math.min(...calls.map((r) => r.startTime)), lastAnswer: Math.max(...calls.map((r) => r.responseEnd)) };
    });
    log(`cold visit of a ${bulkPlays.toLocaleString('en')}-play member: ${Math.round(onScreen)} ms with cover placeholders, `
      + `${Math.round(withCovers)} ms with the covers loaded (target 1000); HTML at ${Math.round(phases.html)} ms, first API `
      + `call at ${Math.round(phases.firstCall)} ms, last API answer at ${Math.round(phases.lastAnswer)} ms; `
      + `API answers: ${requests.join(', ')}`);
    await coldPage.screenshot({ path: path.join(shots, 'dashboard-home-bulk.png'), fullPage: true });
    log('screenshot', 'dashboard-home-bulk.png');
    // polling goes on for this member too: compare again after a reload until both agree
    let shown;
    let wanted;
    await until('the bulk member\'s home page to match the API', async () => {
      shown = await coldPage.evaluate(() => ({
        plays: document.querySelector('[data-stat="plays"]').textContent.replace(/[^0-9]/g, ''),
        archived: document.querySelector('[data-stat="plays-archived"]').textContent.replace(/[^0-9]/g, ''),
        tracks: [...document.querySelectorAll('ol[data-top="tracks"] li')].map((li) => [li.dataset.id,
          li.querySelector('.plays').textContent.replace(/[^0-9]/g, '')]),
        artists: [...document.querySelectorAll('ol[data-top="artists"] li')].map((li) => [li.dataset.id,
          li.querySelector('.plays').textContent.replace(/[^0-9]/g, '')]),
      }));
      const top = async (kind) => (await apiGet(`/api/v1/me/stats/top/${kind}?period=month&limit=5`, bulkToken)).items
        .map((i) => [i.id, String(i.plays)]);
      wanted = {
        plays: String((await summaryOf()).plays),
        archived: String((await apiGet('/api/v1/me', bulkToken)).archive.playsArchived),
        tracks: await top('tracks'),
        artists: await top('artists'),
      };
      if (JSON.stringify(shown) === JSON.stringify(wanted)) return true;
      await coldPage.reload();
      await ready(coldPage);
      return false;
    }, 60000, 2000).catch(() => assert.deepEqual(shown, wanted, 'the bulk member\'s home page differs from the API'));
    log(`ok: the ${bulkPlays.toLocaleString('en')}-play member's home page matches the API (plays, archived, top tracks and artists)`);
    await cold.close();
  }

  // Plays arrive from the first poll.
  await until('archived plays', async () => (await apiGet('/api/v1/me/plays?limit=1')).items.length > 0);

  // Import an older history (made from the emulator's ground truth, as Spotify's download would have it) and watch
  // its progress to the end.
  if (emulator) {
    const to = Date.now() - 7 * 86400000;
    const truth = { plays: [] };
    for (let from = to - importDays * 86400000; from < to; from += 90 * 86400000) {
      const window = await (await fetch(`${emulator}/emulator/users/${userId}/plays?from=${from}&to=${Math.min(to, from + 90 * 86400000)}`)).json();
      assert.ok(window.plays, `emulator ground truth: ${JSON.stringify(window)}`);
      truth.plays.push(...window.plays);
    }
    const entries = truth.plays.map((p) => ({
      ts: p.played_at.replace(/\.\d+Z$/, 'Z'), platform: 'test', ms_played: p.ms_played, conn_country: 'DE',
      master_metadata_track_name: p.track_name, master_metadata_album_artist_name: null,
      master_metadata_album_album_name: null, spotify_track_uri: `spotify:track:${p.track_id}`, episode_name: null,
      reason_start: 'trackdone', reason_end: 'trackdone', shuffle: false, skipped: !p.counted, offline: false,
      offline_timestamp: null, incognito_mode: false,
    }));
    const importFile = path.join(shots, '..', 'Streaming_History_Audio_dashboard_test.json');
    writeFileSync(importFile, JSON.stringify(entries));
    log(`import file: ${entries.length} entries (${truth.plays.filter((p) => p.counted).length} counted plays)`);
    await go(page, '#/data');
    await page.setInputFiles('#import-file', importFile);
    await page.click('#import-submit');
    await page.waitForSelector('#import-job');
    const seen = new Set();
    try {
      await until('the import to finish', async () => {
        const status = await page.getAttribute('#import-job', 'data-status');
        seen.add(status);
        return status === 'DONE' || status === 'FAILED';
      }, 420000, 250);
    } catch (e) {
      await shot(page, 'dashboard-import-unfinished');
      const id = await page.evaluate(() => localStorage.getItem('audiospective.lastImport'));
      log('import job as the API has it:', JSON.stringify(await apiGet(`/api/v1/me/imports/${id}`)));
      throw e;
    }
    await shot(page, 'dashboard-import');
    await accessible(page, 'import & export');
    assert.equal(await page.getAttribute('#import-job', 'data-status'), 'DONE', 'the import did not finish');
    const imported = Number((await page.textContent('[data-stat="imported"]')).replace(/[^0-9]/g, ''));
    assert.ok(imported > 0, 'nothing imported');
    log('ok: import progress shown through', [...seen].join(' -> '), `(${imported} plays imported)`);
    const id = await page.evaluate(() => localStorage.getItem('audiospective.lastImport'));
    await page.waitForSelector(`#past-imports tr[data-import="${id}"][data-status="DONE"]`);
    assert.equal(await page.getAttribute('#past-imports tbody tr:first-child', 'data-import'), id,
      'the finished import is not first in the list of imports');
    log('ok: the finished import is listed first among the member\'s imports');
  }

  // Export: the CSV download has one line per play of the whole history. The import is DONE in the archive, but
  // its plays (and newly polled ones) may still be on their way into the read model: compare until both agree.
  await go(page, '#/data');
  const csvPath = path.join(shots, '..', 'dashboard-export.csv');
  let csvLines = -1;
  let allPlays = -2;
  let download = null;
  await until('the CSV export to hold every play', async () => {
    [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    await download.saveAs(csvPath);
    csvLines = readFileSync(csvPath, 'utf8').trim().split('\n').length - 1;
    allPlays = (await apiGet('/api/v1/me/stats/summary?period=all')).plays;
    return csvLines === allPlays;
  }, 90000, 3000).catch(() => {
    assert.equal(csvLines, allPlays, 'the CSV export does not hold every play');
  });
  assert.equal(download.suggestedFilename(), 'audiospective-plays.csv');
  log(`ok: CSV export downloaded with ${csvLines} plays`);

  // Home: archive status matches the API; timed as the first page after a reload.
  await go(page, '#/');
  const started = Date.now();
  await page.reload();
  await ready(page);
  await page.waitForSelector('[data-stat="plays"]');
  const homeMs = Date.now() - started;
  const me = await apiGet('/api/v1/me');
  const shownArchived = Number((await page.textContent('[data-stat="plays-archived"]')).replace(/[^0-9]/g, ''));
  assert.ok(shownArchived > 0 && shownArchived <= me.archive.playsArchived, 'plays archived not shown');
  log(`ok: home rendered in ${homeMs} ms (reload until the data is on screen)`);
  await shot(page, 'dashboard-home');
  await accessible(page, 'home');
  // Keyboard: the first Tab reaches the skip link, which moves focus to the content without changing the page.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'skip');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  assert.equal(await page.evaluate(() => location.hash), '#/');
  log('ok: skip link works from the keyboard');

  // History: first page and the pages loaded by scrolling match the API's pages. The import above is DONE in the
  // archive, but its plays may still be on their way into the read model: compare once both hold still.
  let expected = [];
  let mismatch = null;
  await until('history to match the API', async () => {
    await go(page, '#/');
    await go(page, '#/history');
    await page.waitForSelector('.play');
    expected = [];
    let cursor = null;
    for (let i = 0; i < 3; i++) {
      const p = await apiGet(`/api/v1/me/plays?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      expected = expected.concat(p.items.map((x) => x.playedAt));
      cursor = p.nextCursor;
      if (!cursor) break;
    }
    await until('history pages to load while scrolling', async () => {
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      return (await page.$$('.play')).length >= expected.length;
    }, 30000, 300);
    const shown = await page.$$eval('.play', (els) => els.map((e) => e.dataset.playedAt));
    mismatch = shown.slice(0, expected.length).findIndex((playedAt, i) => playedAt !== expected[i]);
    return mismatch < 0;
  }, 90000, 3000).catch((e) => {
    throw new Error(`history differs from the API at position ${mismatch} of ${expected.length}: ${e.message}`);
  });
  log(`ok: history matches the API over ${expected.length} plays (infinite scroll)`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'dashboard-history', false);
  await accessible(page, 'history');

  // Top lists, then other periods: a preset, all time, a custom range.
  await go(page, '#/top');
  await checkTop(page, 'tracks', 'period=month', 'this month');
  await shot(page, 'dashboard-top', false);
  await accessible(page, 'top tracks');
  await page.selectOption('#period-select', 'all');
  await page.waitForURL(/period=all/);
  await ready(page);
  await checkTop(page, 'tracks', 'period=all', 'all time');
  await page.click('a[data-kind="artists"]');
  await page.waitForURL(/kind=artists/);
  await ready(page);
  await checkTop(page, 'artists', 'period=all', 'all time');
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 400 * 86400000).toISOString().slice(0, 10);
  await page.selectOption('#period-select', 'custom');
  await page.fill('#period-from', from);
  await page.fill('#period-to', today);
  await page.click('form[aria-label="Period"] button[type="submit"]');
  await page.waitForURL(/period=custom/);
  await ready(page);
  await checkTop(page, 'artists', `period=custom&from=${from}&to=${today}`, `custom ${from}..${today}`);
  await page.click('a[data-kind="albums"]');
  await page.waitForURL(/kind=albums/);
  await ready(page);
  await checkTop(page, 'albums', `period=custom&from=${from}&to=${today}`, 'custom');
  await page.selectOption('#period-select', 'week');
  await page.waitForURL(/period=week/);
  await ready(page);
  await checkTop(page, 'albums', 'period=week', 'this week');

  // Top genres and the genre filter. Genres reach api-service once archive-worker has looked the member's artists up
  // (catalogue.artists): wait for the API to know some, then compare the genres tab and a genre-filtered top list.
  const genreRows = () => page.$$eval('#top-genres-table tbody tr', (rows) => rows.map((r) => ({
    genre: r.dataset.genre, plays: Number(r.querySelector('.plays').textContent.replace(/[^0-9]/g, '')),
  })));
  await until('genres of the member\'s artists in the API',
    async () => (await apiGet('/api/v1/me/stats/top/genres?period=all&limit=50')).items.length > 0, 180000, 3000);
  await go(page, '#/top?kind=genres&period=all');
  let genresShown = [];
  let genresWanted = [];
  await until('top genres to match the API', async () => {
    await page.waitForSelector('#top-genres-table, #top-result .notice');
    genresShown = await genreRows();
    genresWanted = (await apiGet('/api/v1/me/stats/top/genres?period=all&limit=50')).items
      .map((i) => ({ genre: i.genre, plays: i.plays }));
    if (genresShown.length > 0 && JSON.stringify(genresShown) === JSON.stringify(genresWanted)) return true;
    await page.reload();
    await ready(page);
    return false;
  }, 60000, 2000).catch(() => assert.deepEqual(genresShown, genresWanted, 'top genres differ from the API'));
  log(`ok: top genres all time match the API (${genresShown.length} genres)`);
  await shot(page, 'dashboard-top-genres', false);
  await accessible(page, 'top genres');
  // a genre's link opens the top tracks of that genre, the filter kept in the URL and shown as a chip
  const topGenre = genresShown[0].genre;
  await page.click(`#top-genres-table tr[data-genre="${topGenre.replaceAll('"', '\\"')}"] a.genre-link`);
  await page.waitForURL(/kind=tracks/);
  await ready(page);
  assert.equal(new URL(page.url().replace('#/', '')).searchParams.get('genre'), topGenre,
    'the genre link does not keep the genre in the URL');
  assert.equal(await page.textContent('#top-genre-chips [data-filter-name="genre"]'), topGenre);
  await checkTop(page, 'tracks', `period=all&genre=${encodeURIComponent(topGenre)}`, `all time, genre ${topGenre}`);
  await accessible(page, 'top tracks of a genre');
  await page.click('a[data-kind="artists"]');
  await page.waitForURL(/kind=artists/);
  await ready(page);
  await checkTop(page, 'artists', `period=all&genre=${encodeURIComponent(topGenre)}`, `all time, genre ${topGenre}`);
  await page.click('#top-genre-chips button');
  await page.waitForFunction(() => !location.hash.includes('genre='));
  await ready(page);
  await checkTop(page, 'artists', 'period=all', 'all time, the genre filter removed');
  await phone('dashboard-top-genres', page, async () => {
    await go(page, '#/top?kind=genres&period=all');
    await page.waitForSelector('#top-genres-table');
  });

  // Artwork, item pages and history filters. Every number an item page shows is compared with the API; polling
  // goes on meanwhile, so a difference is looked at again after a reload and only one that persists fails.
  const digits = (text) => Number(String(text).replace(/[^0-9]/g, ''));
  const shownTime = (iso) => page.evaluate((v) => new Date(v).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }), iso);
  // listening time as the dashboard writes it, by its own formatter (the module is this origin's: the CSP admits it)
  const shownMinutes = (values) => page.evaluate(async (vs) => {
    const { minutes } = await import('/js/ui.js');
    return vs.map(minutes);
  }, values);
  async function matches(what, read, expect, on = page) {
    let shown;
    let wanted;
    await until(what, async () => {
      shown = await read();
      wanted = await expect();
      if (JSON.stringify(shown) === JSON.stringify(wanted)) return true;
      await on.reload();
      await ready(on);
      return false;
    }, 60000, 2000).catch(() => assert.deepEqual(shown, wanted, `${what} differs from the API`));
    log(`ok: ${what} matches the API`);
  }
  // required: the page shows something whose cover the catalogue has (an imported track it has not resolved yet has
  // none, and shows a placeholder)
  async function coversWellFormed(name, required = true) {
    const images = await page.$$eval('#main .cover img', (imgs) => imgs.map((i) => ({
      lazy: i.getAttribute('loading'), width: i.getAttribute('width'), height: i.getAttribute('height'), alt: i.alt,
    })));
    if (required) assert.ok(images.length > 0, `no cover on ${name}`);
    for (const i of images) {
      assert.equal(i.lazy, 'lazy', `a cover on ${name} is not lazy-loaded`);
      assert.ok(Number(i.width) > 0 && i.width === i.height, `a cover on ${name} has no size`);
      assert.ok(i.alt.length > 0, `a cover on ${name} has no alt text`);
    }
    const placeholders = await page.$$eval('#main .cover.missing', (els) => els.map((e) => e.getAttribute('aria-label')));
    assert.ok(placeholders.every((label) => label && label.length > 0), `a placeholder on ${name} is not labelled`);
    // the images in view arrive (from the emulator's /images here, Spotify's CDN in production)
    if (images.length > 0) await page.waitForFunction(() => [...document.querySelectorAll('#main .cover img')].some((i) => i.complete && i.naturalWidth > 0));
    log(`ok: ${images.length} covers on ${name} lazy-loaded with size and alt text (${placeholders.length} placeholders)`);
  }
  async function itemNumbers(kind) {
    const id = decodeURIComponent(page.url().split('/').pop());
    await matches(`${kind} page ${id}: plays, listening time, rank, first and last play`, async () => ({
      plays: digits(await page.textContent('[data-stat="plays"]')),
      time: await page.textContent('[data-stat="minutes"]'),
      rank: digits(await page.textContent('[data-stat="rank"]')),
      first: await page.textContent('[data-stat="first"]'),
      last: await page.textContent('[data-stat="last"]'),
    }), async () => {
      const item = await apiGet(`/api/v1/me/stats/${kind}s/${encodeURIComponent(id)}`);
      return {
        plays: item.plays, time: (await shownMinutes([item.minutes]))[0], rank: item.rank,
        first: await shownTime(item.firstPlayedAt), last: await shownTime(item.lastPlayedAt),
      };
    });
    await matches(`${kind} page ${id}: plays and time per month`,
      () => page.$$eval('#item-timeline tbody tr', (rows) => rows.map((r) => [r.dataset.start,
        Number(r.querySelector('.plays').textContent.replace(/[^0-9]/g, '')), r.lastElementChild.textContent])),
      async () => {
        const buckets = (await apiGet(`/api/v1/me/stats/${kind}s/${encodeURIComponent(id)}/timeline?granularity=month`)).buckets;
        const times = await shownMinutes(buckets.map((b) => b.minutes));
        return buckets.map((b, i) => [b.start, b.plays, times[i]]);
      });
    await page.waitForSelector('#item-chart canvas');
    await matches(`${kind} page ${id}: latest plays`,
      () => page.$$eval('#item-recent .play', (els) => els.map((e) => e.dataset.playedAt)),
      async () => (await apiGet(`/api/v1/me/plays?limit=10&${kind}=${encodeURIComponent(id)}`)).items.map((p) => p.playedAt));
    if (kind !== 'track') {
      await matches(`${kind} page ${id}: top tracks with plays and time`,
        () => page.$$eval('#item-top-tracks tbody tr', (rows) => rows.map((r) => [r.dataset.id,
          Number(r.querySelector('.plays').textContent.replace(/[^0-9]/g, '')), r.lastElementChild.textContent])),
        async () => {
          const items = (await apiGet(`/api/v1/me/stats/top/tracks?period=all&limit=10&${kind}=${encodeURIComponent(id)}`)).items;
          const times = await shownMinutes(items.map((t) => t.minutes));
          return items.map((t, i) => [t.id, t.plays, times[i]]);
        });
    }
    const item = await apiGet(`/api/v1/me/stats/${kind}s/${encodeURIComponent(id)}`);
    await coversWellFormed(`the ${kind} page`, item.imageUrl != null);
    await page.waitForSelector('.entity-head .cover.loaded, .entity-head .cover.missing');
    return id;
  }
  async function phone(name, on = page, check = async () => {}) {
    await on.setViewportSize({ width: 390, height: 844 });
    await ready(on);
    // charts follow the new width from their resize handler, a frame or so later
    await on.waitForFunction(() => document.documentElement.scrollWidth - window.innerWidth <= 1, null, { timeout: 5000 })
      .catch(() => null);
    const overflow = await on.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${name} is ${overflow}px wider than a phone screen`);
    await check();
    await shot(on, `${name}-phone`, false);
    await on.setViewportSize({ width: 1280, height: 900 });
    log(`ok: ${name} fits a 390 px wide screen`);
  }

  // The home page's top lists (this month), linked and with covers, as the API has them.
  await go(page, '#/');
  for (const kind of ['tracks', 'artists']) {
    await matches(`home's top ${kind} this month`,
      async () => {
        await page.waitForSelector('[data-stat="plays"]');
        return page.$$eval(`ol[data-top="${kind}"] li`, (items) => items.map((li) => [li.dataset.id,
          Number(li.querySelector('.plays').textContent.replace(/[^0-9]/g, '')),
          li.querySelector('.cover img')?.getAttribute('src') || null]));
      },
      async () => (await apiGet(`/api/v1/me/stats/top/${kind}?period=month&limit=5`)).items.map((i) => [i.id, i.plays, i.imageUrl || null]));
  }

  // Covers in the history and the top list as the API has them.
  await go(page, '#/history');
  await page.waitForSelector('.play');
  await coversWellFormed('history');
  await matches('covers of the first history page',
    () => page.$$eval('.play', (els) => els.slice(0, 50).map((e) => e.querySelector('.cover img')?.getAttribute('src') || null)),
    async () => (await apiGet('/api/v1/me/plays?limit=50')).items.map((p) => p.imageUrl || null));
  await go(page, '#/top?kind=tracks&period=all');
  await page.waitForSelector('#top-table');
  await coversWellFormed('top tracks');
  await go(page, '#/top?kind=artists&period=all');
  await page.waitForSelector('#top-table');
  await matches('artist pictures (their most-played album\'s cover) in top artists',
    () => page.$$eval('#top-table tbody tr', (rows) => rows.map((r) => r.querySelector('.cover img')?.getAttribute('src') || null)),
    async () => (await apiGet('/api/v1/me/stats/top/artists?period=all&limit=50')).items.map((i) => i.imageUrl || null));

  // A track's page, reached from the top list; then its album's and its artist's, reached from the track's page.
  await go(page, '#/top?kind=tracks&period=all');
  await page.waitForSelector('#top-table');
  await Promise.all([page.waitForURL(/#\/track\//),
    page.click('#top-table tbody tr:has(.cover img) a[data-entity="track"]')]);
  await ready(page);
  await itemNumbers('track');
  await shot(page, 'dashboard-track');
  await accessible(page, 'a track\'s page');
  await phone('dashboard-track');
  await Promise.all([page.waitForURL(/#\/album\//), page.click('.entity-head a[data-entity="album"]')]);
  await ready(page);
  await itemNumbers('album');
  await shot(page, 'dashboard-album');
  await accessible(page, 'an album\'s page');
  await phone('dashboard-album');
  await Promise.all([page.waitForURL(/#\/artist\//), page.click('#item-top-tracks tbody tr:first-child a[data-entity="artist"]')]);
  await ready(page);
  const artistId = await itemNumbers('artist');
  await shot(page, 'dashboard-artist');
  await accessible(page, 'an artist\'s page');
  await phone('dashboard-artist');

  // History filtered to the artist (from the artist's page), then to a date range too: kept in the URL.
  await Promise.all([page.waitForURL(/#\/history\?artist=/), page.click('#item-history')]);
  await ready(page);
  await page.waitForSelector('#history-chips [data-filter="artist"] a');
  const historyOf = async (apiQuery) => {
    await matches(`history filtered by ${apiQuery}`,
      async () => {
        await page.waitForSelector('.play, #main .sub[role="status"]');
        return page.$$eval('.play', (els) => els.slice(0, 50).map((e) => e.dataset.playedAt));
      },
      async () => (await apiGet(`/api/v1/me/plays?limit=50&${apiQuery}`)).items.map((p) => p.playedAt));
  };
  await historyOf(`artist=${encodeURIComponent(artistId)}`);
  const lastWeek = new Date(Date.now() - 7 * 86400000).toISOString().slice(0, 10);
  await page.fill('#history-from', lastWeek);
  await page.fill('#history-to', today);
  await Promise.all([page.waitForURL(/from=.*to=/), page.click('#history-filters button[type="submit"]')]);
  await ready(page);
  const url = new URL(page.url().replace('#/history', 'history'));
  assert.equal(url.searchParams.get('artist'), artistId, 'the artist filter left the URL');
  assert.equal(url.searchParams.get('from'), lastWeek);
  await historyOf(`artist=${encodeURIComponent(artistId)}&period=custom&from=${lastWeek}&to=${today}`);
  await page.reload();
  await ready(page);
  await historyOf(`artist=${encodeURIComponent(artistId)}&period=custom&from=${lastWeek}&to=${today}`);
  log('ok: history filters survive a reload (they are in the URL)');
  await shot(page, 'dashboard-history-filtered', false);
  await accessible(page, 'the filtered history');
  await phone('dashboard-history-filtered');
  await Promise.all([page.waitForURL((u) => !u.toString().includes('artist=')),
    page.click('#history-chips [data-filter="artist"] button')]);
  await ready(page);
  await historyOf(`period=custom&from=${lastWeek}&to=${today}`);
  log('ok: a filter is removed from its chip');

  // The chart pages render.
  await go(page, '#/clock?period=all');
  let clockTotal = -1;
  let apiClockTotal = -2;
  await until('the listening clock to match the API', async () => {
    await page.waitForSelector('#clock');
    clockTotal = await page.$$eval('#clock td[data-plays]', (tds) => tds.reduce((a, td) => a + Number(td.dataset.plays), 0));
    apiClockTotal = (await apiGet('/api/v1/me/stats/clock?period=all')).cells.reduce((a, c) => a + c.plays, 0);
    if (clockTotal === apiClockTotal) return true;
    await page.reload();
    await ready(page);
    return false;
  }, 60000, 2000).catch(() => {
    assert.equal(clockTotal, apiClockTotal, 'clock differs from the API');
  });
  log('ok: listening clock matches the API');
  await shot(page, 'dashboard-clock');
  await accessible(page, 'listening clock');
  await go(page, '#/timeline?period=all&granularity=day');
  await page.waitForSelector('#timeline-chart canvas');
  await shot(page, 'dashboard-timeline');
  log('ok: plays-per-day chart drawn');
  await accessible(page, 'plays per day');
  await go(page, `#/year/${new Date().getFullYear()}`);
  await page.waitForSelector('[data-stat="plays"], #main .notice');
  await shot(page, 'dashboard-year');
  await accessible(page, 'year in review');
  // The year as an image: the download the year page offers is the API's PNG, 1080 x 1350.
  if (await page.$('#year-card')) {
    const [card] = await Promise.all([page.waitForEvent('download'), page.click('#year-card')]);
    const cardPath = path.join(shots, 'year-card.png');
    await card.saveAs(cardPath);
    const png = readFileSync(cardPath);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', 'the year card is no PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1080, 1350], 'the year card is not 1080 x 1350');
    assert.equal(card.suggestedFilename(), `audiospective-${new Date().getFullYear()}.png`);
    await page.waitForSelector('#main [role="status"]:has-text("Downloaded")');
    log('ok: year card downloaded (a 1080 x 1350 PNG)');
  }

  // Archive completeness: the calendar has each day of the API's answer with its hours, the summary its totals.
  await go(page, '#/archive');
  await matches('archive completeness calendar',
    async () => {
      await page.waitForSelector('#completeness');
      // the table runs a row per weekday; the API a day after the other
      return (await page.$$eval('#completeness td[data-day]', (cells) => cells.map((c) => [c.dataset.day, c.dataset.hours])))
        .sort((a, b) => a[0].localeCompare(b[0]));
    },
    async () => (await apiGet('/api/v1/me/archive/completeness')).days.map((d) => [d.day, d.hours]));
  await matches('archive completeness totals',
    async () => ((await page.textContent('#completeness-summary')).match(/[0-9][0-9,]*/g) || []).map(digits),
    async () => {
      const { hours: t, importedPlays } = await apiGet('/api/v1/me/archive/completeness');
      const archived = t.POLLED + t.IMPORTED + t.GAP + t.UNVERIFIED + t.NEEDS_REAUTH;
      return [archived, t.POLLED, t.IMPORTED, importedPlays, t.GAP, t.UNVERIFIED + t.NEEDS_REAUTH];
    });
  // the member joined minutes ago: their hours since are polled, or not verified until the next poll
  assert.ok(await page.$$eval('#completeness td[data-hours]', (cells) => cells.some((c) => /[PU]/.test(c.dataset.hours))),
    'the calendar shows no hour since the member joined');
  await shot(page, 'dashboard-archive');
  await accessible(page, 'archive completeness');
  await phone('dashboard-archive', page, async () => {
    // the newest days are at the end of the calendar: a phone starts there
    const box = await page.waitForFunction(() => {
      const b = document.getElementById('completeness-box');
      return b.scrollWidth > b.clientWidth && b.scrollLeft + b.clientWidth >= b.scrollWidth - 1
        ? { scrollLeft: b.scrollLeft, scrollWidth: b.scrollWidth } : null;
    }, null, { timeout: 5000 }).catch(() => null);
    assert.ok(box, 'on a phone the completeness calendar does not show its newest days first');
    log(`ok: on a phone the calendar starts at its newest days (scrolled ${(await box.jsonValue()).scrollLeft} px)`);
  });
  await go(page, '#/settings');
  await page.waitForSelector('#time-zone');
  await shot(page, 'dashboard-settings');
  await accessible(page, 'settings');
  await page.selectOption('#time-zone', 'Asia/Kolkata');
  await page.click('#zone-form button[type="submit"]');
  await page.waitForSelector('#zone-status .notice');
  assert.match(await page.textContent('#zone-status'), /Asia\/Kolkata/);
  assert.equal((await apiGet('/api/v1/me')).timeZone, 'Asia/Kolkata', 'the time zone was not saved');
  log('ok: time zone changed to Asia/Kolkata');

  // Mail preferences in settings: the switches say what auth-service says; the monthly summary, off until a member
  // turns it on, is turned on and saved, and auth-service then says so; turned off again afterwards.
  const mailConfig = await (await fetch(`${base}/dashboard/config`)).json();
  const mailPreferences = async () => {
    const response = await fetch(`${mailConfig.authUrl}/api/v1/account/mail`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, `GET /api/v1/account/mail answered ${response.status}`);
    return (await response.json()).categories;
  };
  const switchesShown = () => page.$$eval('#mail-form input[type="checkbox"]',
    (boxes) => Object.fromEntries(boxes.map((b) => [b.name, b.checked])));
  await page.waitForSelector('#mail-form input[type="checkbox"]');
  assert.deepEqual(await switchesShown(), await mailPreferences(), 'the mail switches differ from auth-service');
  assert.equal((await mailPreferences()).MONTHLY_SUMMARY, false, 'the monthly summary must be off until chosen');
  await page.check('#mail-monthly-summary');
  await page.click('#mail-form button[type="submit"]');
  await page.waitForSelector('#mail-status .notice');
  assert.match(await page.textContent('#mail-status'), /Saved/);
  assert.equal((await mailPreferences()).MONTHLY_SUMMARY, true, 'the monthly summary switch was not saved');
  await page.reload();
  await page.waitForSelector('#mail-form input[type="checkbox"]');
  assert.deepEqual(await switchesShown(), await mailPreferences(), 'the saved mail switches are not shown after a reload');
  await shot(page, 'dashboard-settings-mail');
  await accessible(page, 'settings with the mail switches');
  await page.uncheck('#mail-monthly-summary');
  await page.click('#mail-form button[type="submit"]');
  await page.waitForSelector('#mail-status .notice');
  assert.equal((await mailPreferences()).MONTHLY_SUMMARY, false, 'the monthly summary switch was not turned off');
  log('ok: mail switches equal auth-service\'s preferences; the monthly summary turned on and off from settings');

  // Admin: refused for members without the role (page and API), shown to admins.
  const adminStatus = (await fetch(`${base}/api/v1/admin/overview`, { headers: { Authorization: `Bearer ${token}` } })).status;
  await go(page, '#/admin');
  if (expectAdmin) {
    assert.equal(adminStatus, 200);
    await page.waitForSelector('#users-by-state');
    await shot(page, 'dashboard-admin');
    await accessible(page, 'admin');
    log('ok: admin page shown to an admin');
  } else {
    assert.equal(adminStatus, 403, 'the admin API must refuse a member');
    assert.equal(await page.isVisible('#nav-admin'), false, 'the admin link must be hidden');
    await page.waitForSelector('[data-refused="true"]');
    assert.match(await page.textContent('#main h1'), /Admins only/);
    await shot(page, 'dashboard-admin-refused');
    log('ok: a member cannot open the admin page (page refused, API 403)');
  }

  // Phone width: the home page still fits.
  await page.setViewportSize({ width: 390, height: 844 });
  await go(page, '#/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `home is ${overflow}px wider than a phone screen`);
  await shot(page, 'dashboard-phone');
  log('ok: home fits a 390 px wide screen');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Sign out: back to the sign-in page, token gone and no longer renewable.
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in');
  assert.equal(await page.evaluate(() => localStorage.getItem('audiospective.token')), null);
  const config = await (await fetch(`${base}/dashboard/config`)).json();
  const renew = await fetch(`${config.authUrl}/api/v1/auth/token`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  assert.equal(renew.status, 401, 'a signed-out token must not renew');
  await shot(page, 'dashboard-signed-out');
  log('ok: signed out');

  // Sign in again and delete the account: only after typing DELETE; then the API no longer knows the token's user.
  await signIn(page);
  token = await page.evaluate(() => localStorage.getItem('audiospective.token'));
  await go(page, '#/settings');
  assert.equal(await page.isDisabled('#delete-account'), true, 'deletion must need the confirmation');
  await page.fill('#delete-confirm', 'DELETE');
  await page.click('#delete-account');
  await page.waitForSelector('#sign-in');
  assert.match(await page.textContent('#banner'), /deleted/);
  await shot(page, 'dashboard-deleted');
  const after = await fetch(`${config.authUrl}/api/v1/account`, { headers: { Authorization: `Bearer ${token}` } });
  assert.notEqual(after.status, 200, 'the account still exists');
  log(`ok: account deleted from the settings page (auth-service answers ${after.status} for it now)`);

  // The admin page, signed in as an admin: every number it shows equals the APIs' (api-service's overview and dead
  // letters, auth-service's seats and waitlist), a dead letter is re-driven and a waitlisted person admitted.
  if (adminUser) {
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const admin = await adminContext.newPage();
    admin.on('console', (m) => { if (m.type() === 'error' && ours(m.location().url || base)) consoleErrors.push(m.text()); });
    admin.on('pageerror', (e) => consoleErrors.push(String(e)));
    await admin.goto(`${base}/`);
    await admin.waitForSelector('#sign-in');
    await signIn(admin, adminUser);
    const adminToken = await admin.evaluate(() => localStorage.getItem('audiospective.token'));
    assert.equal(await admin.isVisible('#nav-admin'), true, 'the admin link must be shown to an admin');
    const asAdmin = (p) => apiGet(p, adminToken);
    const authGet = async (p) => {
      const response = await fetch(`${config.authUrl}${p}`, { headers: { Authorization: `Bearer ${adminToken}` } });
      assert.equal(response.status, 200, `GET ${p} on auth-service answered ${response.status}`);
      return response.json();
    };
    // the planted poison record reaches plays' dead letters
    const planted = await until('the planted dead letter', async () => {
      const letters = await asAdmin('/api/v1/admin/dead-letters?topic=plays&limit=50');
      return letters.length ? letters : null;
    }, 120000, 1000);
    await go(admin, '#/admin');
    await admin.waitForSelector('#users-by-state');
    const table = (id) => admin.$$eval(`#${id} tbody tr`, (rows) => rows.map((r) => [r.querySelector('th').textContent,
      Number(r.querySelector('td').textContent.replace(/[^0-9-]/g, ''))]).sort());
    const sorted = (map) => Object.entries(map || {}).sort();
    const sum = (map) => Object.values(map || {}).reduce((a, b) => a + b, 0);
    // the figures move while the system polls: read both, reload until they agree
    await matches('admin page: members by state, poll outcomes, consumer lag, dead-letter topics and the totals',
      async () => {
        await admin.waitForSelector('#users-by-state');
        const stats = await admin.$$eval('#main [data-stat]', (dds) => Object.fromEntries(
          dds.map((d) => [d.dataset.stat, Number(d.textContent.replace(/[^0-9]/g, ''))])));
        return { stats, users: await table('users-by-state'), polls: await table('failures-by-kind'),
          lag: await table('consumer-lag'), dlq: await table('dlq-sizes') };
      },
      async () => {
        const o = await asAdmin('/api/v1/admin/overview');
        const failures = sum(o.pollsLastHour) - (o.pollsLastHour.OK || 0);
        const perDay = o.playsArchivedPerDay || [];
        return {
          stats: { users: sum(o.usersByState), polls: sum(o.pollsLastHour), failures,
            'plays-today': perDay.length ? perDay[perDay.length - 1].plays : 0,
            lag: Object.values(o.consumerLag).reduce((a, b) => a + Math.max(0, b), 0),
            dlq: Object.values(o.deadLetters).flatMap((r) => Object.values(r)).reduce((a, b) => a + b, 0),
            generation: o.readModelGeneration },
          users: sorted(o.usersByState), polls: sorted(o.pollsLastHour), lag: sorted(o.consumerLag),
          dlq: sorted(o.dlqSizes),
        };
      }, admin);
    const letterRows = () => admin.$$eval('#dead-letter-records tbody tr', (rows) => rows.map((r) =>
      [r.dataset.topic, r.dataset.partition, r.dataset.offset, r.dataset.reason]));
    const apiLetters = async () => {
      const counts = (await asAdmin('/api/v1/admin/overview')).deadLetters;
      const topics = Object.keys(counts).filter((t) => sum(counts[t]) > 0).sort();
      return (await Promise.all(topics.map((t) => asAdmin(`/api/v1/admin/dead-letters?topic=${t}&limit=50`)))).flat()
        .map((d) => [d.topic, String(d.partition ?? ''), String(d.offset ?? ''), d.reasonCode]);
    };
    await matches('admin page: dead letters waiting, by topic and reason and each record', async () => {
      await admin.waitForSelector('#dead-letters, #dead-letters-none');
      return { groups: await admin.$$eval('#dead-letters tbody tr', (rows) => rows.map((r) => [r.dataset.topic,
        r.dataset.reason, Number(r.querySelector('td.num').textContent.replace(/[^0-9]/g, ''))])),
      records: await letterRows() };
    }, async () => {
      const counts = (await asAdmin('/api/v1/admin/overview')).deadLetters;
      return { groups: Object.keys(counts).sort().flatMap((t) => Object.entries(counts[t]).filter(([, n]) => n > 0).sort()
        .map(([reason, n]) => [t, reason, n])), records: await apiLetters() };
    }, admin);
    await matches('admin page: founding seats', () => admin.$$eval('#seats [data-seats]', (dds) => Object.fromEntries(
      dds.map((d) => [d.dataset.seats, Number(d.textContent.replace(/[^0-9]/g, ''))]))), () => authGet('/admin/waitlist/seats'), admin);
    await matches('admin page: the waitlist', () => admin.$$eval('#waitlist tbody tr', (rows) => rows.map((r) =>
      Number(r.dataset.entry))), async () => (await authGet('/admin/waitlist')).map((e) => e.id), admin);
    await admin.waitForSelector('#replay, #start-replay');
    await shot(admin, 'dashboard-admin');
    await accessible(admin, 'admin');
    await phone('dashboard-admin', admin);

    // Re-drive: the planted record goes back to plays (and, not JSON still, is set aside again as a new dead letter).
    const poison = planted[0];
    await admin.click(`[data-redrive="plays|${poison.reasonCode}"]`);
    const redriven = Number(await (await admin.waitForSelector('#redrive-status [data-redriven]')).getAttribute('data-redriven'));
    assert.ok(redriven >= 1, `re-driven: ${redriven}`);
    await matches('admin page: dead letters after the re-drive', async () => {
      await admin.waitForSelector('#dead-letters, #dead-letters-none');
      return letterRows();
    }, apiLetters, admin);
    assert.ok(!(await letterRows()).some(([t, p, o]) => t === 'plays' && p === String(poison.partition) && o === String(poison.offset)),
      'the re-driven dead letter is still waiting');
    await until('the re-driven poison record set aside again', async () =>
      (await asAdmin('/api/v1/admin/dead-letters?topic=plays&limit=50')).some((d) => d.offset > poison.offset), 60000, 1000);
    log(`ok: ${redriven} dead letter(s) of plays re-driven from the admin page; the poison record came back as a new dead letter`);

    // Admission: the confirmed waitlist entry gets a reserved seat.
    if (waitlistEmail) {
      const entry = (await authGet('/admin/waitlist')).find((e) => e.email === waitlistEmail);
      assert.ok(entry, `${waitlistEmail} is not on the waitlist`);
      const seatsBefore = await authGet('/admin/waitlist/seats');
      await admin.click(`[data-admit="${entry.id}"]`);
      await admin.waitForSelector(`#waitlist tr[data-entry="${entry.id}"][data-state="admitted, claim open"]`);
      const seatsAfter = await authGet('/admin/waitlist/seats');
      assert.deepEqual([seatsAfter.extra, seatsAfter.reserved], [seatsBefore.extra + 1, seatsBefore.reserved + 1],
        'the admission reserved no seat');
      await matches('admin page: founding seats after the admission', () => admin.$$eval('#seats [data-seats]', (dds) =>
        Object.fromEntries(dds.map((d) => [d.dataset.seats, Number(d.textContent.replace(/[^0-9]/g, ''))]))),
      () => authGet('/admin/waitlist/seats'), admin);
      log('ok: a waitlisted person admitted from the admin page (a seat reserved for their claim)');
    }
    // A member's archive and schedule (scheduler-service's, through api-service) and a poll on demand from the member
    // lookup. Polling goes on: a difference is looked up again, and only one that persists fails.
    const looked = bulkUser || adminUser;
    let lookedUp;
    let lookupApi;
    await until('the member lookup to match the API', async () => {
      await admin.fill('#lookup-id', looked);
      await admin.click('#lookup-submit');
      await admin.waitForSelector('#member [data-member="plays"]');
      lookedUp = await admin.$$eval('#member [data-member]', (dds) => Object.fromEntries(dds
        .filter((d) => ['state', 'plays', 'tracks', 'sessions', 'zone'].includes(d.dataset.member))
        .map((d) => [d.dataset.member, d.textContent.replace(/,/g, '')])));
      const u = await asAdmin(`/api/v1/admin/users/${looked}`);
      lookupApi = { state: u.me.archive.state, plays: String(u.me.archive.playsArchived), tracks: String(u.distinctTracks),
        sessions: String(u.sessions), zone: u.me.timeZone };
      return JSON.stringify(lookedUp) === JSON.stringify(lookupApi);
    }, 60000, 2000).catch(() => assert.deepEqual(lookedUp, lookupApi, 'the member lookup differs from the API'));
    log(`ok: the member lookup of ${looked} matches the API (${lookupApi.plays} plays, ${lookupApi.tracks} tracks, ${lookupApi.sessions} sessions)`);
    await admin.waitForSelector('#schedule');
    const scheduleShown = () => admin.$$eval('#schedule [data-schedule]', (dds) => Object.fromEntries(
      dds.filter((d) => ['status', 'failures', 'last-batch'].includes(d.dataset.schedule))
        .map((d) => [d.dataset.schedule, d.textContent])));
    const scheduleApi = async () => {
      const s = await asAdmin(`/api/v1/admin/users/${looked}/schedule`);
      return { status: s.status, failures: String(s.consecutiveFailures), 'last-batch': s.lastBatchId || '–' };
    };
    let shownSchedule;
    let apiSchedule;
    await until('the member\'s schedule to match the API', async () => {
      shownSchedule = await scheduleShown();
      apiSchedule = await scheduleApi();
      if (JSON.stringify(shownSchedule) === JSON.stringify(apiSchedule)) return true;
      await admin.click('#lookup-submit');
      await admin.waitForSelector('#schedule');
      return false;
    }, 30000, 1000).catch(() => assert.deepEqual(shownSchedule, apiSchedule, 'the member\'s schedule differs from the API'));
    log('ok: a member\'s schedule on the admin page matches the scheduler\'s');
    await admin.click('#poll-now');
    const batch = await (await admin.waitForSelector('#poll-now-status [data-batch]')).getAttribute('data-batch');
    await admin.waitForFunction((b) => document.querySelector('[data-schedule="last-batch"]')?.textContent === b, batch);
    const after = await asAdmin(`/api/v1/admin/users/${looked}/schedule`);
    assert.equal(after.lastBatchId, batch, 'the scheduler did not publish the poll the page asked for');
    assert.equal(after.lastPublishedReason, 'MANUAL');
    log(`ok: poll-now from the admin page published batch ${batch} (MANUAL)`);
    await accessible(admin, 'admin (member lookup)');
    await shot(admin, 'dashboard-admin-after');

    // The replay, started from the admin page and followed there until its switch-over. It rebuilds the read model
    // from the plays topic, where the bulk member's synthetic plays never were (so it is the last step): afterwards
    // the member has every play that came through the topic, polls included, and none of the synthetic ones.
    const playsOf = async (u) => (await asAdmin(`/api/v1/admin/users/${u}`)).me.archive.playsArchived;
    const member = bulkUser || adminUser;
    const seededPlays = bulkUser ? bulkSeeded : 0;
    const playsBefore = await playsOf(member);
    await admin.check('#replay-sure');
    await admin.click('#start-replay');
    const replayBox = await admin.waitForSelector('#replay[data-generation]');
    const generation = Number(await replayBox.getAttribute('data-generation'));
    await admin.waitForSelector(`#replay[data-generation="${generation}"][data-state="COMPLETED"]`, { timeout: 300000 });
    const replay = await asAdmin(`/api/v1/admin/replays/${generation}`);
    assert.equal(replay.state, 'COMPLETED', `replay ${generation}: ${replay.detail}`);
    const shownRecords = Number((await admin.textContent('label[for="replay-progress"]')).split(' records')[0].replace(/[^0-9]/g, ''));
    assert.equal(shownRecords, replay.records, 'the replayed records shown differ from the API\'s');
    const playsAfter = await playsOf(member);
    assert.ok(playsAfter >= playsBefore - seededPlays,
      `${member}: ${playsBefore} plays before the replay (${seededPlays} of them synthetic), ${playsAfter} after it`);
    if (seededPlays > 0) assert.ok(playsAfter < playsBefore, 'the synthetic plays outlived a replay of the topic');
    await accessible(admin, 'admin (replay done)');
    await shot(admin, 'dashboard-admin-replay');
    log(`ok: replay ${generation} started from the admin page and switched over (${replay.records} records); `
      + `${member} has ${playsAfter} plays (${playsBefore} before, ${seededPlays} of them synthetic)`);
    await adminContext.close();
  }

  assert.deepEqual(consoleErrors, [], 'the browser console reported errors');
  log('ALL CHECKS PASSED');
} catch (e) {
  failed = true;
  console.error('[dashboard] FAILED:', e.stack || e);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
