// The dashboard's shell: sign-in and sign-out, the signed-in caller, and hash routes (#/channels,
// ...) that name a view and carry no data: searches go in POST bodies, never in the URL.
import {get, post, del, setCsrf, onSessionExpired} from './api.js';
import {clear, announce} from './dom.js';
import * as channels from './view_channels.js';
import * as messages from './view_messages.js';
import * as patient from './view_patient.js';
import * as federation from './view_federation.js';
import * as conformance from './view_conformance.js';
import * as config from './view_config.js';

const VIEWS = {channels, messages, patient, federation, conformance, config};
const $ = (id) => document.getElementById(id);
let session = null;
let current = null; // {name, module}

function showSignedIn(s) {
  session = s;
  setCsrf(s.csrf);
  $('who-name').textContent = s.name || 'anonymous (development node)';
  $('who-role').textContent = s.role;
  $('node-name').textContent = s.node ? `${s.node}${s.organisation ? ` (${s.organisation})` : ''}` : '';
  $('who').hidden = false;
  $('nav').hidden = false;
  $('sign-in').hidden = true;
  $('view').hidden = false;
  route(true);
}

function showSignIn(message) {
  if (current && current.module.leave) current.module.leave();
  current = null;
  session = null;
  setCsrf(null);
  $('who').hidden = true;
  $('nav').hidden = true;
  $('view').hidden = true;
  clear($('view'));
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message || '';
  document.title = 'Sign in · hidewire dashboard';
}

function route(focusHeading) {
  if (!session) return;
  const name = (location.hash.match(/^#\/([a-z]+)/) || [])[1];
  if (!VIEWS[name]) { location.replace('#/channels'); return; }
  if (current && current.module.leave) current.module.leave();
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const root = clear($('view'));
  current = {name, module: VIEWS[name]};
  current.module.enter(root, session);
  const heading = root.querySelector('h1');
  document.title = `${heading ? heading.textContent : name} · hidewire dashboard`;
  // A new view: move focus to its heading so screen readers and keyboard users start there.
  if (focusHeading && heading) { heading.tabIndex = -1; heading.focus(); }
}

async function signIn(ev, byCertificate) {
  ev.preventDefault();
  const input = $('token');
  const err = $('sign-in-error');
  if (!byCertificate && !input.value.trim()) { err.textContent = 'Enter your access token.'; input.setAttribute('aria-invalid', 'true'); input.focus(); return; }
  err.textContent = '';
  try {
    // An empty body: the TLS client certificate alone names the caller.
    const s = await post('/session', byCertificate ? {} : {token: input.value.trim()});
    input.value = '';
    input.removeAttribute('aria-invalid');
    if (!location.hash) location.replace('#/channels');
    showSignedIn(s);
    announce(`Signed in as ${s.name || 'anonymous'}, ${s.role}.`);
  } catch (e) {
    input.setAttribute('aria-invalid', 'true');
    err.textContent = e.status === 401 || e.status === 403 ? `Not signed in: ${e.message}.` : `Could not sign in: ${e.message}.`;
    input.focus();
  }
}

async function signOut() {
  try { await del('/session'); } catch { /* the session may already be gone */ }
  showSignIn('You have signed out.');
  $('token').focus();
}

async function start() {
  $('sign-in-form').addEventListener('submit', (ev) => signIn(ev, false));
  // An empty sign-in: the TLS client certificate alone names the caller (or, on a development
  // node with allow_anonymous, nobody needs to be named).
  $('sign-in-cert').addEventListener('click', (ev) => signIn(ev, true));
  $('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', () => route(true));
  onSessionExpired((msg) => { if (session) showSignIn(`Your session has ended (${msg}); sign in again.`); });
  try {
    showSignedIn(await get('/session'));
  } catch {
    showSignIn('');
  }
}

start();
