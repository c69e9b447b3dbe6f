// passkeyflow demo: the browser side of the login flow.
// Plain modern JavaScript, no build step. The server renders every page; this script
//  - measures the client (capabilities, platform authenticator, client hints) for the forms,
//  - runs navigator.credentials.get()/create() with the options of the current step,
//  - posts the result (credential.toJSON()) or the DOMException name and elapsed time,
//  - makes the Signal API calls the server asked for, fire and forget.
'use strict';

(() => {
  const LAST_LOGIN_KEY = 'passkeyflow.lastLogin';
  const PENDING_CREDENTIAL_KEY = 'passkeyflow.pendingCredentialId';

  const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

  // ---------------------------------------------------------------- base64url

  function base64urlToBuffer(value) {
    const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function bufferToBase64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // ---------------------------------------------------------------- WebAuthn JSON, with fallbacks

  function parseRequestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    const options = { ...json, challenge: base64urlToBuffer(json.challenge) };
    if (json.allowCredentials) {
      options.allowCredentials = json.allowCredentials.map((c) => ({ ...c, id: base64urlToBuffer(c.id) }));
    }
    return options;
  }

  function parseCreationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    const options = {
      ...json,
      challenge: base64urlToBuffer(json.challenge),
      user: { ...json.user, id: base64urlToBuffer(json.user.id) },
    };
    if (json.excludeCredentials) {
      options.excludeCredentials = json.excludeCredentials.map((c) => ({ ...c, id: base64urlToBuffer(c.id) }));
    }
    return options;
  }

  function credentialToJSON(credential) {
    if (typeof credential.toJSON === 'function') {
      return credential.toJSON();
    }
    const response = credential.response;
    const json = {
      id: credential.id,
      rawId: bufferToBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: bufferToBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      json.response.attestationObject = bufferToBase64url(response.attestationObject);
      if (typeof response.getTransports === 'function') json.response.transports = response.getTransports();
    } else {
      json.response.authenticatorData = bufferToBase64url(response.authenticatorData);
      json.response.signature = bufferToBase64url(response.signature);
      if (response.userHandle) json.response.userHandle = bufferToBase64url(response.userHandle);
    }
    return json;
  }

  // ---------------------------------------------------------------- what the client can do

  function readLastLogin() {
    try {
      const value = JSON.parse(localStorage.getItem(LAST_LOGIN_KEY) ?? 'null');
      return value && typeof value.identifier === 'string' ? value : null;
    } catch {
      return null;
    }
  }

  async function collectClientContext() {
    const context = {
      capabilities: {},
      userVerifyingPlatformAuthenticator: null,
      conditionalMediation: null,
      hints: null,
      lastLogin: readLastLogin(),
    };
    if (window.PublicKeyCredential) {
      try {
        if (typeof PublicKeyCredential.getClientCapabilities === 'function') {
          context.capabilities = await PublicKeyCredential.getClientCapabilities();
        }
      } catch { /* not available */ }
      try {
        context.userVerifyingPlatformAuthenticator =
          await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable();
      } catch { /* not available */ }
      try {
        if (typeof PublicKeyCredential.isConditionalMediationAvailable === 'function') {
          context.conditionalMediation = await PublicKeyCredential.isConditionalMediationAvailable();
        }
      } catch { /* not available */ }
    }
    if (navigator.userAgentData) {
      const data = navigator.userAgentData;
      context.hints = { platform: data.platform, mobile: data.mobile };
      try {
        const high = await data.getHighEntropyValues(['platformVersion']);
        context.hints.platformVersion = high.platformVersion;
      } catch { /* low-entropy hints only */ }
    }
    return context;
  }

  /** Forms marked data-client-context send what the page measured in their hidden "client" field. */
  function wireClientContextForms() {
    const forms = document.querySelectorAll('form[data-client-context]');
    if (forms.length === 0) return;
    const measured = collectClientContext();
    for (const form of forms) {
      form.addEventListener('submit', async (event) => {
        if (form.dataset.ready === 'yes') return;
        event.preventDefault();
        const field = form.querySelector('input[name="client"]');
        try {
          if (field) field.value = JSON.stringify(await measured);
        } catch { /* send the form without it */ }
        const identifier = form.querySelector('input[name="identifier"]')?.value;
        if (identifier) rememberLastLogin(identifier.trim(), null, true);
        form.dataset.ready = 'yes';
        form.submit();
      });
    }
  }

  function rememberLastLogin(identifier, credentialId, keepCredential) {
    try {
      const previous = readLastLogin();
      const kept = keepCredential && previous?.identifier === identifier ? previous.credentialId : null;
      localStorage.setItem(LAST_LOGIN_KEY, JSON.stringify({ identifier, credentialId: credentialId ?? kept ?? null }));
    } catch { /* storage disabled */ }
  }

  // ---------------------------------------------------------------- talking to the server

  async function post(url, body) {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
      body: JSON.stringify(body),
    });
    let data = null;
    try {
      data = await response.json();
    } catch { /* not JSON */ }
    if (data && data.redirect) {
      window.location.assign(data.redirect);
      return;
    }
    throw new Error(data?.error ?? `The server answered ${response.status}.`);
  }

  function showError(message) {
    const box = document.getElementById('passkey-error');
    if (box) {
      box.textContent = message;
      box.hidden = false;
    }
  }

  function logClientError(name, elapsed) {
    const log = document.getElementById('error-log');
    if (log) log.textContent = `${name} after ${elapsed} ms`;
  }

  // ---------------------------------------------------------------- ceremonies

  let busy = false;

  // Test hook, off by default. Real Safari and Chrome show a sheet when no passkey is there and
  // reject get() with NotAllowedError only when the person dismisses it, seconds later; the WebDriver
  // virtual authenticator rejects in milliseconds. A browser test that sets
  //   window.passkeyflowTestHooks = { notAllowedErrorAfterMillis: 3000 }
  // before this script runs (or before the ceremony starts) makes the page report such an error
  // no sooner than that many milliseconds after the prompt opened, as when the person dismissed the
  // sheet then; the elapsed time posted is the padded one. Nothing else changes. Without the
  // global (every real visitor) the page reports at once.
  function notAllowedErrorAfterMillis() {
    const value = Number(window.passkeyflowTestHooks?.notAllowedErrorAfterMillis);
    return Number.isFinite(value) && value > 0 ? Math.min(value, 60000) : 0;
  }

  async function likeARealBrowserSheet(name, started) {
    if (name !== 'NotAllowedError') return;
    const wait = notAllowedErrorAfterMillis() - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => { setTimeout(resolve, Math.ceil(wait)); });
  }

  async function runGet(state) {
    if (busy) return;
    busy = true;
    document.querySelectorAll('[data-start-passkey]').forEach((b) => { b.disabled = true; });
    const started = performance.now();
    let credential;
    try {
      credential = await navigator.credentials.get({ publicKey: parseRequestOptions(state.publicKey) });
      if (!credential) throw new DOMException('No credential was returned.', 'NotAllowedError');
    } catch (error) {
      const name = error?.name || 'UnknownError';
      await likeARealBrowserSheet(name, started);
      const elapsed = Math.round(performance.now() - started);
      logClientError(name, elapsed);
      return post('/flow/passkey-error', { name, message: String(error?.message ?? ''), elapsedMillis: elapsed })
        .catch((e) => { busy = false; showError(e.message); });
    }
    try {
      sessionStorage.setItem(PENDING_CREDENTIAL_KEY, credential.id);
    } catch { /* storage disabled */ }
    return post('/flow/passkey', credentialToJSON(credential)).catch((e) => { busy = false; showError(e.message); });
  }

  async function runCreate(state) {
    if (busy) return;
    busy = true;
    document.querySelectorAll('[data-create-passkey]').forEach((b) => { b.disabled = true; });
    const started = performance.now();
    let credential;
    try {
      credential = await navigator.credentials.create({ publicKey: parseCreationOptions(state.publicKey) });
      if (!credential) throw new DOMException('No credential was created.', 'NotAllowedError');
    } catch (error) {
      const elapsed = Math.round(performance.now() - started);
      const name = error?.name || 'UnknownError';
      logClientError(name, elapsed);
      return post('/flow/healing-error', { name, message: String(error?.message ?? ''), elapsedMillis: elapsed })
        .catch((e) => { busy = false; showError(e.message); });
    }
    return post('/flow/healing', credentialToJSON(credential)).catch((e) => { busy = false; showError(e.message); });
  }

  function wireCeremonies(state) {
    if (!state || !state.ceremony) return;
    if (!window.PublicKeyCredential || !navigator.credentials) {
      showError('This browser does not support passkeys. Use your password instead.');
      return;
    }
    if (state.ceremony === 'get') {
      document.querySelectorAll('[data-start-passkey]').forEach((button) => {
        button.addEventListener('click', () => runGet(state));
      });
      // The flow says when to start by itself. After a cancel (calm retry) the user starts it.
      if (state.autoStart && !state.calmRetry) runGet(state);
    } else if (state.ceremony === 'create') {
      document.querySelectorAll('[data-create-passkey]').forEach((button) => {
        button.addEventListener('click', () => runCreate(state));
      });
    }
  }

  // ---------------------------------------------------------------- Signal API

  const SIGNAL_METHODS = ['signalUnknownCredential', 'signalAllAcceptedCredentials', 'signalCurrentUserDetails'];

  function fireSignals(signals) {
    const made = [];
    for (const signal of signals ?? []) {
      if (!SIGNAL_METHODS.includes(signal.method)) continue;
      const method = window.PublicKeyCredential?.[signal.method];
      if (typeof method !== 'function') {
        made.push(`${signal.method} (not supported)`);
        continue;
      }
      try {
        // Fire and forget: the result does not change what the page does.
        Promise.resolve(method.call(PublicKeyCredential, signal.options)).catch(() => {});
        made.push(signal.method);
      } catch {
        made.push(`${signal.method} (failed)`);
      }
    }
    const log = document.getElementById('signal-log');
    if (log && made.length > 0) log.textContent = made.join(', ');
    document.body.dataset.signals = made.join(' ');
  }

  // ---------------------------------------------------------------- pages

  function readJson(id) {
    const element = document.getElementById(id);
    if (!element) return null;
    try {
      return JSON.parse(element.textContent);
    } catch {
      return null;
    }
  }

  function start() {
    fireSignals(readJson('pkf-signals'));
    const page = document.body.dataset.page;
    const state = readJson('pkf-state');
    if (page === 'login') {
      const field = document.getElementById('identifier');
      const last = readLastLogin();
      if (field && !field.value && last) field.value = last.identifier;
    }
    if (page === 'dashboard' && state?.identifier) {
      let credentialId = null;
      try {
        credentialId = state.signedInWith === 'a passkey' ? sessionStorage.getItem(PENDING_CREDENTIAL_KEY) : null;
        sessionStorage.removeItem(PENDING_CREDENTIAL_KEY);
      } catch { /* storage disabled */ }
      rememberLastLogin(state.identifier, credentialId, state.signedInWith === 'a passkey');
    }
    wireClientContextForms();
    wireCeremonies(state);
    document.body.dataset.ready = 'yes';
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
