// Dead letters: one, the selected ones, or all of a subscription replayed or discarded through the API's routes (the
// per-item ones one after another, so each outcome is the hub's own). Then the list is read again in place and the
// page's live region says what came of it, in the page's language: the texts are the data-* attributes of
// #dead-actions, rendered by the server.
import { api, say, localTimes, refusal, ok } from './console.js';

const fill = (template, ...values) => (template || '').replace(/\{(\d)\}/g, (match, i) => String(values[Number(i)]));
const selected = () => [...document.querySelectorAll('input.select:checked')].map((box) => box.value);
const problem = (id, reply) => (id ? '#' + id + ': ' : '') + refusal(reply);

/** Reads the page again and puts its main content in place of this one's, but for the status region, which stays. */
const refresh = async () => {
  const response = await fetch(window.location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  // a session that ended meanwhile answers with the sign-in page: the whole page goes there instead
  const fresh = response.ok && !response.redirected
    ? new DOMParser().parseFromString(await response.text(), 'text/html').querySelector('main') : null;
  if (!fresh) {
    window.location.reload();
    return;
  }
  // the status region stays in place, the one a screen reader knows (the fresh page's own is empty)
  const main = document.querySelector('main');
  const status = document.getElementById('console-status');
  if (status) fresh.querySelector('#console-status')?.remove();
  for (const child of [...main.childNodes]) if (child !== status) child.remove();
  main.append(...fresh.childNodes);
  localTimes();
};

/** Calls the API for each id in turn, showing how far it got; counts delivered, failed again, refused. */
const each = async (texts, method, path, ids) => {
  const outcome = { done: 0, again: 0, refused: [] };
  for (const [i, id] of ids.entries()) {
    if (ids.length > 1) say(fill(texts.progress, i + 1, ids.length));
    const reply = await api(method, path(id));
    if (!ok(reply)) outcome.refused.push(problem(id, reply));
    else if (reply.body && reply.body.delivered === false) outcome.again++;
    else outcome.done++;
  }
  return outcome;
};

const report = async (text, refused) => {
  await refresh();
  if (text) say(text);
  if (refused.length) say(refused.join('; '), true);
  const region = document.getElementById(refused.length ? 'console-alert' : 'console-status');
  if (region) {
    region.tabIndex = -1;
    region.focus(); // the button that was clicked is gone with the old list
  }
};

const replayPath = (id) => '/api/v1/admin/dead-letters/' + id + '/replay';
const discardPath = (id) => '/api/v1/admin/dead-letters/' + id;

document.addEventListener('click', async (event) => {
  const button = event.target.closest('#dead-actions button, button.replay-one, button.discard-one');
  if (!button) return;
  const texts = document.getElementById('dead-actions').dataset;
  const discard = button.id === 'discard-selected' || button.classList.contains('discard-one');
  const all = button.id === 'replay-all';
  const ids = all ? [] : button.dataset.id ? [button.dataset.id] : selected();
  if (!all && ids.length === 0) {
    say(texts.noneSelected, true);
    return;
  }
  if (discard && !window.confirm(button.dataset.confirm)) return;
  button.disabled = true;
  try {
    await act(texts, button, all, discard, ids);
  } catch (e) {
    // the hub went away (a restart, the network): said, and the list stays as it was, its button usable again
    say(refusal({ status: 0, body: null }), true);
  } finally {
    button.disabled = false;
  }
});

const act = async (texts, button, all, discard, ids) => {
  if (all) {
    const filter = { subscription: button.dataset.subscription };
    if (button.dataset.errorContains) filter.errorContains = button.dataset.errorContains;
    say(texts.working);
    const reply = await api('POST', '/api/v1/admin/dead-letters/replay', filter);
    const b = reply.body || {};
    await report(ok(reply) ? fill(texts.outcomeAll, b.matched, b.delivered, b.failed, b.noConsumer, b.eventGone) : '',
      ok(reply) ? [] : [problem(null, reply)]);
  } else if (discard) {
    const outcome = await each(texts, 'DELETE', discardPath, ids);
    await report(fill(texts.discarded, outcome.done), outcome.refused);
  } else {
    const outcome = await each(texts, 'POST', replayPath, ids);
    await report(fill(texts.outcome, outcome.done, outcome.again), outcome.refused);
  }
};
