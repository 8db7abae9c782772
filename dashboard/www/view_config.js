// Configuration: the running config (the server hides every secret) and a check of a new config
// by the same reader `hidewire run` uses, before it is used; nothing is applied.
import {get, post} from './api.js';
import {h, clear, preBox, prettyJson, errorBox, announce} from './dom.js';

const MAX_BYTES = 1024 * 1024;

function results(r) {
  const list = (title, items, cls) => items && items.length ? [h('h3', {}, `${title} (${items.length})`), h('ul', {class: cls}, items.map((x) => h('li', {}, x)))] : null;
  return [h('p', {class: r.ok ? 'ok-text' : 'error-text'}, h('strong', {}, r.ok ? 'The configuration is valid.' : 'The configuration has errors.'),
    r.ok && !(r.warnings || []).length ? ' No warnings.' : ''),
  list('Errors', r.errors, 'errors'), list('Warnings', r.warnings, 'warnings')];
}

function checkForm() {
  const text = h('textarea', {id: 'cfg-text', name: 'text', rows: '12', spellcheck: 'false', 'aria-describedby': 'cfg-hint'});
  const file = h('input', {id: 'cfg-file', type: 'file', accept: '.json,application/json'});
  const out = h('div', {id: 'cfg-result', 'aria-live': 'polite'});
  file.addEventListener('change', () => {
    const f = file.files[0];
    if (!f) return;
    if (f.size > MAX_BYTES) { clear(out).append(h('p', {class: 'error-text'}, 'That file is larger than 1 MB.')); return; }
    f.text().then((t) => { text.value = t; announce(`${f.name} loaded into the text box.`); });
  });
  const form = h('form', {class: 'form', id: 'config-check', novalidate: true},
    h('div', {class: 'field'}, h('label', {for: 'cfg-file'}, 'Load a configuration file'), file),
    h('div', {class: 'field'}, h('label', {for: 'cfg-text'}, 'New configuration (JSON)'), text,
      h('small', {id: 'cfg-hint', class: 'hint'}, 'Checked by the reader the node uses at start-up; nothing is applied.')),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'button'}, 'Check configuration')), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!text.value.trim()) { clear(out).append(h('p', {class: 'error-text'}, 'Paste or load a configuration first.')); return; }
    if (new Blob([text.value]).size > MAX_BYTES) { clear(out).append(h('p', {class: 'error-text'}, 'The configuration is larger than 1 MB.')); return; }
    clear(out).append(h('p', {}, 'Checking…'));
    try { clear(out).append(...results(await post('/config/check', {text: text.value})).flat().filter(Boolean)); } catch (e) {
      clear(out).append(h('p', {class: 'error-text'}, `The check could not run: ${e.message}.`));
    }
  });
  return form;
}

export function enter(root) {
  const running = h('div', {}, h('p', {}, 'Loading…'));
  root.append(h('h1', {}, 'Configuration'),
    h('section', {'aria-labelledby': 'cfg-run-h'}, h('h2', {id: 'cfg-run-h'}, 'Running configuration'), running),
    h('section', {'aria-labelledby': 'cfg-check-h'}, h('h2', {id: 'cfg-check-h'}, 'Check a new configuration'), checkForm()));
  get('/config').then((d) => clear(running).append(h('p', {}, 'Read from ', h('code', {}, d.path || '—'), '; secrets are shown as ***.'),
    preBox('Running configuration', prettyJson(d.config)))).catch((e) => clear(running).append(errorBox(e)));
}
