// passkeyflow for Spring Security: the login page's UI, an ES module served by the starter at
// <base>/passkeyflow-spring.js beside the browser client package (<base>/passkeyflow-client.js,
// from the passkey-client-js WebJar), which runs the ceremonies, posts their results and makes the
// Signal API calls. This module only renders each step into
//   <div id="passkeyflow" data-base="/passkeyflow"></div>
// (the element's content, e.g. the application's old login form, is replaced), on a page that carries
// Spring Security's CSRF token in <meta name="_csrf"> and <meta name="_csrf_header"> (with
// csrf(c -> c.spa()) leave both out: the XSRF-TOKEN cookie is used).
// Add data-remember-me to the element to show a "Remember me" box (Spring Security remember-me).
// Add data-autofill to offer the browser's passkeys in the identifier field's suggestions (passkey
// autofill: a conditional request on autocomplete="username webauthn"); the element's
// data-autofill-state says where it is: starting, waiting, verifying, aborted, failed or unsupported.
// A healing step with silent: true (conditional create after a password login) runs at once and shows
// no offer; the element's data-silent-state says creating, created or declined.
import { PasskeyFlowClient, collectClientContext, readLastLogin, rememberLastLogin }
  from './passkeyflow-client.js';

const root = document.getElementById('passkeyflow');
const base = root?.dataset.base || '/passkeyflow';
// The CSRF token: the page's <meta name="_csrf"> (Spring Security's default, a masked token), or,
// on a page without it, the XSRF-TOKEN cookie in X-XSRF-TOKEN: what csrf(c -> c.spa()) expects,
// whose header check compares the cookie's raw value and refuses a masked one.
const csrfMeta = document.querySelector('meta[name="_csrf"]')?.content;
const csrfHeader = document.querySelector('meta[name="_csrf_header"]')?.content
  ?? (csrfMeta === undefined ? 'X-XSRF-TOKEN' : 'X-CSRF-TOKEN');
const xsrfCookie = () => decodeURIComponent(document.cookie.split('; ')
  .find((c) => c.startsWith('XSRF-TOKEN='))?.slice('XSRF-TOKEN='.length) ?? '');
const csrfHeaders = () => ({ [csrfHeader]: csrfMeta ?? xsrfCookie() });
const client = new PasskeyFlowClient({
  endpoints: {
    passkey: `${base}/passkey`,
    passkeyError: `${base}/passkey-error`,
    immediateRejection: `${base}/immediate-rejection`,
    healing: `${base}/healing`,
    healingError: `${base}/healing-error`,
    conditional: `${base}/autofill-passkey`,
    silentDeclined: `${base}/silent-declined`,
  },
  headers: csrfHeaders,
});
let identifier = '';

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Replaces the view; moves focus to its heading or first field, for keyboards and screen readers. */
function render(view, html, focusId) {
  root.dataset.view = view;
  root.innerHTML = `${html}<p id="pkf-error" class="error" role="alert" hidden></p>`;
  document.getElementById(focusId)?.focus();
}

function on(id, handler) {
  const element = document.getElementById(id);
  element?.addEventListener(element.tagName === 'FORM' ? 'submit' : 'click', (event) => {
    event.preventDefault();
    handler();
  });
}

/** POSTs to one of the starter's endpoints; the client runs the step it answers with. */
function post(path, body) {
  return client.post(`${base}/${path}`, body ?? {})
    .catch((error) => serverError(error?.status ?? 0, String(error?.message ?? error)));
}

function showError(message, status) {
  const box = document.getElementById('pkf-error');
  if (!box) return;
  box.textContent = message;
  box.dataset.status = String(status);
  box.hidden = false;
}

function renderIdentifier(message) {
  const remember = root.dataset.rememberMe !== undefined
    ? '<label><input id="remember-me" type="checkbox"> Remember me</label>' : '';
  render('identifier', `
    <form id="pkf-identifier-form">
      <label for="identifier">Email or user name</label>
      <input id="identifier" name="username" autocomplete="username webauthn" required
        value="${esc(readLastLogin()?.identifier ?? '')}">
      ${remember}
      <button id="continue" type="submit">Continue</button>
    </form>`, 'identifier');
  if (message) showError(message, 0);
  const measured = collectClientContext();
  if (root.dataset.autofill !== undefined) startAutofill(measured);
  on('pkf-identifier-form', async () => {
    identifier = document.getElementById('identifier').value.trim();
    if (!identifier) return;
    // The identifier-first flow takes over; an abort is not a failed passkey login.
    client.abortConditional();
    if (root.dataset.autofillState === 'waiting') root.dataset.autofillState = 'aborted';
    rememberLastLogin(identifier);
    await post('start', { identifier, client: await measured,
      rememberMe: document.getElementById('remember-me')?.checked === true });
  });
}

/**
 * Passkey autofill: a usernameless flow whose conditional request waits for the person to pick a
 * passkey from the identifier field's suggestions; the credential goes to autofill-passkey.
 */
async function startAutofill(measured) {
  root.dataset.autofillState = 'starting';
  const response = await fetch(`${base}/autofill`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...csrfHeaders() },
    body: JSON.stringify({ client: await measured }),
  }).catch(() => null);
  const data = response?.ok ? await response.json() : null;
  // Not offered (throttled, or the server refused): the identifier field works as before.
  if (data?.step?.conditional) await client.run(data.step);
  else root.dataset.autofillState = 'unsupported';
}

