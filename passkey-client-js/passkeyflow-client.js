// passkeyflow-client: the browser side of a passkeyflow login, as a plain ES module (no build step).
//
// It collects what the server's LoginFlow decides with (the ClientContext payload), runs each step
// the server returns (auto-start, calm retry, button, immediate UI mode, healing offer, conditional
// requests), posts the result or the error's name and elapsed time to endpoints the page names,
// makes the Signal API calls the server asks for, and tells the page's own UI what happens through
// events. It renders nothing itself.
//
// Wire format (the server side is dev.passkeyflow.core.web.StepJson and ClientContextReader):
//   step      {type: 'passkey'|'fallback'|'healing'|'completed', publicKey?, autoStart?, calmRetry?,
//              immediate?, attempt?, signals?: [{method, options}], ...}
//   response  {redirect: url} | {step: step} | {error: message}

/** The version of this module (equal to its npm package and WebJar version). */
export const VERSION = '0.1.0-SNAPSHOT';

const LAST_LOGIN_KEY = 'passkeyflow.lastLogin';
const DEVICE_ID_KEY = 'passkeyflow.deviceId';
const SIGNAL_METHODS = Object.freeze(['signalUnknownCredential', 'signalAllAcceptedCredentials',
  'signalCurrentUserDetails']);
// The longest a page's test hook may hold an error back (see notAllowedErrorAfterMillis).
const MAX_TEST_DELAY_MILLIS = 60000;

// ------------------------------------------------------------------ base64url and WebAuthn JSON

