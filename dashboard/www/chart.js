// Line charts of a channel's last hour, drawn as SVG with the DOM API, each with a text
// alternative: a one-line summary (the SVG's desc) and a table of the minutes with activity.
import {h, s, nextId, fmtTime} from './dom.js';

const W = 360, H = 120, PAD_L = 34, PAD_R = 8, PAD_T = 8, PAD_B = 20;
// Series differ by dash pattern and marker as well as colour, so no meaning is in colour alone.
const STYLES = ['line-a', 'line-b', 'line-c'];

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function xAt(i, count) { return PAD_L + (i / Math.max(count - 1, 1)) * (W - PAD_L - PAD_R); }
function yAt(v, max) { return PAD_T + (1 - v / max) * (H - PAD_T - PAD_B); }

function pathFor(points, key, max) {
  let d = '';
  let pen = false;
  points.forEach((p, i) => {
    const v = p[key];
    if (v === null || v === undefined) { pen = false; return; }
    d += `${pen ? 'L' : 'M'}${xAt(i, points.length).toFixed(1)} ${yAt(v, max).toFixed(1)} `;
    pen = true;
  });
  return d.trim();
}

// caption: shown above; title: the chart's accessible name; series: [{key, label}]; unit: for the table.
export function lineChart(caption, title, points, series, unit, summarise, markers = false) {
  const id = nextId('chart');
  const values = points.flatMap((p) => series.map((x) => p[x.key])).filter((v) => typeof v === 'number');
  const max = niceMax(values.length ? Math.max(...values) : 0);
  const summary = summarise(values.length > 0);
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-labelledby': `${id}-t ${id}-d`, focusable: 'false'},
    s('title', {id: `${id}-t`}, title),
    s('desc', {id: `${id}-d`}, summary),
    s('line', {x1: PAD_L, y1: H - PAD_B, x2: W - PAD_R, y2: H - PAD_B, class: 'axis'}),
    s('line', {x1: PAD_L, y1: PAD_T, x2: PAD_L, y2: H - PAD_B, class: 'axis'}),
    s('line', {x1: PAD_L, y1: PAD_T, x2: W - PAD_R, y2: PAD_T, class: 'grid'}),
    s('text', {x: PAD_L - 4, y: PAD_T + 4, class: 'tick', 'text-anchor': 'end'}, String(max)),
    s('text', {x: PAD_L - 4, y: H - PAD_B, class: 'tick', 'text-anchor': 'end'}, '0'),
    s('text', {x: PAD_L, y: H - 6, class: 'tick'}, points.length ? fmtTime(points[0].t) : ''),
    s('text', {x: W - PAD_R, y: H - 6, class: 'tick', 'text-anchor': 'end'}, 'now'),
    series.map((x, i) => s('path', {d: pathFor(points, x.key, max), class: `series ${STYLES[i]}`})),
    // Latency has gaps (minutes without messages): a marker on each point keeps lone ones visible.
    markers ? series.map((x, i) => points.map((p, j) => (typeof p[x.key] === 'number'
      ? s('circle', {cx: xAt(j, points.length).toFixed(1), cy: yAt(p[x.key], max).toFixed(1), r: 2.5, class: `marker ${STYLES[i]}`}) : null))) : null);
  const legend = h('ul', {class: 'legend', 'aria-hidden': 'true'},
    series.map((x, i) => h('li', {}, h('span', {class: `swatch ${STYLES[i]}`}), x.label)));
  const active = points.filter((p) => series.some((x) => typeof p[x.key] === 'number' && p[x.key] > 0));
  const details = h('details', {class: 'chart-data'},
    h('summary', {}, `${title}: figures by minute`),
    active.length === 0 ? h('p', {}, 'No activity in the last hour.') :
      h('table', {class: 'data compact'},
        h('caption', {class: 'sr-only'}, `${title} (${unit}), minutes with activity`),
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Minute'), series.map((x) => h('th', {scope: 'col'}, x.label)))),
        h('tbody', {}, active.map((p) => h('tr', {}, h('th', {scope: 'row'}, fmtTime(p.t)),
          series.map((x) => h('td', {}, p[x.key] === null || p[x.key] === undefined ? '—' : String(p[x.key]))))))));
  return h('figure', {class: 'chart-figure'}, h('figcaption', {}, caption), svg, legend, details);
}

// Tiny latency line for a peer's last queries.
export function sparkline(label, values) {
  const w = 120, hgt = 28;
  const max = niceMax(values.length ? Math.max(...values) : 0);
  const n = Math.max(values.length - 1, 1);
  const d = values.map((v, i) => `${i ? 'L' : 'M'}${(2 + (i / n) * (w - 4)).toFixed(1)} ${(hgt - 2 - (v / max) * (hgt - 4)).toFixed(1)}`).join(' ');
  return s('svg', {viewBox: `0 0 ${w} ${hgt}`, class: 'sparkline', role: 'img', 'aria-label': label, focusable: 'false'},
    s('path', {d, class: 'series line-a'}));
}
