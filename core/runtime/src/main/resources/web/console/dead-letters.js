// Dead letters, many at once: the selected ones replayed or discarded one after another (the API's per-item routes,
// so each outcome is the hub's own), or all of a subscription with the API's filter route. Then the page reloads.
import { api, say } from './console.js';

const selected = () => [...document.querySelectorAll('input.select:checked')].map((box) => box.value);

const each = async (method, path) => {
  const ids = selected();
  let ok = 0; const failed = [];
  for (const id of ids) {
    const reply = await api(method, path(id));
    if (reply.status >= 200 && reply.status < 300 && !(reply.body && reply.body.delivered === false)) ok++;
    else failed.push('#' + id + ': ' + ((reply.body && reply.body.error) || ('HTTP ' + reply.status)));
  }
  return { ok, failed };
};

const finish = ({ ok, failed }) => {
  if (failed.length) say(failed.join('; '), true); else window.location.reload();
  if (failed.length && ok) window.setTimeout(() => window.location.reload(), 4000);
};

const replay = document.getElementById('replay-selected');
if (replay) {
  replay.addEventListener('click', async () => finish(await each('POST', (id) => '/api/v1/admin/dead-letters/' + id + '/replay')));
}
const discard = document.getElementById('discard-selected');
if (discard) {
  discard.addEventListener('click', async () => {
    if (!window.confirm(discard.dataset.confirm)) return;
    finish(await each('DELETE', (id) => '/api/v1/admin/dead-letters/' + id));
  });
}
const all = document.getElementById('replay-all');
if (all) {
  all.addEventListener('click', async () => {
    const filter = { subscription: all.dataset.subscription };
    if (all.dataset.errorContains) filter.errorContains = all.dataset.errorContains;
    const reply = await api('POST', '/api/v1/admin/dead-letters/replay', filter);
    if (reply.status === 200) {
      say(JSON.stringify(reply.body));
      window.setTimeout(() => window.location.reload(), 800);
    } else {
      say((reply.body && reply.body.error) || ('HTTP ' + reply.status), true);
    }
  });
}
