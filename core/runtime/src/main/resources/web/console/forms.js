// Forms that post JSON to the API: a form with data-api sends its fields as a JSON object (checkboxes of a fieldset
// with data-array as a list, a field "a.b" as b of an object a, a local time as an instant), shows a refusal at the
// field the API names (else under the form), and on success loads the page again, which says data-said ({id} and
// other placeholders filled from the hub's answer); when data-secret names a field of the answer (a token, a setup
// code), it shows that value once, with a copy button, and reloads only when the person says they have it.
import { api, refusal, ok, goOn, fill } from './console.js';

for (const form of document.querySelectorAll('form[data-api]')) {
  // getAttribute, not form.id: a field named "id" (a new member's, a new user's) shadows the form's own id property
  const formId = form.getAttribute('id');
  const result = document.getElementById(formId + '.result');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {};
    for (const element of form.elements) {
      if (!element.name || element.type === 'submit' || element.closest('[data-array]')) continue;
      if (element.value.trim() !== '') put(body, element.name, sent(element));
      // a field that had a value and was emptied is sent empty (an e-mail address removed), not left out
      else if (element.defaultValue && element.defaultValue.trim() !== '') put(body, element.name, '');
    }
    for (const group of form.querySelectorAll('[data-array]')) {
      body[group.dataset.array] = [...group.querySelectorAll('input:checked')].map((box) => box.value);
    }
    for (const line of form.querySelectorAll('.field-problem')) line.textContent = '';
    for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    const reply = await api(form.dataset.method || 'POST', form.dataset.api, body);
    if (ok(reply)) {
      const secret = form.dataset.secret && reply.body ? reply.body[form.dataset.secret] : null;
      if (secret) showSecret(form, formId, result, secret, reply.body);
      else goOn(fill(form.dataset.said, reply.body && typeof reply.body === 'object' ? reply.body : null));
      return;
    }
    const error = refusal(reply);
    // at its field a refused value says only what is wrong with it, as the integration form's problems do: the lead
    // ("Nicht übernommen: ...") said again what the field's line is there for
    const atField = (status, words) => [400, 409, 413, 415, 422].includes(status) && words ? words
      : refusal({ status, body: { error: words } });
    // several fields refused at once: each said at its own field, the first one's taking the focus
    const problems = reply.body && Array.isArray(reply.body.problems) ? reply.body.problems : [];
    const atFields = problems.filter((p) => p && document.getElementById(formId + '.problem.' + p.field));
    if (problems.length > 1 && atFields.length === problems.length) {
      for (const p of atFields) {
        document.getElementById(formId + '.problem.' + p.field).textContent = atField(reply.status, p.error);
        const input = document.getElementById(formId + '.' + p.field);
        if (input) input.setAttribute('aria-invalid', 'true');
      }
      result.className = '';
      result.textContent = '';
      const first = document.getElementById(formId + '.' + atFields[0].field);
      if (first) first.focus();
      return;
    }
    const field = reply.body && reply.body.field;
    const line = field && document.getElementById(formId + '.problem.' + field);
    if (line) {
      // said once, at the field: its problem line describes the input, so the focus reads it out
      line.textContent = atField(reply.status, reply.body && reply.body.error);
      result.className = '';
      result.textContent = '';
      const input = document.getElementById(formId + '.' + field);
      if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
      return;
    }
    result.setAttribute('role', 'alert');
    result.className = 'problem';
    result.textContent = error;
  });
}

// a field named "scope.path" goes into the body's object "scope" as "path", as the API names it in a refusal too
function put(body, name, value) {
  const keys = name.split('.');
  let into = body;
  for (const key of keys.slice(0, -1)) {
    if (typeof into[key] !== 'object' || into[key] === null) into[key] = {};
    into = into[key];
  }
  into[keys[keys.length - 1]] = value;
}

// a time the person gave in their browser's zone goes as the instant it is (the API takes times with an offset);
// one the browser cannot read goes as typed, for the API to say what is wrong with it
function sent(element) {
  const value = element.value.trim();
  if (element.type !== 'datetime-local') return value;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? value : time.toISOString();
}

function showSecret(form, formId, result, secret, answer) {
  result.className = '';
  result.textContent = '';
  const note = document.createElement('p');
  const until = answer.setupExpiresAt ? new Date(answer.setupExpiresAt) : null;
  note.textContent = form.dataset.secretNote.replace('{user}', answer.id || '')
    .replace('{until}', until ? until.toLocaleString(document.documentElement.lang || undefined,
      { dateStyle: 'medium', timeStyle: 'long' }) : '') // long: with the zone, as the page's other times
    .replace('{address}', window.location.origin + '/console/setup');
  const value = document.createElement('output');
  value.className = 'secret';
  value.id = formId + '.secret';
  value.textContent = secret;
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'secondary';
  copy.textContent = form.dataset.copy;
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      copy.textContent = form.dataset.copied;
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents(value);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    }
  });
  const done = document.createElement('button');
  done.type = 'button';
  done.textContent = form.dataset.done;
  // the page loaded again says what was done, as after any other change (it said nothing after the code's panel)
  done.addEventListener('click', () => goOn(fill(form.dataset.said, answer)));
  result.append(note, value, ' ', copy, ' ', done);
  copy.focus();
}