async function runConditional(step) {
  root.dataset.autofillState = 'waiting';
  try {
    const ran = await client.startConditional(step.publicKey);
    if (!ran) root.dataset.autofillState = 'unsupported';
  } catch {
    // The flow is out of attempts or expired: typing the identifier still works.
    root.dataset.autofillState = 'failed';
  }
}

function renderPasskey(step) {
  const lead = step.calmRetry
    ? `<p id="calm-retry">No problem. When you are ready, try your passkey again.</p>
       <button id="try-again" type="button">Try again</button>`
    : step.autoStart || step.immediate
      ? '<p id="passkey-status">Confirm with your passkey to sign in…</p>'
      : `<p id="passkey-status">You can sign in with a passkey on this device.</p>
         <button id="sign-in-passkey" type="button">Sign in with a passkey</button>`;
  render('passkey', `
    <h2 id="pkf-title" tabindex="-1">Sign in${identifier ? ` as <span id="who">${esc(identifier)}</span>` : ''}</h2>
    <div aria-live="polite">${lead}</div>
    <button id="use-password" type="button" class="secondary">Use password instead</button>
    <p><a id="start-again" href="">Not you? Start again</a></p>`, step.calmRetry ? 'try-again' : 'pkf-title');
  on('try-again', () => client.signIn(step));
  on('sign-in-passkey', () => client.signIn(step));
  on('use-password', () => post('fallback'));
  on('start-again', () => renderIdentifier());
}

function renderPassword(step) {
  const message = {
    PASSKEY_FAILED: "Your passkey didn't work this time. Sign in with your password instead.",
    FALLBACK_FAILED: `That password is not right. You can try ${step.remainingAttempts} more time${step.remainingAttempts === 1 ? '' : 's'}.`,
  }[step.reason] ?? 'Enter your password to sign in.';
  render('password', `
    <form id="pkf-password-form">
      <p id="fallback-message" aria-live="polite">${esc(message)}</p>
      <input type="hidden" name="username" autocomplete="username" value="${esc(step.identifier)}">
      <label for="password">Password for <strong>${esc(step.identifier)}</strong></label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button id="sign-in-password" type="submit">Sign in</button>
    </form>
    ${step.passkeyAlternative ? '<button id="use-passkey" type="button" class="secondary">Use a passkey or security key instead</button>' : ''}
    <p><a id="start-again" href="">Not you? Start again</a></p>`, 'password');
  on('pkf-password-form', () => post('password', { password: document.getElementById('password').value }));
  on('use-passkey', () => post('retry-passkey'));
  on('start-again', () => renderIdentifier());
}

function renderOffer(step) {
  const title = step.kind === 'AFTER_ERROR' ? 'Issues using your passkey? Add a new one'
    : step.kind === 'AFTER_HYBRID' ? 'Sign in faster on this device next time?'
      : 'Sign in faster next time with a passkey';
  const unlock = step.unlockMethod ? esc(step.unlockMethod) : 'your screen lock, fingerprint or face';
  render('offer', `
    <h2 id="offer-title" tabindex="-1">${esc(title)}</h2>
    <p>Your device will ask you to confirm with ${unlock}.</p>
    <button id="add-passkey" type="button">Add a passkey</button>
    <button id="skip" type="button" class="secondary">Not now</button>`, 'offer-title');
  on('add-passkey', () => client.createPasskey(step));
  on('skip', () => post('decline'));
}

/**
 * A silent offer (conditional create, WebAuthn Level 3): the client runs create() with mediation
 * 'conditional' at once (createSilently, through run()), and the page shows no offer. A passkey the
 * browser creates goes to healing like any other; if the browser declines, or has not answered after
 * SILENT_CREATE_WAIT_MILLIS, the client posts silent-declined and runs the explicit offer it answers,
 * which renders as usual. The person never sees both.
 */
function renderSilent() {
  render('silent', '<p id="pkf-silent" role="status" aria-live="polite">Signing you in…</p>', 'pkf-silent');
  root.dataset.silentState = 'creating';
}

client.addEventListener('ceremonysuccess', ({ detail: { ceremony, mode } }) => {
  if (mode !== 'conditional') return;
  if (ceremony === 'get') root.dataset.autofillState = 'verifying';
  else root.dataset.silentState = 'created';
});

client.addEventListener('ceremonyerror', ({ detail: { ceremony, mode } }) => {
  if (ceremony === 'create' && mode === 'conditional') root.dataset.silentState = 'declined';
});

client.addEventListener('step', ({ detail: { step } }) => {
  if (step.type === 'passkey' && step.conditional) runConditional(step);
  else if (step.type === 'passkey') renderPasskey(step);
  else if (step.type === 'fallback') renderPassword(step);
  else if (step.type === 'healing' && step.silent) renderSilent();
  else if (step.type === 'healing') renderOffer(step);
  else if (step.type === 'completed') root.dataset.view = 'completed';
});

client.addEventListener('servererror', ({ detail: { status, message } }) => serverError(status, message));

async function serverError(status, message) {
  if (status === 409) {
    // Another request moved the flow on: show where it is now.
    const response = await fetch(`${base}/step`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const data = response.ok ? await response.json() : null;
    if (data?.step) return client.run(data.step);
  }
  // 404: the flow expired; 423: locked; 403: the page's CSRF token expired.
  if (status === 404 || status === 409 || status === 423 || status === 403) renderIdentifier();
  showError(status === 403 ? 'This page expired. Reload it and try again.' : message, status);
  return undefined;
}

if (root) {
  if (!PasskeyFlowClient.supported()) root.dataset.noPasskeys = 'yes';
  renderIdentifier();
}
