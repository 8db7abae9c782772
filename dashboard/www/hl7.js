// HL7 v2 shown readable: one line per segment, its fields separated and numbered (PID-3 shown on
// hover and on focus, and read out by screen readers). The block is one Tab stop; the arrow keys
// move between fields (left/right) and segments (up/down), Home/End to a segment's ends.
import {h} from './dom.js';

export function segments(text) {
  return String(text || '').split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
}

// The fields of one segment as [location, value]; MSH-1 is the field separator itself, so MSH's
// numbers run one ahead of the split. sep: the message's field separator (MSH's 4th character).
export function fields(line, sep) {
  const name = line.slice(0, 3);
  const header = name === 'MSH' || name === 'FHS' || name === 'BHS';
  const parts = line.split(sep);
  const out = header ? [[`${name}-1`, sep], ...parts.slice(1).map((v, i) => [`${name}-${i + 2}`, v])]
    : parts.slice(1).map((v, i) => [`${name}-${i + 1}`, v]);
  return {name, fields: out};
}

function onKey(ev) {
  const cur = ev.target.closest('.hl7-field');
  if (!cur) return;
  const seg = cur.closest('.hl7-seg');
  let next = null;
  const inSeg = [...seg.querySelectorAll('.hl7-field')];
  const i = inSeg.indexOf(cur);
  if (ev.key === 'ArrowRight') next = inSeg[i + 1];
  else if (ev.key === 'ArrowLeft') next = inSeg[i - 1];
  else if (ev.key === 'Home') next = inSeg[0];
  else if (ev.key === 'End') next = inSeg[inSeg.length - 1];
  else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    let other = ev.key === 'ArrowDown' ? seg.nextElementSibling : seg.previousElementSibling;
    while (other && !other.querySelector('.hl7-field')) other = ev.key === 'ArrowDown' ? other.nextElementSibling : other.previousElementSibling;
    if (other) {
      const f = [...other.querySelectorAll('.hl7-field')];
      next = f[Math.min(i, f.length - 1)];
    }
  } else return;
  ev.preventDefault();
  if (next) { cur.tabIndex = -1; next.tabIndex = 0; next.focus(); }
}

export function hl7View(label, text, help = true) {
  const lines = segments(text);
  const header = lines.find((l) => /^(MSH|FHS|BHS)/.test(l));
  const sep = header ? header[3] || '|' : '|';
  let first = true;
  const list = h('ol', {class: 'hl7', 'aria-label': label},
    lines.map((line) => {
      const seg = fields(line, sep);
      return h('li', {class: 'hl7-seg'},
        h('span', {class: 'hl7-name'}, seg.name),
        seg.fields.map(([loc, v]) => {
          const node = h('span', {class: `hl7-field${v === '' ? ' empty' : ''}`, 'data-loc': loc, title: loc, tabindex: first ? '0' : '-1'},
            h('span', {class: 'sr-only'}, `${loc}: `), v === '' ? h('span', {class: 'sr-only'}, 'empty') : v);
          first = false;
          return [h('span', {class: 'hl7-sep', 'aria-hidden': 'true'}, sep), node];
        }));
    }));
  list.addEventListener('keydown', onKey);
  return h('div', {class: 'hl7-box'},
    help ? h('p', {class: 'muted'}, 'Arrow keys move between fields and segments; each shows its position (PID-3, ...).') : null,
    list);
}
