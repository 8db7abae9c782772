// Patient: one person by NHS number (checked with Modulus 11 here, sent in a POST body): their
// timeline across organisations, who saw their record (break-glass marked in words and an icon,
// not colour alone) and the consent and restrictions in force.
import {post} from './api.js';
import {h, clear, fmtDate, fmtNhs, badge, tableBox, announce} from './dom.js';
import {isValidNhs} from './nhs.js';

const KIND_LABEL = {admission: 'Admission', discharge: 'Discharge', 'ae-attendance': 'A&E attendance', 'gp-contact': 'GP contact',
  ambulance: 'Ambulance', nhs111: 'NHS 111', 'social-care-visit': 'Social-care visit', result: 'Result', 'care-plan-review': 'Care-plan review',
  referral: 'Referral', medication: 'Medication', other: 'Other'};

function org(o) { return o ? `${o.name || o.ods}${o.name && o.ods ? ` (${o.ods})` : ''}` : 'Unknown organisation'; }

function summary(p) {
  if (!p) return h('p', {}, 'No Patient resource is held for this NHS number; events and accesses below are all that is known.');
  const item = (k, v) => h('div', {}, h('dt', {}, k), h('dd', {}, v));
  return h('dl', {class: 'summary cols'},
    item('NHS number', fmtNhs(p.nhs_number)), item('Date of birth', p.birth_date || '—'), item('Gender', p.gender || '—'),
    item('Registered GP', p.gp ? org(p.gp) : 'None recorded'),
    item('Flags', [p.sensitive ? badge('Sensitive record', 'warn') : null, p.deceased ? badge('Deceased', 'neutral') : null,
      !p.sensitive && !p.deceased ? 'None' : null]));
}

function consent(c) {
  if (!c) return h('p', {}, 'No consent information.');
  const list = (title, items, text) => h('div', {}, h('h3', {}, title),
    items && items.length ? h('ul', {}, items.map((x) => h('li', {}, text(x)))) : h('p', {}, 'None.'));
  return h('div', {class: 'consent'},
    h('ul', {class: 'facts'},
      h('li', {}, c.dissent ? badge('Dissent recorded: the record is not shared', 'bad') : 'No dissent recorded.'),
      h('li', {}, c.national_opt_out ? badge('National data opt-out in force', 'warn') : 'No national data opt-out.')),
    list('Point-of-care consent', c.point_of_care, (x) => (typeof x === 'string' ? x : x.text || JSON.stringify(x))),
    list('Restrictions', c.restrictions, (x) => [x.text, x.data_class || x.recipient ? h('small', {}, ` (${[x.data_class, x.recipient].filter(Boolean).join(', ')})`) : null]),
    list('Proxies', c.proxies, (x) => x.text || JSON.stringify(x)));
}

// The server's titles stand alone ("Result: Potassium ..."); beside the kind's badge the same
// word again would be read twice by a screen reader.
function untitled(e) {
  const label = KIND_LABEL[e.kind] || e.kind;
  if (e.title === label) return '';
  return e.title.startsWith(`${label}: `) ? e.title.slice(label.length + 2) : e.title;
}

function timeline(items) {
  if (!items.length) return h('p', {}, 'No events.');
  return h('ol', {class: 'timeline'}, items.map((e) => h('li', {class: `tl-item tl-${e.kind}`},
    h('p', {class: 'tl-when'}, h('time', {datetime: e.at}, fmtDate(e.at))),
    h('p', {class: 'tl-what'}, badge(KIND_LABEL[e.kind] || e.kind, 'neutral'), ` ${untitled(e)}`),
    h('p', {class: 'tl-where muted'}, org(e.organisation), e.resource ? ` · ${e.resource}` : ''))));
}