/** Decodes base64url (with or without padding) into an ArrayBuffer. */
export function base64urlToBuffer(value) {
  const base64 = String(value).replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** Encodes an ArrayBuffer or a typed array as base64url without padding. */
export function bufferToBase64url(buffer) {
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer)
    : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Accepts either the publicKey options or the {publicKey: ...} wrapper LoginFlow hands out. */
function unwrap(json) {
  return json && typeof json === 'object' && json.publicKey && typeof json.publicKey === 'object'
    ? json.publicKey : json;
}

/**
 * PublicKeyCredentialRequestOptions from their JSON form: PublicKeyCredential.parseRequestOptionsFromJSON
 * where the browser has it (WebAuthn Level 3, §5.1.11), else a base64url conversion of the binary members.
 */
export function parseRequestOptions(json) {
  const options = unwrap(json);
  if (typeof globalThis.PublicKeyCredential?.parseRequestOptionsFromJSON === 'function') {
    return PublicKeyCredential.parseRequestOptionsFromJSON(options);
  }
  const parsed = { ...options, challenge: base64urlToBuffer(options.challenge) };
  if (Array.isArray(options.allowCredentials)) {
    parsed.allowCredentials = options.allowCredentials.map((c) => ({ ...c, id: base64urlToBuffer(c.id) }));
  }
  return parsed;
}

/** PublicKeyCredentialCreationOptions from their JSON form (parseCreationOptionsFromJSON or a fallback). */
export function parseCreationOptions(json) {
  const options = unwrap(json);
  if (typeof globalThis.PublicKeyCredential?.parseCreationOptionsFromJSON === 'function') {
    return PublicKeyCredential.parseCreationOptionsFromJSON(options);
  }
  const parsed = {
    ...options,
    challenge: base64urlToBuffer(options.challenge),
    user: { ...options.user, id: base64urlToBuffer(options.user.id) },
  };
  if (Array.isArray(options.excludeCredentials)) {
    parsed.excludeCredentials = options.excludeCredentials.map((c) => ({ ...c, id: base64urlToBuffer(c.id) }));
  }
  return parsed;
}

/** The JSON form of a PublicKeyCredential: credential.toJSON() where available, else built by hand. */
export function credentialToJSON(credential) {
  if (typeof credential.toJSON === 'function') return credential.toJSON();
  const response = credential.response;
  const json = {
    id: credential.id,
    rawId: bufferToBase64url(credential.rawId),
    type: credential.type,
    clientExtensionResults: typeof credential.getClientExtensionResults === 'function'
      ? credential.getClientExtensionResults() : {},
    response: { clientDataJSON: bufferToBase64url(response.clientDataJSON) },
  };
  if (credential.authenticatorAttachment) json.authenticatorAttachment = credential.authenticatorAttachment;
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

// ------------------------------------------------------------------ what this client can do

function storage(kind) {
  try {
    return kind === 'session' ? globalThis.sessionStorage : globalThis.localStorage;
  } catch {
    return null; // storage disabled (e.g. blocked third-party context)
  }
}

/** The device's last-login hint ({identifier, credentialId}) or null. */
export function readLastLogin() {
  try {
    const value = JSON.parse(storage('local')?.getItem(LAST_LOGIN_KEY) ?? 'null');
    return value && typeof value.identifier === 'string'
      ? { identifier: value.identifier, credentialId: typeof value.credentialId === 'string' ? value.credentialId : null }
      : null;
  } catch {
    return null;
  }
}

/**
 * Remembers the last login on this device. With credentialId null the credential id remembered for
 * the same identifier is kept (a password login does not erase which passkey worked here).
 */
export function rememberLastLogin(identifier, credentialId = null) {
  if (typeof identifier !== 'string' || identifier.trim() === '') return;
  const id = identifier.trim();
  const previous = readLastLogin();
  const kept = credentialId ?? (previous?.identifier === id ? previous.credentialId : null);
  try {
    storage('local')?.setItem(LAST_LOGIN_KEY, JSON.stringify({ identifier: id, credentialId: kept ?? null }));
  } catch { /* storage full or disabled */ }
}

/** Forgets the last-login hint (e.g. "not you?"). */
export function forgetLastLogin() {
  try {
    storage('local')?.removeItem(LAST_LOGIN_KEY);
  } catch { /* storage disabled */ }
}

function randomId() {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return bufferToBase64url(bytes);
}

/**
 * A random long-lived id for this browser profile, kept in localStorage. A server that sets its own
 * first-party device cookie should prefer that one; this one serves hosts without such a cookie.
 */
export function deviceId() {
  const store = storage('local');
  try {
    const existing = store?.getItem(DEVICE_ID_KEY);
    if (existing && /^[A-Za-z0-9_-]{22,64}$/.test(existing)) return existing;
    const fresh = randomId();
    store?.setItem(DEVICE_ID_KEY, fresh);
    return fresh;
  } catch {
    return null;
  }
}

async function settle(promiseFactory) {
  try {
    return await promiseFactory();
  } catch {
    return null;
  }
}

/**
 * Measures the client for LoginFlow's ClientContext. Every member is optional; whatever the
 * browser cannot tell is null (or {} for capabilities). Never throws.
 *
 * @param {{deviceId?: boolean, lastLogin?: boolean, immediateUiMode?: boolean}} [options] deviceId:
 *     include this module's localStorage device id (default true); lastLogin: include the last-login
 *     hint (default true); immediateUiMode: report the browser's immediateGet capability (default
 *     false). Immediate UI mode works only within a click's transient activation, so only a page
 *     that runs the first step in place (the identifier posted with fetch and the answer run at once)
 *     can use it; a page that navigates first must not let the server choose it, or the server
 *     would plan a probe that the page cannot make.
 */
export async function collectClientContext(options = {}) {
  const pkc = globalThis.PublicKeyCredential;
  const context = {
    version: VERSION,
    deviceId: options.deviceId === false ? null : deviceId(),
    capabilities: {},
    userVerifyingPlatformAuthenticator: null,
    conditionalMediation: null,
    hints: null,
    lastLogin: options.lastLogin === false ? null : readLastLogin(),
  };
  if (pkc) {
    if (typeof pkc.getClientCapabilities === 'function') {
      const capabilities = await settle(() => pkc.getClientCapabilities());
      if (capabilities && typeof capabilities === 'object') {
        for (const [key, value] of Object.entries(capabilities)) {
          if (typeof value !== 'boolean') continue;
          if (key === 'immediateGet' && options.immediateUiMode !== true) continue;
          context.capabilities[key] = value;
        }
      }
    }
    if (typeof pkc.isUserVerifyingPlatformAuthenticatorAvailable === 'function') {
      const value = await settle(() => pkc.isUserVerifyingPlatformAuthenticatorAvailable());
      context.userVerifyingPlatformAuthenticator = typeof value === 'boolean' ? value : null;
    }
    if (typeof pkc.isConditionalMediationAvailable === 'function') {
      const value = await settle(() => pkc.isConditionalMediationAvailable());
      context.conditionalMediation = typeof value === 'boolean' ? value : null;
    }
  }
  const data = globalThis.navigator?.userAgentData;
  if (data) {
    context.hints = { platform: data.platform ?? null, mobile: typeof data.mobile === 'boolean' ? data.mobile : null,
      platformVersion: null };
    const high = await settle(() => data.getHighEntropyValues(['platformVersion']));
    if (high && typeof high.platformVersion === 'string') context.hints.platformVersion = high.platformVersion;
  }
  return context;
}

/**
 * Makes a form send the measured client context in a field (default: a hidden input named
 * "client", created when missing) and remember the identifier typed in its "identifier" field as
 * the last-login hint. The measurement starts at once, so the submit is not held up.
 *
 * @returns {() => void} a function that removes the listener
 */
export function attachClientContext(form, { field = 'client', identifierField = 'identifier', ...options } = {}) {
  const measured = collectClientContext(options);
  const listener = async (event) => {
    if (form.dataset.passkeyflowReady === 'yes') return;
    event.preventDefault();
    let input = form.querySelector(`input[name="${field}"]`);
    if (!input) {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = field;
      form.appendChild(input);
    }
    input.value = JSON.stringify(await measured);
    const identifier = form.querySelector(`input[name="${identifierField}"]`)?.value;
    if (identifier) rememberLastLogin(identifier);
    form.dataset.passkeyflowReady = 'yes';
    // submit() sends the form without firing 'submit' again (the form was validated already); the
    // prototype's method, in case a field named "submit" shadows it.
    HTMLFormElement.prototype.submit.call(form);
  };
  form.addEventListener('submit', listener);
  return () => form.removeEventListener('submit', listener);
}

// ------------------------------------------------------------------ Signal API

/**
 * Makes Signal API calls (WebAuthn Level 3 §5.1.10: signalUnknownCredential,
 * signalAllAcceptedCredentials, signalCurrentUserDetails), each feature-detected, fire and forget.
 * Anything else is ignored.
 *
 * @returns {{method: string, status: 'made'|'unsupported'|'failed'|'ignored'}[]}
 */
export function performSignals(signals) {
  const results = [];
  for (const signal of Array.isArray(signals) ? signals : []) {
    const method = signal?.method;
    if (!SIGNAL_METHODS.includes(method)) {
      results.push({ method: String(method), status: 'ignored' });
      continue;
    }
    const fn = globalThis.PublicKeyCredential?.[method];
    if (typeof fn !== 'function') {
      results.push({ method, status: 'unsupported' });
      continue;
    }
    try {
      // Fire and forget: the provider's answer changes nothing the page does.
      Promise.resolve(fn.call(PublicKeyCredential, signal.options)).catch(() => {});
      results.push({ method, status: 'made' });
    } catch {
      results.push({ method, status: 'failed' });
    }
  }
  return results;
}

// ------------------------------------------------------------------ errors

/**
 * How a DOMException name from get()/create() is read: NotAllowedError and AbortError are
 * cancels (a cancel and a timeout look the same); InvalidStateError from create() means a passkey
 * of the account already exists on the authenticator; SecurityError is a misconfiguration.
 */
export function classifyError(name) {
  switch (name) {
    case 'NotAllowedError':
    case 'AbortError':
      return 'cancelled';
    case 'InvalidStateError':
      return 'exists';
    case 'SecurityError':
      return 'misconfiguration';
    case 'NotSupportedError':
      return 'unsupported';
    default:
      return 'other';
  }
}

/** An error the server answered (a non-2xx status with {error} or an unexpected body). */
export class PasskeyFlowServerError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'PasskeyFlowServerError';
    this.status = status;
  }
}

