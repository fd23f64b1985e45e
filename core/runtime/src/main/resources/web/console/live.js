// Live parts: an element with data-live="<url>" and data-every="<seconds>" is re-rendered by the server every few
// seconds while the tab is visible; one request at a time, so a slow hub is never asked twice at once. A 401 means
// the session ended: the page is reloaded and asks to sign in.
import { localTimes } from './console.js';

for (const element of document.querySelectorAll('[data-live]')) {
  const every = Math.max(1, Number(element.dataset.every || 5)) * 1000;
  let busy = false;
  const refresh = async () => {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const response = await fetch(element.dataset.live, { credentials: 'same-origin' });
      if (response.status === 401) { window.location.reload(); return; }
      if (response.ok) {
        element.innerHTML = await response.text(); // HTML the hub rendered and escaped
        element.dataset.updated = String(Date.now());
        localTimes();
      }
    } catch (e) {
      // the hub is restarting or the network is gone: try again next time
    } finally {
      busy = false;
    }
  };
  window.setInterval(refresh, every);
  document.addEventListener('visibilitychange', refresh);
}
