// The plugins page: uploads an archive chosen in the file picker or dropped on the form, and shows the hub's answer
// (its refusal reason word for word). The archive goes as the request body, as the API takes it.
import { api, refusal, ok, goOn, fill } from './console.js';

const form = document.getElementById('upload');
if (form) {
  const input = document.getElementById('archive');
  const result = document.getElementById('upload-result');

  const install = async (file) => {
    if (!file) { // said, not nothing at all
      result.setAttribute('role', 'alert');
      result.className = 'problem';
      result.textContent = form.dataset.noFile;
      input.focus();
      return;
    }
    const enable = document.getElementById('enable').checked;
    result.className = '';
    result.textContent = '…';
    const reply = await api('POST', '/api/v1/admin/plugins' + (enable ? '?enable=true' : ''), file,
      'application/octet-stream');
    if (ok(reply)) {
      goOn(fill(form.dataset.said, reply.body && typeof reply.body === 'object' ? reply.body : null));
    } else {
      result.setAttribute('role', 'alert');
      result.className = 'problem';
      result.textContent = refusal(reply);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    install(input.files[0]);
  });
  for (const type of ['dragenter', 'dragover']) {
    form.addEventListener(type, (event) => { event.preventDefault(); form.classList.add('dragging'); });
  }
  form.addEventListener('dragleave', () => form.classList.remove('dragging'));
  form.addEventListener('drop', (event) => {
    event.preventDefault();
    form.classList.remove('dragging');
    install(event.dataTransfer.files[0]);
  });
}