// ------------------------------------------------------------------ the client

const ENDPOINT_NAMES = Object.freeze(['passkey', 'passkeyError', 'immediateRejection', 'healing', 'healingError',
  'conditional', 'silentDeclined']);

/**
 * How long createSilently() waits for a conditional create before it treats it as declined, in ms.
 * A browser may leave the request pending instead of rejecting it when it will not create silently
 * (Chromium 156's WebDriver virtual authenticator never completes one), and the person must not
 * wait for an offer that never comes.
 */
export const SILENT_CREATE_WAIT_MILLIS = 3000;

/**
 * Runs the steps of a passkeyflow login in this page. An EventTarget; events (CustomEvent, data in
 * event.detail):
 *   step             {step}                       a step is about to run
 *   waiting          {step, reason}               a passkey step waits for the person: reason
 *                                                 'button' (no auto-start) or 'calmRetry'
 *   offer            {step}                       a healing offer waits for "add" or "not now"
 *   ceremonystart    {ceremony, mode, attempt}    get()/create() called; mode 'modal'|'immediate'|'conditional'
 *   ceremonysuccess  {ceremony, mode, elapsedMillis, credentialId}
 *   ceremonyerror    {ceremony, mode, name, message, elapsedMillis, kind}
 *   signal           {method, status}
 *   redirect         {url}       cancelable: preventDefault() keeps the page (the page navigates itself)
 *   servererror      {status, message}
 *   unsupported      {}          this browser has no WebAuthn
 */
