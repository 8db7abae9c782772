// Channels: every source and destination with its state, counters, queue depth and last error,
// and charts of its last hour; polled every 5 s while the view is open.
import {get} from './api.js';
import {h, clear, fmtDate, fmtMs, badge, tableBox, announce} from './dom.js';
import {lineChart} from './chart.js';

const COUNTERS = [['received', 'Received'], ['accepted', 'Accepted'], ['rejected', 'Rejected'], ['duplicates', 'Duplicates'],
  ['routed', 'Routed'], ['delivered', 'Delivered'], ['failed', 'Failed'], ['dead_lettered', 'Dead-lettered']];
const POLL_MS = 5000;
let timer = null;
let generation = 0; // a refresh that returns after the view was left draws nothing
let lastSeen = new Map();

const STATE_KIND = {listening: 'ok', running: 'ok', stopped: 'neutral', retrying: 'warn', down: 'bad'};

function row(c) {
  return h('tr', {},
    h('th', {scope: 'row'}, c.name, h('br'), h('small', {class: 'muted'}, `${c.kind}, ${c.type}`)),
    h('td', {}, badge(c.state, STATE_KIND[c.state] || 'neutral')),
    h('td', {class: 'endpoint'}, c.endpoint || '—'),
    COUNTERS.map(([k]) => h('td', {class: 'num'}, String((c.counters || {})[k] ?? 0))),
    h('td', {class: 'num'}, String(c.queue_depth ?? 0)),
    h('td', {class: 'last-error'}, c.last_error ? [h('span', {class: 'error-text'}, c.last_error.text), h('br'), h('small', {class: 'when'}, fmtDate(c.last_error.at))] : 'None'));
}

function sum(points, key) { return points.reduce((a, p) => a + (p[key] || 0), 0); }
function peak(points, key) { return points.reduce((a, p) => Math.max(a, p[key] || 0), 0); }

function charts(c) {
  const pts = (c.series && c.series.points) || [];
  const thr = c.kind === 'source'
    ? [{key: 'received', label: 'Received'}, {key: 'accepted', label: 'Accepted'}, {key: 'rejected', label: 'Rejected'}]
    : [{key: 'delivered', label: 'Delivered'}, {key: 'failed', label: 'Failed'}];
  const lat = [{key: 'latency_ms_p50', label: 'Median (p50)'}, {key: 'latency_ms_p95', label: '95th percentile'}];
  const latVals = pts.map((p) => p.latency_ms_p95).filter((v) => typeof v === 'number');
  return h('section', {class: 'card channel-card', 'aria-labelledby': `ch-${c.name}`},
    h('h3', {id: `ch-${c.name}`}, `${c.name} `, h('small', {}, `${c.kind}, ${c.type}`)),
    h('div', {class: 'charts'},
      lineChart('Throughput per minute', `${c.name} throughput per minute, last hour`, pts, thr, 'messages per minute',
        () => `Last 60 minutes: ${thr.map((x) => `${x.label.toLowerCase()} ${sum(pts, x.key)} (peak ${peak(pts, x.key)} a minute)`).join(', ')}.`),
      lineChart('Latency', `${c.name} latency, last hour`, pts, lat, 'milliseconds',
        (any) => any ? `Last 60 minutes: 95th percentile latency at most ${fmtMs(Math.max(...latVals))}, latest median ${fmtMs([...pts].reverse().find((p) => typeof p.latency_ms_p50 === 'number')?.latency_ms_p50)}.`
          : (c.kind === 'source' ? 'No messages answered in the last hour.' : 'No deliveries in the last hour.'), true)));
}

function changes(list) {
  const out = [];
  for (const c of list) {
    const prev = lastSeen.get(c.name);
    if (prev && prev.state !== c.state) out.push(`${c.name} is now ${c.state}`);
    if (prev && c.last_error && (!prev.last_error || prev.last_error.at !== c.last_error.at)) out.push(`${c.name} error: ${c.last_error.text}`);
  }
  lastSeen = new Map(list.map((c) => [c.name, c]));
  return out;
}

async function refresh(parts, gen) {
  try {
    const data = await get('/channels');
    if (gen !== generation) return;
    const list = data.channels || [];
    clear(parts.tbody).append(...list.map(row));
    clear(parts.charts).append(...list.map(charts));
    parts.updated.textContent = `Updated ${fmtDate(data.now)}; refreshed every 5 seconds.`;
    parts.error.textContent = '';
    const ch = changes(list);
    if (ch.length) announce(ch.join('. '));
  } catch (e) {
    if (gen !== generation) return;
    parts.error.textContent = `Could not refresh the channels: ${e.message}. Trying again in 5 seconds.`;
  }
  if (gen === generation) timer = setTimeout(() => refresh(parts, gen), POLL_MS);
}

export function enter(root) {
  lastSeen = new Map();
  const tbody = h('tbody');
  const parts = {tbody, charts: h('div', {class: 'channel-cards'}), updated: h('p', {class: 'muted'}), error: h('p', {class: 'error-text', role: 'alert'})};
  const tbl = h('table', {class: 'data dense', id: 'channels-table'},
    h('caption', {}, 'Sources and destinations'),
    h('thead', {}, h('tr', {},
      ['Channel', 'State', 'Endpoint'].map((x) => h('th', {scope: 'col'}, x)),
      COUNTERS.map(([, l]) => h('th', {scope: 'col', class: 'num'}, l)),
      h('th', {scope: 'col', class: 'num'}, 'Queue'), h('th', {scope: 'col'}, 'Last error'))),
    tbody);
  root.append(h('h1', {}, 'Channels'), parts.updated, parts.error, tableBox('Channels table', tbl),
    h('h2', {}, 'Last hour'), parts.charts);
  generation += 1;
  refresh(parts, generation);
}

export function leave() { generation += 1; clearTimeout(timer); timer = null; }
