// The form of a new integration, or of an integration's config (with data-integration: checked against
// .../integrations/<name>/validate and saved with PUT; a secret left empty keeps its stored value).
// A new one is checked against POST /api/v1/admin/integrations/validate as the person types
// (half a second after the last key), problems shown at their fields (text under the field, aria-invalid), then
// created with POST /api/v1/admin/integrations. A key the person may not change (read-only) is left out, so the hub
// keeps its value. Numbers go as JSON numbers when they read as one, booleans as
// booleans, the rest as typed (a text area's with its line breaks: certificates in PEM form): the hub checks them by
// the connector's schema (lists separated by commas, durations) and names what is wrong; an empty field is left out,
// so its default applies.
import { api, refusal, goOn, fill } from './console.js';

const form = document.getElementById('integration-form');
if (form) {
  const result = document.getElementById('form-result');
  const editing = form.dataset.integration;
  const base = '/api/v1/admin/integrations';
  const self = editing ? base + '/' + encodeURIComponent(editing) : null;
  let timer = null;
  let asked = 0;

  const request = () => {
    const config = {};
    for (const field of form.querySelectorAll('[data-key]')) {
      const input = field.querySelector('input, select, textarea');
      const key = field.dataset.key;
      const value = input.value.trim();
      // A key only a hub-admin may set, to anyone else (read-only; disabled if a checkbox or a choice): left out, so
      // it keeps what it has (its default, at create). Sent back it would have to be the stored value to the letter,
      // and a text area gives its lines back with LF alone: a certificate stored with CRLF would read as changed (403).
      if (input.readOnly || input.disabled) continue;
      if (input.type === 'checkbox') config[key] = input.checked;
      else if (value === '') continue;
      else if ((field.dataset.type === 'integer' || field.dataset.type === 'number')
        && /^-?\d+(\.\d+)?$/.test(value)) config[key] = Number(value);
      else config[key] = input.value;
    }
    if (editing) return { config };
    return { name: form.querySelector('#name').value.trim(), connector: form.dataset.connector, config };
  };


  const problemLine = (field) => document.getElementById('problem.' + field.replace(/^config\./, ''))
    || document.getElementById('problem.config');

  const show = (problems) => {
    for (const line of form.querySelectorAll('.field-problem')) line.textContent = '';
    for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    for (const problem of problems) {
      const line = problemLine(problem.field || 'config');
      line.textContent = line.textContent ? line.textContent + ' ' + problem.error : problem.error;
      const input = document.getElementById(problem.field);
      if (input) input.setAttribute('aria-invalid', 'true');
    }
  };

  const validate = async () => {
    const mine = ++asked;
    const reply = await api('POST', editing ? self + '/validate' : base + '/validate', request());
    if (mine !== asked) return; // an older answer after a newer question: ignore it
    if (reply.status === 200) show(reply.body.problems || []);
    // 403 naming a key: one only a hub-admin may set (the field is read-only for others; shown if sent anyway)
    else if (reply.status === 403 && reply.body && reply.body.field) {
      show([{ field: reply.body.field, error: reply.body.error }]);
    }
  };

  form.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(validate, 500);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    asked++;
    const body = request();
    const reply = editing ? await api('PUT', self, body) : await api('POST', base, body);
    if (reply.status === 200 || reply.status === 201 || reply.status === 202) {
      goOn(fill(form.dataset.said, { name: editing || body.name }),
        '/console/integrations/' + encodeURIComponent(editing || body.name));
      return;
    }
    // A refused config (400) lists its problems, each in its own words as /validate names them (its error puts the
    // key in front, for a reader of the JSON alone); any other refusal (403, 409) names one field in its error's words.
    const problems = reply.body && reply.body.problems ? reply.body.problems
      : [{ field: (reply.body && reply.body.field) || 'config', error: (reply.body && reply.body.error) || ('HTTP ' + reply.status) }];
    show(problems);
    result.setAttribute('role', 'alert');
    result.className = 'problem';
    // problems shown at their fields: the line under the button says so in the page's language; any other refusal
    // in the hub's words
    result.textContent = reply.body && reply.body.problems ? result.dataset.invalid : refusal(reply);
    const first = form.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
  });
}