function accessLog(rows) {
  if (!rows.length) return h('p', {}, 'No one has accessed this record.');
  const tbl = h('table', {class: 'data', id: 'access-log'},
    h('caption', {}, 'Who saw this record (newest first); break-glass accesses are marked'),
    h('thead', {}, h('tr', {}, ['When', 'Who', 'Organisation', 'Role', 'Action', 'Purpose', 'Outcome', 'Break-glass'].map((x) => h('th', {scope: 'col'}, x)))),
    h('tbody', {}, rows.map((a) => h('tr', {class: a.break_glass ? 'break-glass' : ''},
      h('td', {}, fmtDate(a.at)), h('th', {scope: 'row'}, a.who || '—'), h('td', {}, a.organisation || '—'), h('td', {}, a.role || '—'),
      h('td', {}, a.action), h('td', {}, a.purpose || '—'),
      h('td', {}, badge(a.outcome, a.outcome === 'granted' ? 'ok' : 'bad')),
      h('td', {}, a.break_glass ? [h('span', {class: 'bg-flag'}, h('span', {'aria-hidden': 'true'}, '⚠ '), 'Break-glass'), a.reason ? h('span', {class: 'bg-reason'}, `: ${a.reason}`) : null] : 'No')))));
  return tableBox('Access log', tbl);
}

async function lookUp(form, out) {
  const input = form.querySelector('#p-nhs');
  const err = form.querySelector('#p-error');
  const nhs = input.value.replace(/\s+/g, '');
  if (!isValidNhs(nhs)) {
    err.textContent = nhs ? 'That is not a valid NHS number: it needs 10 digits and a correct check digit (Modulus 11).' : 'Enter an NHS number.';
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  input.removeAttribute('aria-invalid');
  err.textContent = '';
  clear(out).append(h('p', {}, 'Looking up…'));
  try {
    const d = await post('/patient', {nhs_number: nhs});
    const breakGlass = (d.access_log || []).filter((a) => a.break_glass).length;
    const heading = h('h2', {tabindex: '-1'}, d.patient && d.patient.name ? d.patient.name : `NHS number ${fmtNhs(nhs)}`);
    clear(out).append(heading, summary(d.patient),
      h('div', {class: 'patient-grid'},
        h('section', {'aria-labelledby': 'tl-h'}, h('h2', {id: 'tl-h'}, `Timeline (${(d.timeline || []).length} events)`), timeline(d.timeline || [])),
        h('section', {'aria-labelledby': 'cons-h'}, h('h2', {id: 'cons-h'}, 'Consent and restrictions in force'), consent(d.consent))),
      h('section', {'aria-labelledby': 'al-h'}, h('h2', {id: 'al-h'}, `Access log (${(d.access_log || []).length}${breakGlass ? `, ${breakGlass} break-glass` : ''})`), accessLog(d.access_log || [])));
    heading.focus();
    announce(`Record of ${d.patient && d.patient.name ? d.patient.name : 'this patient'} shown: ${(d.timeline || []).length} events, ${(d.access_log || []).length} accesses.`);
  } catch (e) {
    clear(out).append(h('p', {class: 'error-text', role: 'alert'}, e.status === 404 ? 'No patient with that NHS number is known to this node.' : `Look-up failed: ${e.message}.`));
  }
}

export function enter(root) {
  const out = h('div', {id: 'patient-out'});
  const form = h('form', {class: 'form inline-form', id: 'patient-search', novalidate: true},
    h('div', {class: 'field'}, h('label', {for: 'p-nhs'}, 'NHS number'),
      h('input', {id: 'p-nhs', name: 'nhs_number', type: 'text', inputmode: 'numeric', autocomplete: 'off', 'aria-describedby': 'p-hint p-error'}),
      h('small', {id: 'p-hint', class: 'hint'}, '10 digits, spaces allowed; checked before it is sent')),
    h('button', {type: 'submit', class: 'button'}, 'Look up'),
    h('p', {id: 'p-error', class: 'error-text', role: 'alert'}));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); lookUp(form, out); });
  root.append(h('h1', {}, 'Patient'), h('p', {}, 'Every look-up is audited under the patient, as any access to their record is.'), form, out);
}
