// Message browser: a search (a POST: NHS numbers never go in a URL), results with checkboxes,
// one message in detail (raw, answer, Bundle, diagnostics, unmapped fields, deliveries) and
// replay of one or the selection for admins, each outcome shown.
import {get, post} from './api.js';
import {h, clear, fmtDate, fmtShort, fmtNhs, badge, tableBox, preBox, prettyJson, announce} from './dom.js';
import {hl7View} from './hl7.js';
import {tabs} from './tabs.js';
import {isValidNhs} from './nhs.js';

const STATUSES = ['accepted', 'rejected', 'failed', 'delivered', 'dead_lettered', 'held'];
const STATUS_KIND = {accepted: 'ok', delivered: 'ok', rejected: 'bad', failed: 'bad', dead_lettered: 'bad', held: 'warn', pending: 'warn', retrying: 'warn'};
let st = null; // this view's state while it is open

function field(id, label, control, hint) {
  control.id = id;
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', {class: 'field'}, h('label', {for: id}, label), control, hint ? h('small', {id: `${id}-hint`, class: 'hint'}, hint) : null);
}

function searchForm() {
  const sources = h('select', {name: 'source'}, h('option', {value: ''}, 'Any source'));
  get('/channels').then((d) => {
    for (const c of (d.channels || []).filter((x) => x.kind === 'source')) sources.append(h('option', {value: c.name}, c.name));
  }).catch(() => {});
  const form = h('form', {class: 'form search-form', id: 'message-search', novalidate: true},
    h('div', {class: 'grid'},
      field('m-control', 'Control id', h('input', {name: 'control_id', type: 'text', autocomplete: 'off'}), 'MSH-10, or a FHIR id'),
      field('m-nhs', 'NHS number', h('input', {name: 'nhs_number', type: 'text', inputmode: 'numeric', autocomplete: 'off'}), '10 digits'),
      field('m-source', 'Source', sources),
      field('m-type', 'Message type', h('input', {name: 'type', type: 'text', autocomplete: 'off'}), 'for example ADT^A01'),
      field('m-status', 'Status', h('select', {name: 'status'}, h('option', {value: ''}, 'Any status'), STATUSES.map((x) => h('option', {value: x}, x.replace('_', ' '))))),
      field('m-from', 'Received from', h('input', {name: 'from', type: 'datetime-local'})),
      field('m-to', 'Received to', h('input', {name: 'to', type: 'datetime-local'})),
      h('div', {class: 'actions grid-end'}, h('button', {type: 'submit', class: 'button'}, 'Search'),
        h('button', {type: 'reset', class: 'button secondary'}, 'Clear'))),
    h('p', {id: 'm-error', class: 'error-text', role: 'alert'}));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); search(form, false); });
  return form;
}

function criteria(form) {
  const q = {};
  for (const [k, v] of new FormData(form).entries()) {
    const t = String(v).trim();
    if (!t) continue;
    q[k] = k === 'from' || k === 'to' ? new Date(t).toISOString() : k === 'nhs_number' ? t.replace(/\s+/g, '') : t;
  }
  q.limit = 50;
  return q;
}

async function search(form, more) {
  const err = form.querySelector('#m-error');
  const q = more ? {...st.query, after: st.nextAfter} : criteria(form);
  const nhs = form.querySelector('#m-nhs');
  if (q.nhs_number && !isValidNhs(q.nhs_number)) {
    err.textContent = 'That NHS number is not valid (10 digits with a correct check digit).';
    nhs.setAttribute('aria-invalid', 'true');
    nhs.focus();
    return;
  }
  nhs.removeAttribute('aria-invalid');
  err.textContent = '';
  const mine = st;
  try {
    const data = await post('/messages/search', q);
    if (st !== mine) return;
    st.query = q;
    st.nextAfter = data.next_after;
    if (!more) { st.rows = []; st.selected.clear(); }
    st.rows.push(...(data.messages || []));
    drawResults();
    announce(`${st.rows.length} message${st.rows.length === 1 ? '' : 's'} found${data.next_after ? '; more can be loaded' : ''}.`);
  } catch (e) {
    err.textContent = `Search failed: ${e.message}.`;
  }
}

function replayButton(label, ids, extraClass) {
  const admin = st.session.role === 'admin';
  const b = h('button', {type: 'button', class: `button ${extraClass || ''}`, disabled: !admin || ids().length === 0,
    'aria-describedby': admin ? null : 'replay-why'}, label);
  b.addEventListener('click', () => replay(ids()));
  return b;
}

