// The dashboard in a real browser: Debian's chromium driven by puppeteer-core against a running
// node (started by run_dashboard.sh). Covers sign-in, each view, a replay done by clicking, a
// viewer who cannot replay, keyboard-only use, no CSP violation, and axe-core's WCAG 2.1 A/AA
// rules at 1280x800 and 768x1024. With SCREENSHOTS=DIR, writes a 1280x800 PNG of each view there.
// Env: BASE (http://127.0.0.1:PORT), ADMIN_TOKEN, VIEWER_TOKEN, NHS (a patient the node holds),
// ADMISSION (the control id of an accepted ADT^A01 of theirs), BREAK_GLASS_REASON (the reason
// given by someone who broke glass to read that patient's record),
// PEER (a peer's ODS code), CHROMIUM (default /usr/bin/chromium).
import puppeteer from 'puppeteer-core';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const {BASE, ADMIN_TOKEN, VIEWER_TOKEN, NHS, ADMISSION, PEER, SCREENSHOTS, BREAK_GLASS_REASON} = process.env;
const VIEWS = ['channels', 'messages', 'patient', 'federation', 'conformance', 'config'];
let passed = 0, failed = 0;
const urls = [];

function check(ok, what) {
  if (ok) { passed += 1; console.log(`ok - ${what}`); } else { failed += 1; console.log(`not ok - ${what}`); }
  return ok;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const text = (page, sel) => page.$eval(sel, (e) => e.textContent).catch(() => '');
async function waitText(page, sel, want, ms = 8000) {
  try {
    await page.waitForFunction((s, w) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(w)), {timeout: ms}, sel, want);
    return true;
  } catch { return false; }
}

async function newPage(browser, width = 1280, height = 800) {
  // Each user in a context of their own: no cookie of an earlier session carries over.
  const page = await (await browser.createBrowserContext()).newPage();
  await page.setViewport({width, height});
  // CSP violations are recorded by the page itself (this script runs before the page's own).
  await page.evaluateOnNewDocument(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (e) => check(false, `no script error: ${e.message}`));
  page.on('request', (r) => urls.push(r.url()));
  return page;
}

async function signIn(page, token) {
  await page.goto(`${BASE}/ui/`, {waitUntil: 'networkidle0'});
  await page.waitForSelector('#token', {visible: true});
  await page.type('#token', token);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#who:not([hidden])', {timeout: 5000});
}

async function go(page, view) {
  await page.click(`#nav a[data-view="${view}"]`);
  await page.waitForFunction((v) => document.querySelector(`#nav a[data-view="${v}"]`).getAttribute('aria-current') === 'page', {}, view);
}