export class PasskeyFlowClient extends EventTarget {
  /**
   * @param {object} options
   * @param {Record<string, string>} options.endpoints URLs to POST to: passkey (credential JSON of a
   *     get()), passkeyError ({name, message, elapsedMillis}), immediateRejection ({elapsedMillis}),
   *     healing (credential JSON of a create()), healingError ({name, message, elapsedMillis}),
   *     conditional (credential JSON of a conditional get(); default: passkey), silentDeclined ({}:
   *     the browser declined a silent offer; with it, run() runs a healing step with silent: true
   *     through createSilently(), without it such a step is an ordinary offer). Only those a page
   *     uses are needed; a missing one is reported when it is needed.
   * @param {Record<string,string> | (() => Record<string,string>)} [options.headers] extra request
   *     headers, e.g. a CSRF token
   * @param {(url: string) => void} [options.navigate] how to follow a redirect (default location.assign)
   * @param {typeof fetch} [options.fetch] the fetch to use
   * @param {{notAllowedErrorAfterMillis?: number}} [options.testHooks] for browser tests only
   */
  constructor(options = {}) {
    super();
    const endpoints = options.endpoints ?? {};
    for (const key of Object.keys(endpoints)) {
      if (!ENDPOINT_NAMES.includes(key)) throw new TypeError(`passkeyflow: unknown endpoint '${key}'`);
      if (typeof endpoints[key] !== 'string' || endpoints[key] === '') {
        throw new TypeError(`passkeyflow: endpoint '${key}' must be a non-empty URL string`);
      }
    }
    this.endpoints = Object.freeze({ ...endpoints });
    this.headers = options.headers ?? {};
    this.navigate = options.navigate ?? ((url) => globalThis.location.assign(url));
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.testHooks = options.testHooks ?? null;
    this.busy = false;
    this.lastError = null;
    this.conditionalController = null;
  }

  /** Whether this browser can run passkey ceremonies at all. */
  static supported() {
    return typeof globalThis.PublicKeyCredential === 'function' && !!globalThis.navigator?.credentials;
  }

  endpoint(name) {
    const url = this.endpoints[name];
    if (!url) throw new TypeError(`passkeyflow: no '${name}' endpoint configured`);
    return url;
  }

  emit(type, detail) {
    return this.dispatchEvent(new CustomEvent(type, { detail, cancelable: type === 'redirect' }));
  }

