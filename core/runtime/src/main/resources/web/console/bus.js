// The bus's live tail: reads /api/v1/events/stream (server-sent events) with fetch, so every event arrives whatever
// its type, and renders what arrived once per animation frame. The page keeps the newest events only (data-shown,
// 200): what arrives faster than a frame can show is counted as skipped, never queued without bound, so the page's
// memory stays flat at any rate. Pause stops reading; resume goes on after the last event read (the hub keeps them).
import { api, say, refusal, localTime } from './console.js';

const section = document.getElementById('tail');
if (section) {
  const shown = Number(section.dataset.shown || 200);
  const list = document.getElementById('tail-events');
  const toggle = document.getElementById('tail-toggle');
  const received = document.getElementById('tail-received');
  const skipped = document.getElementById('tail-skipped');
  const state = document.getElementById('tail-state');
  const detail = document.getElementById('event-detail');
  const detailJson = document.getElementById('detail-json');
  const params = new URLSearchParams(window.location.search);
  const events = new Map(); // sequence -> CloudEvent, only those in the page
  let pending = [];         // arrived, not yet rendered; at most `shown`
  let counts = { received: 0, skipped: 0 };
  let last = null;
  let reader = null;
  let paused = false;
  let frame = 0;

  const url = () => {
    const q = new URLSearchParams();
    for (const key of ['type', 'subject']) if (params.get(key)) q.set(key, params.get(key));
    if (last !== null) q.set('after', last);
    return '/api/v1/events/stream' + (q.toString() ? '?' + q : '');
  };

  const arrived = (block) => {
    let id = null; let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (id === null || !data) return;
    last = id;
    counts.received++;
    pending.push({ id, data });
    if (pending.length > shown) {
      counts.skipped += pending.length - shown;
      pending = pending.slice(pending.length - shown);
    }
    if (!frame) frame = window.requestAnimationFrame(render);
  };

  const render = () => {
    frame = 0;
    const batch = pending;
    pending = [];
    const fragment = document.createDocumentFragment();
    for (const { id, data } of batch) {
      let event;
      try { event = JSON.parse(data); } catch (e) { continue; }
      events.set(id, event);
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'event';
      button.dataset.sequence = id;
      button.textContent = '#' + id + ' ' + event.type + (event.subject ? ' · ' + event.subject : '')
        + (event.time ? ' · ' + localTime(event.time) : '');
      item.append(button);
      fragment.prepend(item);
    }
    list.prepend(fragment);
    while (list.children.length > shown) {
      const gone = list.lastElementChild;
      events.delete(gone.firstElementChild.dataset.sequence);
      gone.remove();
    }
    received.textContent = String(counts.received);
    skipped.textContent = String(counts.skipped);
  };

  const read = async () => {
    const response = await fetch(url(), { credentials: 'same-origin', headers: { Accept: 'text/event-stream' } });
    if (!response.ok) {
      state.textContent = 'HTTP ' + response.status;
      return;
    }
    state.textContent = '';
    state.hidden = true;
    reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      let end;
      while ((end = text.indexOf('\n\n')) >= 0) {
        arrived(text.slice(0, end));
        text = text.slice(end + 2);
      }
    }
  };

  const start = () => read().catch(() => { /* aborted by pause, or the hub went away */ });

  toggle.addEventListener('click', () => {
    paused = !paused;
    toggle.setAttribute('aria-pressed', String(paused));
    toggle.textContent = paused ? section.dataset.pausedLabel : section.dataset.runningLabel;
    if (paused && reader) { reader.cancel(); reader = null; } else if (!paused) start();
  });

  list.addEventListener('click', (click) => {
    const button = click.target.closest('button.event');
    if (!button) return;
    detailJson.textContent = JSON.stringify(events.get(button.dataset.sequence), null, 2);
    detail.hidden = false;
    detailJson.focus();
  });

  window.datenhafenTail = counts; // for the measurements in the browser tests
  start();
}

// Seek by time: the subscription delivers again from the first event at or after the time given, which the form
// takes in the browser's local time and sends as an instant.
for (const form of document.querySelectorAll('form.seek')) {
  form.addEventListener('submit', async (submit) => {
    submit.preventDefault();
    const local = form.elements.time.value;
    const time = new Date(local);
    if (!local || Number.isNaN(time.getTime())) return;
    const reply = await api('POST', '/api/v1/admin/subscriptions/' + encodeURIComponent(form.dataset.subscription)
      + '/seek', { time: time.toISOString() });
    if (reply.status === 200) {
      say(form.dataset.done.replace('{0}', String(reply.body.lag)));
      window.setTimeout(() => window.location.reload(), 1500);
    } else {
      say(refusal(reply), true);
    }
  });
}
