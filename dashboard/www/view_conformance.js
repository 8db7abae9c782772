// Conformance: the latest conformance-suite reports, with their counts and each HTML report.
import {get} from './api.js';
import {h, fmtDate, badge, tableBox, loadView} from './dom.js';

// The report's own verdict (ok: every required test passed) when it has one, else from its counts;
// skipped required tests mean the pack was not passed.
function result(r) {
  if (r.ok === true) return badge('Passed', 'ok');
  if (r.failed || r.errors) return badge('Failed', 'bad');
  if (r.skipped) return badge('Not passed: tests skipped', 'warn');
  return r.ok === false ? badge('Not passed', 'bad') : badge('Passed', 'ok');
}

function render(d) {
  const reports = d.reports || [];
  if (!reports.length) { return h('p', {}, 'No conformance reports yet (hidewire conformance run --report DIR writes them; the configuration names the folder).'); }
  const tbl = h('table', {class: 'data', id: 'reports-table'},
    h('caption', {}, `Latest reports (${reports.length})`),
    h('thead', {}, h('tr', {}, ['Report', 'Pack', 'Run at', 'Result', 'Passed', 'Failed', 'Skipped', 'Errors', 'HTML report'].map((x) => h('th', {scope: 'col'}, x)))),
    h('tbody', {}, reports.map((r) => h('tr', {},
      h('th', {scope: 'row'}, r.name), h('td', {}, r.pack), h('td', {}, fmtDate(r.at)),
      h('td', {}, result(r)),
      ['passed', 'failed', 'skipped', 'errors'].map((k) => h('td', {class: 'num'}, String(r[k] ?? 0))),
      h('td', {}, r.html ? h('a', {href: r.html, target: '_blank', rel: 'noopener noreferrer'}, `Open ${r.name} `, h('span', {class: 'sr-only'}, '(opens in a new tab)')) : '—')))));
  return tableBox('Conformance reports', tbl);
}

export function enter(root) { loadView(root, 'Conformance', '/conformance', render, get); }