  /**
   * Runs a step: makes its signals, then for a passkey step starts the ceremony when the step says
   * autoStart (never for a calm retry, which waits for the person) or runs immediate UI mode, and
   * otherwise emits 'waiting'; for a healing step emits 'offer', or, for a silent one when the
   * silentDeclined endpoint is configured, runs createSilently(); for a completed step follows its
   * redirect. Resolves when the step's own work is done (a ceremony posted, or waiting).
   */
  async run(step) {
    if (!step || typeof step !== 'object') return;
    this.emit('step', { step });
    this.signals(step.signals);
    switch (step.type) {
      case 'passkey':
        if (!PasskeyFlowClient.supported()) {
          this.emit('unsupported', {});
          return;
        }
        if (step.immediate) return this.signIn(step);
        if (step.autoStart && !step.calmRetry) return this.signIn(step);
        this.emit('waiting', { step, reason: step.calmRetry ? 'calmRetry' : 'button' });
        return;
      case 'healing':
        if (!PasskeyFlowClient.supported()) {
          this.emit('unsupported', {});
          return;
        }
        if (step.silent && this.endpoints.silentDeclined) return this.createSilently(step);
        this.emit('offer', { step });
        return;
      case 'completed':
        if (step.redirect) this.redirect(step.redirect);
        return;
      default:
        return;
    }
  }

  /** Makes the signals of a step and emits one 'signal' event per call. */
  signals(signals) {
    const results = performSignals(signals);
    for (const result of results) this.emit('signal', result);
    return results;
  }

  /**
   * Runs navigator.credentials.get() for a passkey step now (a click on "Sign in with a passkey" or
   * "Try again", or the step's auto-start), in immediate UI mode when the step says immediate, and
   * posts the credential or the error. Ignored while another ceremony of this client runs.
   */
  async signIn(step) {
    if (this.busy) return;
    // Immediate UI mode needs the transient activation of a click (Chrome rejects it at once with
    // NotAllowedError otherwise, credential or not: w3c/webauthn PR 2291). Without one, e.g. on a page
    // loaded after a redirect, the step runs as a normal modal get() and reports as one, which
    // LoginFlow accepts for every challenge; a rejection would otherwise read as "no passkey here".
    const immediate = !!step.immediate && globalThis.navigator?.userActivation?.isActive === true;
    this.abortConditional();
    await this.ceremony('get', immediate ? 'immediate' : 'modal', step, async () => {
      const request = { publicKey: parseRequestOptions(step.publicKey) };
      // Immediate UI mode (Chrome 148+): no UI unless a credential for the RP is locally available;
      // it rejects at once with NotAllowedError otherwise. See ClientContext.CAPABILITY_IMMEDIATE_GET.
      // It is made for discoverable credentials: Chromium 156 rejects it at once whenever
      // allowCredentials is not empty, even with the account's passkey right there (measured,
      // ImmediateModeE2eTest), so the request goes without the list. The server still accepts only
      // the passkeys it listed in the challenge it keeps.
      if (immediate) {
        request.uiMode = 'immediate';
        request.publicKey.allowCredentials = [];
      }
      return navigator.credentials.get(request);
    }, (credential) => this.post(this.endpoint('passkey'), credentialToJSON(credential)),
    (error) => (immediate && error.name === 'NotAllowedError'
      ? this.post(this.endpoint('immediateRejection'), { elapsedMillis: error.elapsedMillis })
      : this.post(this.endpoint('passkeyError'), error)));
  }

  /** Runs navigator.credentials.create() for a healing step (the person accepted) and posts the result. */
  async createPasskey(step) {
    if (this.busy) return;
    this.abortConditional();
    await this.ceremony('create', 'modal', step,
      () => navigator.credentials.create({ publicKey: parseCreationOptions(step.publicKey) }),
      (credential) => this.post(this.endpoint('healing'), credentialToJSON(credential)),
      (error) => this.post(this.endpoint('healingError'), error));
  }

