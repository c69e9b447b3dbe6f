// passkeyflow demo: the passkey-first modes (ModesWeb). Plain modern JavaScript, no build step.
//  - /modes/autofill: a conditional request (mediation: 'conditional') on the identifier field,
//    aborted before the identifier form is submitted or the passkey button starts a modal request;
//  - /modes/silent: conditional create right after a password login, the explicit offer if declined.
// Signal API calls and the forms' client context: modes-client.js, with the browser client.
'use strict';

(() => {
  const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

  function readState() {
    const element = document.getElementById('pkf-state');
    try {
      return element ? JSON.parse(element.textContent) : null;
    } catch {
      return null;
    }
  }

  function toJSON(credential) {
    if (typeof credential.toJSON === 'function') return credential.toJSON();
    throw new Error('PublicKeyCredential.toJSON is missing');
  }

  // The tab's flow key (?f=KEY): the session keeps one flow per tab.
  function keyed(state) {
    return state && state.key ? '?f=' + encodeURIComponent(state.key) : '';
  }

  async function post(url, body, form) {
    const init = { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrfToken } };
    if (form) {
      init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
      init.body = new URLSearchParams(body).toString();
    } else {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    return response.json();
  }

  function follow(data) {
    if (data && data.redirect) window.location.assign(data.redirect);
  }

  function setStatus(id, state, text) {
    const element = document.getElementById(id);
    if (!element) return;
    element.dataset.state = state;
    if (text !== undefined) element.textContent = text;
  }

  // ---------------------------------------------------------------- autofill

  async function autofill() {
    if (!window.PublicKeyCredential
        || typeof PublicKeyCredential.isConditionalMediationAvailable !== 'function') {
      setStatus('autofill-status', 'unsupported');
      return;
    }
    let controller = null;

    async function run(mediation) {
      controller?.abort(new DOMException('switching requests', 'AbortError'));
      controller = new AbortController();
      const mine = controller;
      const started = await post('/modes/autofill/start', {}, true);
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(started.publicKey);
      const options = { publicKey, signal: mine.signal };
      if (mediation) options.mediation = mediation;
      setStatus('autofill-status', mediation === 'conditional' ? 'waiting' : 'modal');
      try {
        const credential = await navigator.credentials.get(options);
        setStatus('autofill-status', 'verifying');
        follow(await post('/modes/autofill/finish', toJSON(credential)));
      } catch (error) {
        if (mine.signal.aborted) return; // our own abort: nothing to report
        setStatus('autofill-status', 'failed', error.name);
        if (mediation !== 'conditional') follow(await post('/modes/autofill/error', { name: error.name }));
      }
    }

    document.getElementById('identifier-form')?.addEventListener('submit', () => {
      // The identifier-first flow takes over: end the conditional request cleanly first.
      controller?.abort(new DOMException('identifier-first', 'AbortError'));
    });
    document.getElementById('passkey-button')?.addEventListener('click', () => run(undefined));
    if (await PublicKeyCredential.isConditionalMediationAvailable()) {
      run('conditional');
    } else {
      setStatus('autofill-status', 'unsupported');
    }
  }

  // ---------------------------------------------------------------- silent upgrade

  // How long the page waits for a silent creation before it treats it as declined: Chromium may
  // leave a conditional create pending instead of rejecting it when its conditions are not met.
  const SILENT_CREATE_WAIT_MS = 3000;

  async function silentOffer(state) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('no silent creation', 'AbortError')),
      SILENT_CREATE_WAIT_MS);
    try {
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(state.publicKey);
      const credential = await navigator.credentials.create({
        publicKey, mediation: 'conditional', signal: controller.signal,
      });
      clearTimeout(timer);
      setStatus('silent-status', 'created');
      follow(await post('/flow/healing' + keyed(state), toJSON(credential)));
    } catch (error) {
      clearTimeout(timer);
      // Declined without a dialog, not answered in time, or unsupported: the explicit offer, never both.
      setStatus('silent-status', 'declined', error.name);
      follow(await post('/modes/silent/declined' + keyed(state), {}));
    }
  }

  function start() {
    const page = document.body.dataset.page;
    if (page === 'autofill') autofill();
    if (page === 'silent-offer') silentOffer(readState());
    document.body.dataset.modesReady = 'yes';
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
