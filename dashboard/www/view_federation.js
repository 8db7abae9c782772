// Federation: the peers this node knows, whether they answer, the latency of the last queries and
// what they refused and why.
import {get} from './api.js';
import {h, fmtDate, fmtMs, badge, tableBox, loadView} from './dom.js';
import {sparkline} from './chart.js';

function reach(r) { return r === true ? badge('Reachable', 'ok') : r === false ? badge('Unreachable', 'bad') : badge('Not yet asked', 'neutral'); }

function latency(p) {
  const v = p.latency_ms || [];
  if (!v.length) return 'No queries yet';
  const sorted = [...v].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const text = `last ${fmtMs(v[v.length - 1])}, median ${fmtMs(median)}, slowest ${fmtMs(sorted[sorted.length - 1])} over ${v.length} quer${v.length === 1 ? 'y' : 'ies'}`;
  return [sparkline(`Latency of the last ${v.length} queries to ${p.ods}: ${text}`, v), h('span', {class: 'lat-text'}, text)];
}

function refusals(list) {
  if (!list || !list.length) return 'None';
  return h('ul', {class: 'plain'}, list.map((r) => h('li', {}, h('code', {}, r.reason), ` × ${r.count}`, h('small', {}, ` last ${fmtDate(r.at)}`))));
}

function render(d) {
  const peers = d.peers || [];
  if (!peers.length) { return h('p', {}, 'This node has no peers configured.'); }
  const tbl = h('table', {class: 'data', id: 'peers-table'},
    h('caption', {}, `Peers (${peers.length})`),
    h('thead', {}, h('tr', {}, ['Organisation', 'URL', 'Reachability', 'Last contact', 'Latency of the last queries', 'Refusals'].map((x) => h('th', {scope: 'col'}, x)))),
    h('tbody', {}, peers.map((p) => h('tr', {},
      h('th', {scope: 'row'}, p.name ? `${p.name} (${p.ods})` : p.ods), h('td', {class: 'endpoint'}, p.url || '—'),
      h('td', {}, reach(p.reachable)), h('td', {}, fmtDate(p.last_contact)), h('td', {}, latency(p)), h('td', {}, refusals(p.refusals))))));
  return tableBox('Peers', tbl);
}

export function enter(root) { loadView(root, 'Federation', '/federation', render, get); }