  /**
   * Runs a silent offer (a healing step with silent: true): navigator.credentials.create() with
   * mediation 'conditional' (WebAuthn Level 3 conditional create) at once, with no UI of its own. A
   * passkey the browser creates is posted to healing; a refusal, or no answer within waitMillis, is
   * posted to silentDeclined ({}), and the step it answers (the explicit offer) is run. The refusal is
   * emitted as a 'ceremonyerror' with mode 'conditional' but not posted to healingError: the browser
   * declining silently is not the person's answer. Ignored while another ceremony of this client runs.
   *
   * @param {object} step the healing step
   * @param {{waitMillis?: number}} [options] how long to wait for the browser (default
   *     SILENT_CREATE_WAIT_MILLIS)
   */
  async createSilently(step, { waitMillis = SILENT_CREATE_WAIT_MILLIS } = {}) {
    if (this.busy) return;
    this.abortConditional();
    this.busy = true;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('No silent creation in time.', 'AbortError')),
      waitMillis);
    const started = performance.now();
    this.emit('ceremonystart', { ceremony: 'create', mode: 'conditional', attempt: 0 });
    let credential = null;
    try {
      credential = await navigator.credentials.create({ publicKey: parseCreationOptions(step.publicKey),
        mediation: 'conditional', signal: controller.signal });
      if (!credential) throw new DOMException('No credential was returned.', 'NotAllowedError');
    } catch (error) {
      credential = null;
      this.emit('ceremonyerror', this.errorDetail(error, started, 'create', 'conditional'));
    } finally {
      clearTimeout(timer);
    }
    try {
      if (credential) {
        this.emit('ceremonysuccess', { ceremony: 'create', mode: 'conditional',
          elapsedMillis: Math.round(performance.now() - started), credentialId: credential.id });
        await this.post(this.endpoint('healing'), credentialToJSON(credential));
      } else {
        await this.post(this.endpoint('silentDeclined'), {});
      }
    } catch (e) {
      this.failed(e);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Starts a conditional request (passkey autofill, WebAuthn §5.1.4 mediation 'conditional') with
   * these request options, for a page with an input marked autocomplete="username webauthn". The
   * credential the person picks is posted to the conditional endpoint (default: passkey). A modal
   * ceremony of this client aborts it first; abortConditional() does too. Errors are emitted, not
   * posted: a conditional request that ends without a credential is not a failed login.
   *
   * @returns {Promise<boolean>} whether the request ran (false when the browser lacks it)
   */
  async startConditional(publicKey) {
    const pkc = globalThis.PublicKeyCredential;
    if (!PasskeyFlowClient.supported() || typeof pkc.isConditionalMediationAvailable !== 'function'
      || !(await settle(() => pkc.isConditionalMediationAvailable()))) {
      return false;
    }
    this.abortConditional();
    const controller = new AbortController();
    this.conditionalController = controller;
    const started = performance.now();
    this.emit('ceremonystart', { ceremony: 'get', mode: 'conditional', attempt: 0 });
    let credential;
    try {
      credential = await navigator.credentials.get({ publicKey: parseRequestOptions(publicKey),
        mediation: 'conditional', signal: controller.signal });
    } catch (error) {
      if (this.conditionalController === controller) this.conditionalController = null;
      const detail = this.errorDetail(error, started, 'get', 'conditional');
      if (!(controller.signal.aborted && detail.name === 'AbortError')) this.emit('ceremonyerror', detail);
      return true;
    }
    if (this.conditionalController === controller) this.conditionalController = null;
    if (!credential) return true;
    this.emit('ceremonysuccess', { ceremony: 'get', mode: 'conditional',
      elapsedMillis: Math.round(performance.now() - started), credentialId: credential.id });
    this.busy = true;
    try {
      await this.post(this.endpoints.conditional ? this.endpoint('conditional') : this.endpoint('passkey'),
        credentialToJSON(credential));
    } finally {
      this.busy = false;
    }
    return true;
  }

  /** Aborts a pending conditional request, if any. */
  abortConditional() {
    const controller = this.conditionalController;
    this.conditionalController = null;
    if (controller) controller.abort();
  }

  async ceremony(kind, mode, step, call, onCredential, onError) {
    this.busy = true;
    const started = performance.now();
    this.emit('ceremonystart', { ceremony: kind, mode, attempt: step.attempt ?? 0 });
    let credential;
    try {
      credential = await call();
      if (!credential) throw new DOMException('No credential was returned.', 'NotAllowedError');
    } catch (error) {
      let detail = this.errorDetail(error, started, kind, mode);
      if (detail.name === 'NotAllowedError' && mode === 'modal') {
        await this.likeARealBrowserSheet(started);
        detail = { ...detail, elapsedMillis: Math.round(performance.now() - started) };
      }
      this.lastError = detail;
      this.emit('ceremonyerror', detail);
      try {
        await onError({ name: detail.name, message: detail.message, elapsedMillis: detail.elapsedMillis });
      } catch (e) {
        this.failed(e);
      } finally {
        this.busy = false;
      }
      return;
    }
    this.emit('ceremonysuccess', { ceremony: kind, mode, elapsedMillis: Math.round(performance.now() - started),
      credentialId: credential.id });
    if (kind === 'get') {
      try {
        storage('session')?.setItem('passkeyflow.pendingCredentialId', credential.id);
      } catch { /* storage disabled */ }
    }
    try {
      await onCredential(credential);
    } catch (e) {
      this.failed(e);
    } finally {
      this.busy = false;
    }
  }

  errorDetail(error, started, ceremony, mode) {
    const name = typeof error?.name === 'string' && error.name !== '' ? error.name : 'UnknownError';
    return { ceremony, mode, name, message: String(error?.message ?? '').slice(0, 200),
      elapsedMillis: Math.round(performance.now() - started), kind: classifyError(name) };
  }

  // Test hook for browser tests: real Safari and Chrome reject get() with NotAllowedError only when
  // the person dismisses their sheet, seconds later; the WebDriver virtual authenticator rejects in
  // milliseconds. testHooks.notAllowedErrorAfterMillis (or window.passkeyflowTestHooks, set before
  // the ceremony) holds such an error back until that many ms after the prompt opened. Without it
  // (every real visitor) nothing waits.
  async likeARealBrowserSheet(started) {
    const hooks = this.testHooks ?? globalThis.passkeyflowTestHooks;
    const value = Number(hooks?.notAllowedErrorAfterMillis);
    const target = Number.isFinite(value) && value > 0 ? Math.min(value, MAX_TEST_DELAY_MILLIS) : 0;
    const wait = target - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => { setTimeout(resolve, Math.ceil(wait)); });
  }

  failed(error) {
    const status = error instanceof PasskeyFlowServerError ? error.status : 0;
    this.emit('servererror', { status, message: String(error?.message ?? error) });
  }

  redirect(url) {
    if (this.emit('redirect', { url })) this.navigate(url);
  }

  /**
   * POSTs JSON to a URL and acts on the answer: {redirect} is followed, {step} is run; anything
   * else throws PasskeyFlowServerError. Resolves with the parsed answer.
   */
  async post(url, body) {
    const extra = typeof this.headers === 'function' ? this.headers() : this.headers;
    let response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...extra },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new PasskeyFlowServerError(0, `The server could not be reached (${e?.message ?? e}).`);
    }
    let data = null;
    try {
      data = await response.json();
    } catch { /* not JSON */ }
    if (data && typeof data.redirect === 'string') {
      this.redirect(data.redirect);
      return data;
    }
    if (data && data.step && typeof data.step === 'object') {
      // The ceremony that posted is over: the next step may start its own (e.g. an auto-start).
      this.busy = false;
      await this.run(data.step);
      return data;
    }
    throw new PasskeyFlowServerError(response.status,
      typeof data?.error === 'string' ? data.error : `The server answered ${response.status}.`);
  }
}

/**
 * The credential id of the passkey this tab signed in with last (kept in sessionStorage by a
 * successful get()), taken once: call it on the page after a passkey login to remember it as the
 * last-login hint.
 */
export function takeSignedInCredentialId() {
  const store = storage('session');
  try {
    const id = store?.getItem('passkeyflow.pendingCredentialId') ?? null;
    store?.removeItem('passkeyflow.pendingCredentialId');
    return id;
  } catch {
    return null;
  }
}
