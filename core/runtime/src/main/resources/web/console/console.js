// The console's shared module: the JSON API with the page's CSRF token, and confirmations for dangerous buttons.
// Pages work without it (they are rendered on the server); it adds actions and live parts.

const meta = document.querySelector('meta[name="csrf-token"]');
const csrf = meta ? meta.content : null;

/** Calls the hub's JSON API as the signed-in person; resolves to {status, body} (body parsed when JSON). */
export async function api(method, path, body, contentType) {
  const headers = {};
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  // the hub's refusals in the page's language where its catalogue has words for them (else its own English ones)
  if (document.documentElement.lang) headers['Accept-Language'] = document.documentElement.lang;
  let payload = body;
  if (body !== undefined && body !== null && !(body instanceof Blob) && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (contentType) {
    headers['Content-Type'] = contentType;
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const text = await response.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch (e) { /* not JSON: keep the text */ }
  return { status: response.status, body: parsed };
}

/** Whether the API did what it was asked (a 2xx answer). */
export const ok = (reply) => reply.status >= 200 && reply.status < 300;

const lead = (name) => {
  const element = document.querySelector('meta[name="refused-' + name + '"]');
  return element ? element.content : '';
};

/**
 * What a refusal of the API says, as the page shows it: a lead in the page's language by its status, then the API's
 * own words (its error, or the status). Without the page's texts (a page of its own), the API's words alone.
 */
export function refusal(reply) {
  const detail = (reply.body && reply.body.error) || ('HTTP ' + reply.status);
  const s = reply.status;
  const name = s === 400 || s === 415 || s === 422 ? 'invalid' : s === 401 ? 'signedOut' : s === 403 ? 'forbidden'
    : s === 404 ? 'missing' : s === 409 ? 'conflict' : s === 413 ? 'tooLarge' : s === 429 ? 'tooMany'
    : s >= 500 || s === 0 ? 'failed' : null;
  const text = name ? lead(name) : '';
  return text ? text + ': ' + detail : detail;
}

/** Writes a message into the page's live region (role=status), or an alert for a problem. */
export function say(text, problem) {
  let region = document.getElementById(problem ? 'console-alert' : 'console-status');
  if (!region) {
    region = document.createElement('p');
    region.id = problem ? 'console-alert' : 'console-status';
    region.setAttribute('role', problem ? 'alert' : 'status');
    region.className = problem ? 'problem' : 'ok';
    document.querySelector('main').prepend(region);
  }
  region.textContent = text;
}

/**
 * Shows the page's times (<time datetime>, rendered by the server in UTC) in the browser's time zone and the page's
 * language; the server's text stays as the element's title.
 */
const timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
  { dateStyle: 'medium', timeStyle: 'long' }); // long: with the zone

export function localTimes() {
  for (const time of document.querySelectorAll('main time[datetime]:not([data-local])')) {
    const at = new Date(time.dateTime);
    if (Number.isNaN(at.getTime())) continue;
    time.title = time.textContent;
    time.textContent = timeFormat.format(at);
    time.dataset.local = '';
  }
}

/** An ISO-8601 time (an event's own) in the browser's zone and the page's language, as the page's other times. */
export function localTime(iso) {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : timeFormat.format(at);
}
localTimes();

const SAID = 'datenhafen.console.said';
/** How long a message waits for its page (a page that never came, a later visit, says nothing old). */
const SAID_FOR_MS = 30000;

/**
 * Goes on after a change the API did: to {@code then} (a page's path), else this page again; the page that comes says
 * {@code text} (what was done) in its live region. The text waits in this tab's session storage, for that page only.
 */
export function goOn(text, then) {
  const target = then ? new URL(then, window.location.href) : window.location;
  if (text) {
    try {
      window.sessionStorage.setItem(SAID, JSON.stringify({ text, path: target.pathname, at: Date.now() }));
    } catch (e) { /* no storage (a private window's setting): the page itself shows the change */ }
  }
  if (then) window.location.assign(target.href); else window.location.reload();
}

/**
 * Fills {name} placeholders of a page's text with an answer's values (an id the hub gave); {name|id} takes the first
 * of them the answer has (a key without a name is said by its id).
 */
const has = (values, name) => values && values[name] !== undefined && values[name] !== null && values[name] !== '';
export const fill = (template, values) => (template || '').replace(/\{(\w+)(?:\|(\w+))?\}/g,
  (match, name, otherwise) => (has(values, name) ? String(values[name])
    : otherwise && has(values, otherwise) ? String(values[otherwise]) : match));

// what the page before this one did, said once here, in the page's status region (rendered empty with the page) a
// moment after it loaded: a screen reader busy with the new page drops an update made at once
(() => {
  let said = null;
  try {
    said = JSON.parse(window.sessionStorage.getItem(SAID));
    window.sessionStorage.removeItem(SAID);
  } catch (e) { /* none, or not ours */ }
  if (said && typeof said.text === 'string' && said.path === window.location.pathname
    && typeof said.at === 'number' && Date.now() - said.at < SAID_FOR_MS) {
    window.setTimeout(() => {
      say(said.text);
      // a page loaded again keeps its scroll position: the line was out of sight above it (1,600 px up after a
      // token was revoked down in its table), so the page goes up to it
      const region = document.getElementById('console-status');
      const box = region.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) region.scrollIntoView({ block: 'nearest' });
    }, 400);
  }
})();

/**
 * Buttons with data-method and data-path call the API (after data-confirm, if set), then go on (to data-then, else
 * this page again) saying data-said.
 */
document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-path]');
  if (!button) return;
  event.preventDefault();
  if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
  button.disabled = true;
  const body = button.dataset.body ? JSON.parse(button.dataset.body) : undefined; // the hub's own JSON, on the page
  const result = await api(button.dataset.method || 'POST', button.dataset.path, body);
  button.disabled = false;
  if (ok(result)) {
    goOn(button.dataset.said, button.dataset.then);
  } else {
    say(refusal(result), true);
  }
});
