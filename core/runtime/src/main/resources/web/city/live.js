// The city page's live parts: every element with an id and data-refresh="<seconds>" is fetched again from the
// page's own URL (revalidated with its ETag, so an unchanged page costs a 304) and its content swapped in place.
// Without JavaScript the page shows what the server rendered; a hidden tab does not refresh.
const parts = [...document.querySelectorAll('[data-refresh][id]')];

async function refresh(el) {
  if (document.hidden) return;
  try {
    const response = await fetch(location.href, { cache: 'no-cache', credentials: 'same-origin' });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
    const fresh = doc.getElementById(el.id);
    if (fresh && fresh.innerHTML !== el.innerHTML) {
      el.replaceChildren(...fresh.childNodes);
    }
  } catch (e) {
    // offline for a moment: keep what is shown, try again at the next tick
  }
}

for (const el of parts) {
  const seconds = Math.max(5, Number(el.dataset.refresh) || 30);
  setInterval(() => refresh(el), seconds * 1000);
}