function drawResults() {
  const box = clear(st.results);
  if (st.rows.length === 0) { box.append(h('p', {}, 'No messages match.')); return; }
  const all = h('input', {type: 'checkbox', id: 'select-all', checked: st.rows.every((r) => st.selected.has(r.id))});
  all.addEventListener('change', () => {
    for (const r of st.rows) if (all.checked) st.selected.add(r.id); else st.selected.delete(r.id);
    drawResults();
    document.getElementById('select-all').focus();
  });
  const rows = st.rows.map((m) => {
    const cb = h('input', {type: 'checkbox', id: `sel-${m.id}`, checked: st.selected.has(m.id)});
    cb.addEventListener('change', () => { if (cb.checked) st.selected.add(m.id); else st.selected.delete(m.id); updateBar(); });
    const open = h('button', {type: 'button', class: 'link-button'}, m.control_id || `#${m.id}`, h('span', {class: 'sr-only'}, ` (show message ${m.id})`));
    open.addEventListener('click', () => showDetail(m.id, true));
    return h('tr', {class: st.open === m.id ? 'current' : '', 'data-id': String(m.id)},
      h('td', {}, cb, h('label', {for: `sel-${m.id}`, class: 'sr-only'}, `Select message ${m.id}`)),
      h('th', {scope: 'row'}, open, h('br'), h('small', {class: 'muted'}, `#${m.id}`)),
      h('td', {class: 'when', title: fmtDate(m.received_at)}, fmtShort(m.received_at)), h('td', {}, m.channel, h('br'), h('small', {}, m.type || '—')),
      h('td', {class: 'status'}, badge(m.status.replace('_', ' '), STATUS_KIND[m.status]), m.reason ? h('small', {class: 'reason'}, m.reason) : null),
      h('td', {class: 'when'}, fmtNhs(m.nhs_number)));
  });
  const tbl = h('table', {class: 'data dense', id: 'results-table'},
    h('caption', {}, `Messages found (${st.rows.length})`),
    h('thead', {}, h('tr', {},
      h('th', {scope: 'col'}, all, h('label', {for: 'select-all', class: 'sr-only'}, 'Select all messages shown')),
      ['Message', 'Received', 'Source and type', 'Status and reason', 'NHS number'].map((x) => h('th', {scope: 'col'}, x)))),
    h('tbody', {}, rows));
  st.bar = h('div', {class: 'actions replay-bar'});
  box.append(st.bar, tableBox('Messages found', tbl));
  if (st.nextAfter) {
    const more = h('button', {type: 'button', class: 'button secondary'}, 'Load more');
    more.addEventListener('click', () => search(st.form, true));
    box.append(h('div', {class: 'actions'}, more));
  }
  updateBar();
}

function updateBar() {
  if (!st.bar) return;
  const n = st.selected.size;
  clear(st.bar).append(h('span', {class: 'muted'}, `${n} selected`),
    replayButton(`Replay selected (${n})`, () => [...st.selected], 'replay-selected'));
  if (st.session.role !== 'admin') st.bar.append(h('span', {id: 'replay-why', class: 'hint'}, 'Replay needs the admin role; you are signed in as a viewer.'));
}

async function replay(ids) {
  if (ids.length === 0) return;
  const out = clear(st.outcome);
  out.append(h('p', {}, `Replaying ${ids.length} message${ids.length === 1 ? '' : 's'}…`));
  const mine = st;
  try {
    const data = await post('/messages/replay', {ids});
    if (st !== mine) return;
    const results = data.results || [];
    clear(out).append(h('h2', {tabindex: '-1'}, 'Replay outcome'),
      h('ul', {class: 'outcomes'}, results.map((r) => h('li', {},
        `Message ${r.id}: `, badge(r.outcome, STATUS_KIND[r.outcome] || (r.outcome === 'failed' ? 'bad' : 'neutral')), r.error ? ` ${r.error}` : ''))));
    announce(`Replay: ${results.map((r) => `message ${r.id} ${r.outcome}${r.error ? ` (${r.error})` : ''}`).join('; ')}.`);
  } catch (e) {
    clear(out).append(h('p', {class: 'error-text'}, `Replay refused: ${e.message}.`));
    announce(`Replay refused: ${e.message}.`);
  }
  // Statuses change with a replay: search again and show the open message as it is now.
  if (st === mine && st.query) {
    const data = await post('/messages/search', {...st.query, after: undefined}).catch(() => null);
    if (data && st === mine) { st.rows = data.messages || []; st.nextAfter = data.next_after; drawResults(); }
  }
  if (st === mine && st.open !== null) showDetail(st.open, false);
}

function section(title, ...body) {
  return h('section', {class: 'detail-part'}, h('h3', {}, title), ...body);
}

function rawPart(m) {
  const raw = m.raw || {format: 'text', text: ''};
  if (raw.format === 'hl7v2') return hl7View('Raw HL7 v2 message', raw.text);
  const text = raw.format === 'fhir-json' || raw.format === 'json' ? prettyJson(raw.text) : raw.text;
  return preBox(`Raw input (${raw.format})`, text);
}