async function axe(page, label) {
  await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}));
  const v = r.violations.map((x) => `${x.id}: ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  check(v.length === 0, `axe: no WCAG 2.1 A/AA violation on ${label}${v.length ? `\n    ${v.join('\n    ')}` : ''}`);
}

async function cspClean(page, label) {
  const v = await page.evaluate(() => window.__csp);
  check(v.length === 0, `no Content-Security-Policy violation on ${label}${v.length ? `: ${v.join('; ')}` : ''}`);
}

// Fills each view with data the way a user would, so checks and screenshots see it filled.
async function fill(page, view) {
  if (view === 'channels') await page.waitForSelector('#channels-table tbody tr');
  if (view === 'messages') {
    await page.waitForSelector('#results-table tbody tr');
    // The test's admission when the newest page lists it, else the oldest listed.
    const rows = await page.$$('#results-table tbody tr');
    let row = rows[rows.length - 1];
    for (const r of rows) if ((await r.evaluate((e) => e.textContent)).includes(ADMISSION || '-')) row = r;
    await (await row.$('th button')).click();
    await page.waitForSelector('#detail .hl7-field');
  }
  if (view === 'patient') {
    await page.type('#p-nhs', NHS);
    await page.click('#patient-search button[type=submit]');
    await page.waitForSelector('#patient-out h2');
  }
  if (view === 'federation') await page.waitForSelector('#peers-table, #view p');
  if (view === 'conformance') await page.waitForSelector('#reports-table, #view p');
  if (view === 'config') await page.waitForSelector('#view pre.code');
  await sleep(200);
}

async function tabTo(page, pred, what, max = 80) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(pred)) return true;
  }
  return check(false, `keyboard: Tab reaches ${what}`);
}

async function main() {
  const browser = await puppeteer.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions']});
  try {
    // Sign-in: a wrong token is refused with a message; the admin's token signs in.
    let page = await newPage(browser);
    await page.goto(`${BASE}/ui/`, {waitUntil: 'networkidle0'});
    await page.waitForSelector('#token', {visible: true});
    await axe(page, 'sign-in (1280x800)');
    await page.type('#token', 'not-a-token');
    await page.click('#sign-in-form button[type=submit]');
    check(await waitText(page, '#sign-in-error', 'Not signed in'), 'a wrong token is refused with a message');
    await page.$eval('#sign-in-error', (e) => { e.textContent = ''; });
    await page.click('#sign-in-cert');
    check(await waitText(page, '#sign-in-error', 'Not signed in'), 'no token and no client certificate: refused with a message');
    await page.$eval('#token', (e) => { e.value = ''; });
    await signIn(page, ADMIN_TOKEN);
    check((await text(page, '#who-role')) === 'admin', 'the admin is signed in and shown as admin');

    // Channels: the MLLP source and the store, counters, charts with text alternatives, live.
    await go(page, 'channels');
    await fill(page, 'channels');
    const rows = await page.$$eval('#channels-table tbody tr', (t) => t.map((r) => [r.querySelector('th').firstChild.textContent, ...[...r.children].map((c) => c.textContent)]));
    const src = rows.find((r) => r[0] === 'pas-adt');
    check(src && Number(src[4]) >= 2 && Number(src[6]) >= 1, `channels: the MLLP source counts received and rejected (${src})`);
    check(rows.some((r) => r[0] === 'store' && r[1].includes('destination')), 'channels: the store destination is listed');
    check(src && /^127\.0\.0\.1:[1-9][0-9]*$/.test(src[3]), `channels: the source's endpoint is the port bound, not the configured :0 (${src && src[3]})`);
    check(await page.$$eval('svg.chart desc', (d) => d.length > 0 && d.every((x) => x.textContent.startsWith('Last 60 minutes') || x.textContent.startsWith('No '))),
      'channels: each chart has a text summary');
    const before = await text(page, '#view .muted');
    check(await page.waitForFunction((b) => document.querySelector('#view .muted').textContent !== b, {timeout: 9000}, before).then(() => true, () => false),
      'channels: refreshed by itself within 5 s');

    // Messages: a search by NHS number goes in a POST body, never the URL.
    await go(page, 'messages');
    await page.waitForSelector('#results-table tbody tr');
    await page.type('#m-nhs', '943 476 5910');
    await page.click('#message-search button[type=submit]');
    check(await waitText(page, '#m-error', 'not valid'), 'messages: an NHS number failing Modulus 11 is refused before sending');
    await page.$eval('#m-nhs', (e) => { e.value = ''; });
    await page.type('#m-nhs', NHS);
    await page.click('#message-search button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#results-table caption') && !document.querySelector('#m-error').textContent);
    await sleep(300);
    const found = await page.$$eval('#results-table tbody tr', (t) => t.map((r) => r.children[5].textContent.replace(/\s+/g, '')));
    check(found.length >= 2 && found.every((n) => n === NHS), `messages: the search by NHS number finds that patient's messages only (${found.length})`);
    // The accepted admission, found by its control id, in detail: HL7 fields numbered, the ACK,
    // the Bundle, deliveries.
    await page.$eval('#m-nhs', (e) => { e.value = ''; });
    await page.type('#m-control', ADMISSION);
    await page.click('#message-search button[type=submit]');
    await sleep(500);
    const adm = await page.$$eval('#results-table tbody tr', (t) => t.map((r) => r.textContent));
    check(adm.length === 1 && adm[0].includes('ADT^A01') && adm[0].includes('accepted'), `messages: the search by control id finds the accepted admission (${adm})`);
    await page.click('#results-table tbody tr th button');
    await page.$eval('#m-control', (e) => { e.value = ''; });
    await page.waitForSelector('#detail .hl7-field');
    const pid3 = await page.$eval('#detail .hl7-field[data-loc="PID-3"]', (e) => e.textContent).catch(() => '');
    check(pid3.includes(NHS), `messages: raw HL7 shown per field, PID-3 numbered (${pid3})`);
    check((await text(page, '#detail')).includes('Acknowledgement') && (await text(page, '#detail')).includes('AA'), 'messages: the ACK sent is shown');
    check((await text(page, '#detail')).includes('"resourceType": "Bundle"'), 'messages: the converted Bundle is shown, pretty-printed');
    check(await page.$$eval('#detail .detail-part', (p) => p.some((x) => x.textContent.includes('Delivery attempts') && x.textContent.includes('store'))),
      'messages: the delivery to the store is listed');
    // The rejected message: its diagnostics.
    await page.select('#m-status', 'rejected');
    await page.click('#message-search button[type=submit]');
    await waitText(page, '#results-table caption', 'Messages found');
    await sleep(300);
    await page.click('#results-table tbody tr th button');
    await page.waitForSelector('#detail-heading');
    await sleep(300);
    const rej = await page.evaluate(() => {
      const part = [...document.querySelectorAll('#detail .detail-part')].find((p) => p.querySelector('h3').textContent === 'Validation diagnostics');
      return [document.querySelector('#detail dd .badge').textContent, part ? [...part.querySelectorAll('tbody tr')].map((r) => r.textContent).join(' / ') : ''];
    });
    check(rej[0] === 'rejected' && /^error/.test(rej[1]), `messages: the rejected message shows its status and its error diagnostics (${rej})`);

    // Replay by clicking: the failed delivery, once its peer is up, is delivered; status changes.
    await page.select('#m-status', 'failed');
    await page.click('#message-search button[type=submit]');
    await sleep(500);
    const failedRows = await page.$$('#results-table tbody tr');
    check(failedRows.length >= 1, 'messages: a failed message is listed');
    const failedId = await page.$eval('#results-table tbody tr', (e) => e.dataset.id).catch(() => '');
    await page.click(`#sel-${failedId}`);
    await page.click('.replay-selected');
    check(await page.waitForFunction((id) => /Message \d+: (delivered|pending)/.test(document.querySelector('#replay-outcome').textContent), {timeout: 10000}, failedId)
      .then(() => true, () => false), `replay: the outcome is shown (${await text(page, '#replay-outcome')})`);
    // The delivery may still be on its way ("pending"): search again until its status has changed.
    let now = null;
    for (let i = 0; i < 20; i += 1) {
      await page.select('#m-status', '');
      await page.click('#message-search button[type=submit]');
      await sleep(500);
      const after = await page.$$eval('#results-table tbody tr', (t) => t.map((r) => [r.dataset.id, r.querySelector('.badge').textContent]));
      now = after.find((r) => r[0] === failedId);
      if (now && now[1] !== 'failed') break;
    }
    check(now && now[1] !== 'failed', `replay: message ${failedId} is no longer failed (${now && now[1]})`);
    await cspClean(page, 'messages');

    // Patient: timeline, access log, consent.
    await go(page, 'patient');
    await page.type('#p-nhs', '1234567890');
    await page.click('#patient-search button[type=submit]');
    check(await waitText(page, '#p-error', 'not a valid NHS number'), 'patient: Modulus 11 checked before sending');
    await page.$eval('#p-nhs', (e) => { e.value = ''; });
    await fill(page, 'patient');
    const pt = await text(page, '#patient-out');
    check(pt.includes('Timeline') && (await page.$$('.tl-item')).length >= 1, 'patient: the timeline has events');
    check(pt.includes('Access log') && (await page.$$('#access-log tbody tr')).length >= 1, 'patient: the access log lists who saw the record');
    const cons = await text(page, '.consent');
    check(cons.includes('X77'), `patient: the restriction in force is shown (${cons})`);
    // The timeline names who did what: no "Unknown organisation", one admission for the stay.
    const tl = await page.$$eval('.tl-item', (r) => r.map((x) => x.textContent));
    check(tl.filter((t) => t.includes('Admitted to')).length === 1, `patient: one "Admitted to ..." entry for the stay (${tl.join(' | ')})`);
    check(tl.every((t) => !t.includes('Unknown organisation')), 'patient: every timeline entry names its organisation');
    // The paramedic's break-glass read: marked in words, a sign and the reason, not by colour alone.
    const bg = await page.$$eval('#access-log tr.break-glass', (r) => r.map((x) => x.textContent));
    check(bg.length >= 1, `patient: the break-glass access is in the access log (${bg.length})`);
    check(bg.length >= 1 && bg.every((t) => t.includes('Break-glass') && t.includes('⚠')), 'patient: break-glass rows say so in words and a sign');
    check(bg.some((t) => t.includes(BREAK_GLASS_REASON) && t.includes('Jo Paramedic')), `patient: the row gives who broke glass and why (${bg[0]})`);
    const band = await page.$eval('#access-log tr.break-glass td', (td) => getComputedStyle(td).boxShadow).catch(() => '');
    check(band.includes('inset'), `patient: the break-glass row has a band at its start (${band})`);
    check(/break-glass/.test(await text(page, '#al-h')), 'patient: the access log heading counts the break-glass accesses');

    await go(page, 'federation');
    await fill(page, 'federation');
    check((await text(page, '#view')).includes(PEER), `federation: the peer ${PEER} is listed`);
    await go(page, 'conformance');
    await fill(page, 'conformance');
    const conf = await page.$$eval('#reports-table tbody tr', (r) => r.map((x) => x.textContent)).catch(() => []);
    check(conf.length >= 1, `conformance: reports listed (${conf.length})`);
    // The run skipped the tests it had no target for: the pack is not passed, and it says so.
    check(conf.length >= 1 && conf[0].includes('Not passed: tests skipped'), `conformance: the report's verdict is shown (${conf[0]})`);
    const href = await page.$eval('#reports-table a', (a) => a.href).catch(() => '');
    if (href) {
      const res = await page.evaluate((u) => fetch(u).then((r) => [r.status, r.headers.get('content-type')]), href);
      check(res[0] === 200 && String(res[1]).includes('html'), `conformance: the HTML report is served (${res})`);
    }
    await go(page, 'config');
    await fill(page, 'config');
    const cfg = await text(page, '#view pre.code');
    check(cfg.includes('"***"') && !cfg.includes(ADMIN_TOKEN), 'config: the running config is shown with secrets hidden');
    await page.type('#cfg-text', '{"node": {"name": 5}}');
    await page.click('#config-check button[type=submit]');
    check(await waitText(page, '#cfg-result', 'has errors'), 'config: a bad config is checked and its errors shown');
    await page.$eval('#cfg-text', (e) => { e.value = ''; });
    await page.type('#cfg-text', cfg.replace(/"\*\*\*"/g, '"0000000000000000000000000000000000000000000000000000000000000000"').slice(0, 20000), {delay: 0});
    await cspClean(page, 'config');

    // No URL the browser asked for carried the NHS number.
    check(!urls.some((u) => u.includes(NHS)), 'no request URL carries an NHS number');

    // Accessibility and screenshots of every view at both sizes.
    for (const [w, hgt] of [[1280, 800], [768, 1024]]) {
      await page.setViewport({width: w, height: hgt});
      for (const v of VIEWS) {
        await go(page, v);
        await fill(page, v);
        await axe(page, `${v} (${w}x${hgt})`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        check(overflow <= 0, `${v} (${w}x${hgt}): no horizontal page scroll (${overflow}px)`);
        if (SCREENSHOTS && w === 1280) await page.evaluate(() => { if (document.activeElement) document.activeElement.blur(); window.scrollTo(0, 0); });
        // The patient's screenshot shows the break-glass row of the access log.
        if (SCREENSHOTS && w === 1280 && v === 'patient') await page.$eval('#access-log tr.break-glass', (r) => r.scrollIntoView({block: 'end'})).catch(() => {});
        if (SCREENSHOTS && w === 1280) await page.screenshot({path: path.join(SCREENSHOTS, `${v}.png`)});
      }
    }
    await page.click('#sign-out');
    check(await waitText(page, '#sign-in-error', 'signed out'), 'sign-out ends the session');
    const gone = await page.evaluate(() => fetch('/ui/api/session').then((r) => r.status));
    check(gone === 401, `after sign-out the session is gone (${gone})`);
    await page.close();

    // A viewer: every view, but replay disabled with the reason, and refused by the server.
    // (On a tablet: the sign-in page passes axe there too.)
    page = await newPage(browser, 768, 1024);
    await page.goto(`${BASE}/ui/`, {waitUntil: 'networkidle0'});
    await page.waitForSelector('#token', {visible: true});
    await axe(page, 'sign-in (768x1024)');
    await signIn(page, VIEWER_TOKEN);
    check((await text(page, '#who-role')) === 'viewer', 'the viewer is signed in and shown as viewer');
    await go(page, 'messages');
    await page.waitForSelector('#results-table tbody tr');
    await page.click('#results-table tbody tr td input[type=checkbox]');
    const dis = await page.$eval('.replay-selected', (b) => [b.disabled, document.getElementById(b.getAttribute('aria-describedby'))?.textContent]);
    check(dis[0] === true && String(dis[1]).includes('admin role'), `viewer: replay is disabled with the reason (${dis})`);
    await page.click('#results-table tbody tr th button');
    await page.waitForSelector('.replay-one');
    check(await page.$eval('.replay-one', (b) => b.disabled), 'viewer: "Replay this message" is disabled too');
    const forced = await page.evaluate(async () => {
      const s = await fetch('/ui/api/session').then((r) => r.json());
      const r = await fetch('/ui/api/messages/replay', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf}, body: '{"ids":[1]}'});
      return [r.status, (await r.json()).error];
    });
    check(forced[0] === 403 && /admin/.test(forced[1]), `viewer: the server refuses a viewer's replay (${forced})`);
    const nocsrf = await page.evaluate(() => fetch('/ui/api/messages/search', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'}).then((r) => r.status));
    check(nocsrf === 403, `a POST without the CSRF token is refused (${nocsrf})`);
    await page.close();

    // Keyboard only: sign in, navigate, search, select and replay with Tab, Enter and Space.
    page = await newPage(browser);
    await page.goto(`${BASE}/ui/`, {waitUntil: 'networkidle0'});
    await page.waitForSelector('#token', {visible: true});
    await page.keyboard.press('Tab');
    check(await page.evaluate(() => document.activeElement.classList.contains('skip-link')), 'keyboard: the first Tab reaches the skip link');
    await tabTo(page, () => document.activeElement.id === 'token', 'the token field');
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#who:not([hidden])');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab'); // past the skip link and the sign-out button
    await tabTo(page, () => document.activeElement.dataset && document.activeElement.dataset.view === 'messages', 'the Messages link');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#results-table tbody tr');
    check(await page.evaluate(() => document.activeElement.tagName === 'H1'), 'keyboard: a new view puts focus on its heading');
    await tabTo(page, () => document.activeElement.id === 'm-status', 'the status filter');
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown'); // 'accepted'
    await page.keyboard.press('Enter');
    await page.$eval('#m-status', (e) => e.value).then((v) => v || page.select('#m-status', 'accepted'));
    await tabTo(page, () => document.activeElement.matches('#message-search button[type=submit]'), 'the Search button');
    await page.keyboard.press('Enter');
    await sleep(500);
    await tabTo(page, () => document.activeElement.matches('#results-table tbody input[type=checkbox]'), 'a result checkbox');
    await page.keyboard.press('Space');
    check(await page.evaluate(() => document.activeElement.checked), 'keyboard: Space selects a message');
    // Shift+Tab back to the replay button above the table.
    for (let i = 0; i < 5 && !(await page.evaluate(() => document.activeElement.matches('.replay-selected'))); i += 1) await page.keyboard.down('Shift').then(() => page.keyboard.press('Tab')).then(() => page.keyboard.up('Shift'));
    check(await page.evaluate(() => document.activeElement.matches('.replay-selected')), 'keyboard: the replay button is reachable');
    await page.keyboard.press('Enter');
    check(await waitText(page, '#replay-outcome', 'Message '), `keyboard: replay outcome shown (${await text(page, '#replay-outcome')})`);
    // The HL7 fields: one Tab stop, arrows between fields, each shows its position on focus.
    await page.click('#results-table tbody tr th button');
    await page.waitForSelector('#detail .hl7-field');
    await page.focus('#detail .hl7-field[tabindex="0"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    const loc = await page.evaluate(() => document.activeElement.dataset.loc);
    check(/^[A-Z0-9]{3}-\d+$/.test(loc || ''), `keyboard: arrow keys move between HL7 fields (${loc})`);
    // The message's parts are tabs: one Tab stop, the arrow keys move between them.
    await page.focus('#detail [role=tab][aria-selected=true]');
    await page.keyboard.press('ArrowRight');
    const tab = await page.evaluate(() => [document.activeElement.textContent, document.activeElement.getAttribute('aria-selected'),
      !document.getElementById(document.activeElement.getAttribute('aria-controls')).hidden]);
    check(tab[0] === 'Answer' && tab[1] === 'true' && tab[2], `keyboard: ArrowRight selects the next tab and shows its panel (${tab})`);
    await cspClean(page, 'keyboard run');
    await page.close();
  } finally {
    await browser.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`not ok - ${e.stack || e}`); console.log(`${passed} passed, ${failed + 1} failed`); process.exit(1); });
