// Small DOM helpers: elements are built with the DOM API (never innerHTML), so the page needs no
// inline script or style and nothing a message contains can become markup.
const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (k in el && typeof v !== 'string' && k !== 'hidden') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// h('p', {class: 'x'}, 'text', child...): an HTML element.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  return append(el, children);
}

// s('rect', {...}): an SVG element.
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  return append(el, children);
}

export function clear(el) { while (el.firstChild) el.firstChild.remove(); return el; }

let uid = 0;
export function nextId(prefix) { uid += 1; return `${prefix}-${uid}`; }

const dateFmt = new Intl.DateTimeFormat('en-GB', {day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit'});
const shortFmt = new Intl.DateTimeFormat('en-GB', {day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit'});
const timeFmt = new Intl.DateTimeFormat('en-GB', {hour: '2-digit', minute: '2-digit'});

export function fmtDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFmt.format(d);
}
// In tables: the day and time without the year (the full date is in the element's title).
export function fmtShort(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : shortFmt.format(d);
}
export function fmtTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : timeFmt.format(d);
}
export function fmtMs(v) { return v === null || v === undefined ? '—' : `${Number(v).toFixed(v < 10 ? 1 : 0)} ms`; }

// A NHS number shown in its usual 3 3 4 groups.
export function fmtNhs(n) { return n ? String(n).replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3') : '—'; }

// A wide table in a scroll box that keyboard users can focus and scroll (WCAG 2.1.1).
export function tableBox(label, table) {
  return h('div', {class: 'table-box', role: 'region', 'aria-label': label, tabindex: '0'}, table);
}

export function table(caption, headers, rows, opts = {}) {
  return h('table', {class: opts.class || 'data'},
    h('caption', {class: opts.captionClass || ''}, caption),
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', {scope: 'col'}, x)))),
    h('tbody', {}, rows));
}

// A status word as a badge: the word carries the meaning, the colour only repeats it.
export function badge(text, kind) {
  return h('span', {class: `badge badge-${kind || String(text).toLowerCase().replace(/[^a-z]+/g, '-')}`}, text);
}

// A pre block that can be scrolled with the keyboard.
export function preBox(label, text) {
  return h('pre', {class: 'code', tabindex: '0', role: 'region', 'aria-label': label}, text);
}

export function prettyJson(v) {
  if (typeof v === 'string') {
    try { return JSON.stringify(JSON.parse(v), null, 2); } catch { return v; }
  }
  return JSON.stringify(v, null, 2);
}

export function announce(text) {
  const el = document.getElementById('announce');
  el.textContent = '';
  // A fresh text node after a tick makes screen readers read the same words again.
  setTimeout(() => { el.textContent = text; }, 50);
}

export function errorBox(err) {
  return h('p', {class: 'error-text', role: 'alert'}, `Could not load: ${err.message || err}`);
}

// A view that shows one GET's answer: its heading, "Loading…", then render(answer) or the error.
export function loadView(root, title, path, render, getter) {
  const out = h('div', {}, h('p', {}, 'Loading…'));
  root.append(h('h1', {}, title), out);
  getter(path).then((d) => clear(out).append(render(d))).catch((e) => clear(out).append(errorBox(e)));
}