function answerPart(m) {
  const a = m.answer;
  if (!a) return h('p', {}, 'No answer was sent.');
  if (a.kind === 'ack') return [h('p', {}, 'Acknowledgement ', badge(String(a.status), a.status === 'AA' || a.status === 'CA' ? 'ok' : 'bad')), hl7View('Acknowledgement sent', a.text, false)];
  return [h('p', {}, `HTTP ${a.status}`), a.text ? preBox('HTTP answer body', prettyJson(a.text)) : null];
}

function detailTable(caption, headers, rows) {
  if (rows.length === 0) return h('p', {}, 'None.');
  return tableBox(caption, h('table', {class: 'data compact'}, h('caption', {class: 'sr-only'}, caption),
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', {scope: 'col'}, x)))), h('tbody', {}, rows)));
}

async function showDetail(id, focus) {
  st.open = id;
  for (const tr of st.results.querySelectorAll('tbody tr')) tr.classList.toggle('current', tr.querySelector(`#sel-${id}`) !== null);
  const box = clear(st.detail);
  box.append(h('p', {}, 'Loading…'));
  let m;
  const mine = st;
  try { m = await get(`/messages/${encodeURIComponent(id)}`); } catch (e) {
    clear(box).append(h('p', {class: 'error-text', role: 'alert'}, `Could not load message ${id}: ${e.message}.`));
    return;
  }
  if (st !== mine || st.open !== id) return; // left the view, or another message was opened meanwhile
  const heading = h('h2', {tabindex: '-1', id: 'detail-heading'}, `Message ${m.id} `, h('small', {}, m.control_id || ''));
  clear(box).append(heading,
    h('dl', {class: 'summary'},
      h('dt', {}, 'Status'), h('dd', {}, badge(m.status.replace('_', ' '), STATUS_KIND[m.status]), m.reason ? ` ${m.reason}` : ''),
      h('dt', {}, 'Source'), h('dd', {}, m.channel), h('dt', {}, 'Type'), h('dd', {}, m.type || '—'),
      h('dt', {}, 'Received'), h('dd', {}, fmtDate(m.received_at)), h('dt', {}, 'NHS number'), h('dd', {}, fmtNhs(m.nhs_number))),
    h('div', {class: 'actions'}, replayButton('Replay this message', () => [m.id], 'replay-one'),
      st.session.role === 'admin' ? null : h('span', {class: 'hint'}, 'Replay needs the admin role.')),
    tabs('Message parts', [
      {label: 'Raw input', body: section('Raw input', rawPart(m))},
      {label: 'Answer', body: section('Answer sent', answerPart(m))},
      {label: 'Bundle', body: section('Converted Bundle', m.bundle ? preBox('Converted Bundle', prettyJson(m.bundle)) : h('p', {}, 'No Bundle (the message was not converted).'))},
      {label: `Diagnostics (${(m.diagnostics || []).length + (m.unmapped || []).length})`, body: [
        section('Validation diagnostics', detailTable('Validation diagnostics', ['Severity', 'Code', 'Location', 'Text'],
          (m.diagnostics || []).map((d) => h('tr', {}, h('td', {}, badge(d.severity, d.severity === 'error' ? 'bad' : d.severity === 'warning' ? 'warn' : 'neutral')),
            h('td', {}, d.code || ''), h('td', {}, d.location || ''), h('td', {}, d.text || ''))))),
        section('Unmapped fields', detailTable('Unmapped fields', ['Location', 'Value'],
          (m.unmapped || []).map((u) => h('tr', {}, h('td', {}, u.location), h('td', {}, u.text || '')))))]},
      {label: `Deliveries (${(m.deliveries || []).length})`, body: section('Delivery attempts', detailTable('Delivery attempts', ['Destination', 'Attempt', 'At', 'Outcome', 'Detail'],
        (m.deliveries || []).map((d) => h('tr', {}, h('td', {}, d.destination), h('td', {class: 'num'}, String(d.attempt)), h('td', {class: 'when'}, fmtShort(d.at)),
          h('td', {}, badge(d.outcome.replace('_', ' '), STATUS_KIND[d.outcome])), h('td', {}, d.detail || '')))))}]));
  if (focus) heading.focus();
}

export function enter(root, session) {
  st = {session, rows: [], selected: new Set(), nextAfter: null, query: null, open: null, bar: null};
  st.form = searchForm();
  st.results = h('div', {id: 'results', class: 'results'});
  st.outcome = h('div', {id: 'replay-outcome', class: 'outcome', 'aria-live': 'polite'});
  st.detail = h('div', {id: 'detail', class: 'detail'});
  root.append(h('h1', {}, 'Messages'),
    h('section', {'aria-labelledby': 'search-h'}, h('h2', {id: 'search-h', class: 'sr-only'}, 'Search'), st.form),
    h('div', {class: 'browser'},
      h('section', {class: 'browser-list', 'aria-label': 'Results'}, st.outcome, st.results),
      h('section', {class: 'browser-detail', 'aria-label': 'Message detail'}, st.detail)));
  search(st.form, false);
}

export function leave() { st = null; }
