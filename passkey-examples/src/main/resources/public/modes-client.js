// passkeyflow demo: what the browser client (passkeyflow-client.js, from its WebJar) does on the
// passkey-first modes pages, as demo.js does on the others: forms marked data-client-context send
// what the browser can do (hidden field "client"), and the page's signals (pkf-signals) are made.
const clientUrl = document.querySelector('meta[name="passkeyflow-client"]').content;
const pkf = await import(clientUrl);

document.querySelectorAll('form[data-client-context]').forEach((form) => pkf.attachClientContext(form));

function readJson(id) {
  try {
    return JSON.parse(document.getElementById(id)?.textContent ?? 'null');
  } catch {
    return null;
  }
}

const client = new pkf.PasskeyFlowClient({ endpoints: {} });
const made = [];
client.addEventListener('signal', (event) => {
  const { method, status } = event.detail;
  made.push(status === 'made' ? method : `${method} (${status})`);
  const log = document.getElementById('signal-log');
  if (log) log.textContent = made.join(', ');
  document.body.dataset.signals = made.join(' ');
});
client.signals(readJson('pkf-signals'));

// Wired: the browser tests wait for this before they act on the page (demo.js sets it too).
document.body.dataset.ready = 'yes';
