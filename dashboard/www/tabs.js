// Tabs after the WAI-ARIA Authoring Practices pattern: one Tab stop for the tab list, the arrow
// keys (and Home/End) move between tabs and show each one's panel at once.
import {h, nextId} from './dom.js';

// parts: [{label, body}] -> the tab list and its panels, the first shown.
export function tabs(label, parts, cls) {
  const id = nextId('tabs');
  const buttons = [];
  const panels = [];
  function select(i, focus) {
    buttons.forEach((b, j) => {
      b.setAttribute('aria-selected', String(i === j));
      b.tabIndex = i === j ? 0 : -1;
      panels[j].hidden = i !== j;
    });
    if (focus) buttons[i].focus();
  }
  parts.forEach((p, i) => {
    const b = h('button', {type: 'button', role: 'tab', id: `${id}-t${i}`, 'aria-controls': `${id}-p${i}`, class: 'tab'}, p.label);
    b.addEventListener('click', () => select(i, false));
    buttons.push(b);
    panels.push(h('div', {role: 'tabpanel', id: `${id}-p${i}`, 'aria-labelledby': `${id}-t${i}`, tabindex: '0', class: `tab-panel ${cls || ''}`}, p.body));
  });
  const list = h('div', {role: 'tablist', 'aria-label': label, class: 'tablist'}, buttons);
  list.addEventListener('keydown', (ev) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    const n = buttons.length;
    const to = {ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1}[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    select(to, true);
  });
  select(0, false);
  return h('div', {class: 'tabs'}, list, panels);
}
