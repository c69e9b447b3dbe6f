// passkeyflow demo: this page's own UI around the browser client passkeyflow-client.js (module
// passkey-client-js, served from its WebJar). The client measures the browser, runs the
// ceremonies, posts their results and makes the Signal API calls; this script only shows what
// happens: texts, live regions, focus, the footer. Page state comes in <script type="application/json">.

const clientUrl = document.querySelector('meta[name="passkeyflow-client"]').content;
const pkf = await import(clientUrl);

const $ = (id) => document.getElementById(id);
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

function readJson(id) {
  try {
    return JSON.parse($(id)?.textContent ?? 'null');
  } catch {
    return null;
  }
}

/** Polite announcement in the page's live region (and on screen). */
function say(text) {
  const status = $('status');
  if (status) status.textContent = text;
}

/** An error the person must notice: shown in the alert region and focused. */
function alertError(text) {
  const box = $('passkey-error');
  if (!box) return;
  box.textContent = text;
  box.hidden = false;
  box.tabIndex = -1;
  box.focus();
}

function setButtons(selector, disabled) {
  document.querySelectorAll(selector).forEach((button) => { button.disabled = disabled; });
}

// Identifier forms send what the browser can do (hidden field "client"), and remember the identifier.
// The sign-in form starts the flow in place instead (startInPlace), for immediate UI mode.
document.querySelectorAll('form[data-client-context]:not([data-start-in-place])')
  .forEach((form) => pkf.attachClientContext(form));

const page = document.body.dataset.page;
const state = readJson('pkf-state');

if (page === 'login') {
  const field = $('identifier');
  const last = pkf.readLastLogin();
  if (field && !field.value && last) field.value = last.identifier;
}
if (page === 'signup' && $('form-error')) $('identifier')?.focus();

if (page === 'dashboard' && state?.identifier) {
  const byPasskey = state.signedInWith === 'a passkey';
  const credentialId = pkf.takeSignedInCredentialId();
  pkf.rememberLastLogin(state.identifier, byPasskey ? credentialId : null);
}

const client = new pkf.PasskeyFlowClient({
  endpoints: state?.endpoints ?? {},
  headers: { 'X-CSRF-Token': csrf },
});

const made = [];
client.addEventListener('signal', (event) => {
  const { method, status } = event.detail;
  made.push(status === 'made' ? method : `${method} (${status})`);
  $('signal-log').textContent = made.join(', ');
  document.body.dataset.signals = made.join(' ');
});
client.signals(readJson('pkf-signals'));

client.addEventListener('ceremonystart', (event) => {
  setButtons('[data-start-passkey], [data-create-passkey]', true);
  say(event.detail.ceremony === 'get' ? 'Waiting for your passkey…' : 'Creating your passkey…');
});
client.addEventListener('ceremonyerror', (event) => {
  const { name, elapsedMillis, ceremony, mode } = event.detail;
  // The footer shows it at once; the server keeps it for the next page too.
  $('error-log').textContent = `${name} after ${elapsedMillis} ms (${ceremony === 'get' ? 'sign-in' : 'new passkey'}${mode === 'immediate' ? ', immediate UI mode' : ''})`;
  say(event.detail.kind === 'misconfiguration'
    ? 'This browser refused the passkey for this address.'
    : 'The passkey prompt closed. One moment…');
});
client.addEventListener('ceremonysuccess', () => say('Checking your passkey…'));
client.addEventListener('waiting', (event) => {
  setButtons('[data-start-passkey]', false);
  const button = document.querySelector('[data-start-passkey]:not([hidden])');
  if (event.detail.reason === 'calmRetry') say('No problem. When you are ready, try your passkey again.');
  button?.focus();
});
client.addEventListener('offer', () => $('add-passkey')?.focus());
client.addEventListener('servererror', (event) => {
  setButtons('[data-start-passkey], [data-create-passkey]', false);
  alertError(event.detail.message);
});
client.addEventListener('unsupported', () => alertError('This browser does not support passkeys. Use your password instead.'));

/**
 * The sign-in form, run in place: Immediate UI mode (uiMode: 'immediate') works only within the
 * transient activation of the person's click, which the next page would no longer have. So the
 * identifier goes to the server with fetch (the client context may then report immediateGet), and a
 * challenge in immediate UI mode runs here at once: the browser signs in with a passkey it holds, or
 * rejects at once without any prompt when it holds none, and the flow goes on to the password. Any
 * other step is shown by GET /flow as usual. If anything goes wrong here, the form is sent normally.
 */
function startInPlace(form) {
  const measured = pkf.collectClientContext({ immediateUiMode: true });
  let sending = false;
  form.addEventListener('submit', async (event) => {
    if (sending || form.dataset.passkeyflowReady === 'yes') return;
    event.preventDefault();
    sending = true;
    const identifier = form.querySelector('input[name="identifier"]')?.value ?? '';
    pkf.rememberLastLogin(identifier);
    const body = new URLSearchParams(new FormData(form));
    body.set('client', JSON.stringify(await measured));
    let answer = null;
    try {
      const response = await fetch(form.dataset.startInPlace, { method: 'POST', credentials: 'same-origin',
        headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/x-www-form-urlencoded' }, body });
      answer = response.ok ? await response.json() : null;
    } catch {
      answer = null;
    }
    if (!answer?.redirect) {
      // Let the server's own pages say what went wrong (throttling, a bad identifier, ...).
      form.dataset.passkeyflowReady = 'yes';
      HTMLFormElement.prototype.submit.call(form);
      return;
    }
    if (answer.step?.immediate && answer.endpoints) {
      const inPlace = new pkf.PasskeyFlowClient({ endpoints: answer.endpoints, headers: { 'X-CSRF-Token': csrf } });
      inPlace.addEventListener('ceremonystart', (e) => {
        document.body.dataset.ceremonyMode = e.detail.mode;
        say('Checking for a passkey on this device…');
      });
      inPlace.addEventListener('servererror', () => globalThis.location.assign(answer.redirect));
      await inPlace.signIn(answer.step);
      return;
    }
    globalThis.location.assign(answer.redirect);
  });
}
document.querySelectorAll('form[data-start-in-place]').forEach(startInPlace);

const step = state?.step;
if (step) {
  document.querySelectorAll('[data-start-passkey]').forEach((button) => {
    button.addEventListener('click', () => client.signIn({ ...step, immediate: false }));
  });
  document.querySelectorAll('[data-create-passkey]').forEach((button) => {
    button.addEventListener('click', () => client.createPasskey(step));
  });
  client.run(step);
}
if (page === 'password') {
  // What the person does next: type the password (autofocus is not applied reliably after a redirect).
  $('password')?.focus();
} else if ((page === 'passkey' || page === 'healing')
  && (!document.activeElement || document.activeElement === document.body)) {
  // A screen reader starts at the heading; buttons get focus from the events above.
  $('heading')?.focus();
}

document.body.dataset.ready = 'yes';
