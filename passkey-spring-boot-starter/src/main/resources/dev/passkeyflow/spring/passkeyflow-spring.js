// passkeyflow for Spring Security: the login page's script, served by the starter at
// <base>/passkeyflow-spring.js. No build step, no dependencies. It renders each step of the flow into
//   <div id="passkeyflow" data-base="/passkeyflow"></div>
// on a page that carries Spring Security's CSRF token in <meta name="_csrf"> and <meta name="_csrf_header">.
// It measures the client (capabilities, platform authenticator, client hints), runs
// navigator.credentials.get()/create() with the options of the step, posts credential.toJSON() or the
// DOMException's name and elapsed time, and makes the Signal API calls the server asks for.
// (A minimal page script until the browser client package takes its place.)
'use strict';

(() => {
  const LAST_LOGIN_KEY = 'passkeyflow.lastLogin';
  const root = document.getElementById('passkeyflow');
  if (!root) return;
  const base = root.dataset.base || '/passkeyflow';
  const csrfToken = document.querySelector('meta[name="_csrf"]')?.content ?? '';
  const csrfHeader = document.querySelector('meta[name="_csrf_header"]')?.content ?? 'X-CSRF-TOKEN';
  let identifier = '';
  let busy = false;

  // ---------------------------------------------------------------- base64url and WebAuthn JSON

  const toBuffer = (value) => {
    const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer;
  };
  const toBase64url = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

  function requestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return { ...json, challenge: toBuffer(json.challenge),
      allowCredentials: (json.allowCredentials ?? []).map((c) => ({ ...c, id: toBuffer(c.id) })) };
  }

  function creationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return { ...json, challenge: toBuffer(json.challenge), user: { ...json.user, id: toBuffer(json.user.id) },
      excludeCredentials: (json.excludeCredentials ?? []).map((c) => ({ ...c, id: toBuffer(c.id) })) };
  }

  function credentialJson(credential) {
    if (typeof credential.toJSON === 'function') return credential.toJSON();
    const r = credential.response;
    const out = { id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(r.clientDataJSON) } };
    if (r.attestationObject) {
      out.response.attestationObject = toBase64url(r.attestationObject);
      if (typeof r.getTransports === 'function') out.response.transports = r.getTransports();
    } else {
      out.response.authenticatorData = toBase64url(r.authenticatorData);
      out.response.signature = toBase64url(r.signature);
      if (r.userHandle) out.response.userHandle = toBase64url(r.userHandle);
    }
    return out;
  }

  // ---------------------------------------------------------------- the client

  async function clientContext() {
    const context = { capabilities: {}, userVerifyingPlatformAuthenticator: null, conditionalMediation: null,
      hints: null, lastLogin: lastLogin() };
    const pkc = window.PublicKeyCredential;
    if (pkc) {
      try {
        if (typeof pkc.getClientCapabilities === 'function') context.capabilities = { ...(await pkc.getClientCapabilities()) };
      } catch { /* not available */ }
      // This script does not run immediate UI mode, so it must not let the server choose it.
      delete context.capabilities.immediateGet;
      try { context.userVerifyingPlatformAuthenticator = await pkc.isUserVerifyingPlatformAuthenticatorAvailable(); } catch { /* no */ }
      try {
        if (typeof pkc.isConditionalMediationAvailable === 'function') context.conditionalMediation = await pkc.isConditionalMediationAvailable();
      } catch { /* no */ }
    }
    if (navigator.userAgentData) {
      context.hints = { platform: navigator.userAgentData.platform, mobile: navigator.userAgentData.mobile };
      try {
        context.hints.platformVersion = (await navigator.userAgentData.getHighEntropyValues(['platformVersion'])).platformVersion;
      } catch { /* low-entropy hints only */ }
    }
    return context;
  }

  function lastLogin() {
    try {
      const value = JSON.parse(localStorage.getItem(LAST_LOGIN_KEY) ?? 'null');
      return value && typeof value.identifier === 'string' ? value : null;
    } catch { return null; }
  }

  // ---------------------------------------------------------------- the server

  async function call(method, path, body) {
    const headers = { Accept: 'application/json, application/problem+json' };
    if (method === 'POST') {
      headers['Content-Type'] = 'application/json';
      headers[csrfHeader] = csrfToken;
    }
    const response = await fetch(`${base}/${path}`, { method, credentials: 'same-origin', headers,
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined });
    let data = null;
    try { data = await response.json(); } catch { /* not JSON */ }
    if (response.ok && data?.step) return show(data);
    return problem(response.status, data);
  }

  async function problem(status, data) {
    busy = false;
    const reason = data?.reason;
    if (reason === 'CONFLICT' || reason === 'ILLEGAL_TRANSITION') {
      try { return await call('GET', 'step'); } catch { /* fall through to the start */ }
    }
    if (reason === 'UNKNOWN_FLOW' || reason === 'LOCKED' || reason === 'ILLEGAL_TRANSITION' || status === 403) {
      renderIdentifier();
    }
    let text = data?.title ?? `The server answered ${status}.`;
    if (status === 403 && !data) text = 'This page expired. Reload it and try again.';
    if (data?.detail) text += `${text.endsWith('.') ? '' : '.'} ${data.detail}`;
    showError(text, status);
  }

  function showError(text, status) {
    const box = document.getElementById('pkf-error');
    box.textContent = text;
    box.dataset.status = String(status ?? '');
    box.hidden = false;
  }

  // ---------------------------------------------------------------- rendering

  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  function render(view, html, focusId) {
    document.body.dataset.ready = 'no';
    root.dataset.view = view;
    root.innerHTML = `${html}<p id="pkf-error" class="error" role="alert" hidden></p>`;
    const focus = focusId && document.getElementById(focusId);
    if (focus) focus.focus();
    document.body.dataset.ready = 'yes';
  }

  function bind(id, handler) {
    const element = document.getElementById(id);
    if (element) element.addEventListener(element.tagName === 'FORM' ? 'submit' : 'click', (event) => {
      event.preventDefault();
      handler();
    });
  }

  function renderIdentifier() {
    const remember = root.dataset.rememberMe !== undefined
      ? '<label><input id="remember-me" type="checkbox"> Remember me</label>' : '';
    render('identifier', `
      <form id="pkf-identifier-form">
        <label for="identifier">Email or user name</label>
        <input id="identifier" name="username" autocomplete="username webauthn" required value="${esc(lastLogin()?.identifier ?? '')}">
        ${remember}
        <button id="continue" type="submit">Continue</button>
      </form>`, 'identifier');
    const measured = clientContext();
    bind('pkf-identifier-form', async () => {
      identifier = document.getElementById('identifier').value.trim();
      if (!identifier) return;
      try { localStorage.setItem(LAST_LOGIN_KEY, JSON.stringify({ identifier })); } catch { /* disabled */ }
      await call('POST', 'start', { identifier, client: await measured,
        rememberMe: document.getElementById('remember-me')?.checked === true });
    });
  }

  function show(step) {
    busy = false;
    fireSignals(step.signals);
    if (step.step === 'passkey') return renderPasskey(step);
    if (step.step === 'password') return renderPassword(step);
    if (step.step === 'offer') return renderOffer(step);
    if (step.step === 'completed') {
      root.dataset.view = 'completed';
      // Give the fire-and-forget signals a moment before the page goes.
      setTimeout(() => window.location.assign(step.redirect), step.signals.length > 0 ? 300 : 0);
    }
    return undefined;
  }

  function renderPasskey(step) {
    const lead = step.calmRetry
      ? '<p id="calm-retry" aria-live="polite">No problem. When you are ready, try your passkey again.</p><button id="try-again" type="button">Try again</button>'
      : step.autoStart
        ? '<p id="passkey-status" aria-live="polite">Confirm with your passkey to sign in…</p>'
        : '<p id="passkey-status">You can sign in with a passkey on this device.</p><button id="sign-in-passkey" type="button">Sign in with a passkey</button>';
    render('passkey', `
      <h2 id="pkf-title" tabindex="-1">Sign in${identifier ? ` as <span id="who">${esc(identifier)}</span>` : ''}</h2>
      ${lead}
      <button id="use-password" type="button" class="secondary">Use password instead</button>
      <p><a id="start-again" href="">Not you? Start again</a></p>`, step.calmRetry ? 'try-again' : 'pkf-title');
    bind('try-again', () => runGet(step));
    bind('sign-in-passkey', () => runGet(step));
    bind('use-password', () => call('POST', 'fallback'));
    bind('start-again', renderIdentifier);
    if (step.autoStart) runGet(step);
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
        <label for="password">Password for <strong id="who">${esc(step.identifier)}</strong></label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button id="sign-in-password" type="submit">Sign in</button>
      </form>
      ${step.passkeyAlternative ? '<button id="use-passkey" type="button" class="secondary">Use a passkey or security key instead</button>' : ''}
      <p><a id="start-again" href="">Not you? Start again</a></p>`, 'password');
    bind('pkf-password-form', () => call('POST', 'password', { password: document.getElementById('password').value }));
    bind('use-passkey', () => call('POST', 'retry-passkey'));
    bind('start-again', renderIdentifier);
  }

  function renderOffer(step) {
    const title = step.kind === 'AFTER_ERROR' ? 'Issues using your passkey? Add a new one'
      : step.kind === 'AFTER_HYBRID' ? 'Sign in faster on this device next time?' : 'Sign in faster next time with a passkey';
    render('offer', `
      <h2 id="offer-title" tabindex="-1">${esc(title)}</h2>
      <p>Your device will ask you to confirm with your screen lock, fingerprint or face.</p>
      <button id="add-passkey" type="button">Add a passkey</button>
      <button id="skip" type="button" class="secondary">Not now</button>`, 'offer-title');
    bind('add-passkey', () => runCreate(step));
    bind('skip', () => call('POST', 'decline'));
  }

  // ---------------------------------------------------------------- ceremonies

  async function runGet(step) {
    if (busy) return;
    busy = true;
    const started = performance.now();
    let credential;
    try {
      credential = await navigator.credentials.get({ publicKey: requestOptions(step.publicKey) });
      if (!credential) throw new DOMException('No credential was returned.', 'NotAllowedError');
    } catch (error) {
      busy = false;
      return call('POST', 'passkey-error', { name: error?.name || 'UnknownError', message: String(error?.message ?? ''),
        elapsedMillis: Math.round(performance.now() - started) });
    }
    return call('POST', 'passkey', credentialJson(credential));
  }

  async function runCreate(step) {
    if (busy) return;
    busy = true;
    const started = performance.now();
    let credential;
    try {
      credential = await navigator.credentials.create({ publicKey: creationOptions(step.publicKey) });
      if (!credential) throw new DOMException('No credential was created.', 'NotAllowedError');
    } catch (error) {
      busy = false;
      return call('POST', 'healing-error', { name: error?.name || 'UnknownError', message: String(error?.message ?? ''),
        elapsedMillis: Math.round(performance.now() - started) });
    }
    return call('POST', 'healing', credentialJson(credential));
  }

  // ---------------------------------------------------------------- Signal API

  function fireSignals(signals) {
    const made = [];
    for (const signal of signals ?? []) {
      const method = window.PublicKeyCredential?.[signal.method];
      if (!signal.method?.startsWith('signal') || typeof method !== 'function') continue;
      try {
        Promise.resolve(method.call(PublicKeyCredential, signal.options)).catch(() => {});
        made.push(signal.method);
      } catch { /* fire and forget */ }
    }
    if (made.length > 0) document.body.dataset.signals = made.join(' ');
  }

  if (!window.PublicKeyCredential || !navigator.credentials) {
    root.dataset.noPasskeys = 'yes';
  }
  renderIdentifier();
})();
