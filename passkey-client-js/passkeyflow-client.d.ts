// Type declarations of passkeyflow-client (the ES module passkeyflow-client.js).

/** The version of this module, equal to its npm package and WebJar version. */
export const VERSION: string;

/** A Signal API call the server asks for (LoginStep.signals(), as dev.passkeyflow.core.web.StepJson writes it). */
export interface SignalCall {
  method: 'signalUnknownCredential' | 'signalAllAcceptedCredentials' | 'signalCurrentUserDetails';
  options: Record<string, unknown>;
}

export interface SignalResult {
  method: string;
  status: 'made' | 'unsupported' | 'failed' | 'ignored';
}

/** Request or creation options in their JSON form, or the {"publicKey": ...} wrapper LoginFlow hands out. */
export type OptionsJSON = Record<string, unknown>;

/** A passkey step: run navigator.credentials.get(). */
export interface PasskeyStep {
  type: 'passkey';
  publicKey: OptionsJSON;
  /** Start the ceremony at once. Never true together with calmRetry. */
  autoStart: boolean;
  /** A retry after a cancel: wait for the person ("Try again"). */
  calmRetry: boolean;
  /**
   * Use immediate UI mode (uiMode: 'immediate'), honoured only within a click's transient activation
   * (navigator.userActivation.isActive); otherwise the step runs as a modal get() and reports to passkeyError.
   */
  immediate?: boolean;
  /** 1 for the first attempt of the flow, 2 for the first retry, ... */
  attempt: number;
  signals?: SignalCall[];
  [extra: string]: unknown;
}

/** The traditional login is needed. */
export interface FallbackStep {
  type: 'fallback';
  reason: 'PASSKEY_FAILED' | 'USER_CHOSE_FALLBACK' | 'PASSKEY_NOT_AVAILABLE' | 'FALLBACK_FAILED';
  identifier: string;
  remainingAttempts: number;
  passkeyAlternative: boolean;
  diagnosis?: Diagnosis | null;
  signals?: SignalCall[];
  [extra: string]: unknown;
}

/** Why a passkey login failed, as far as the evidence allows. */
export interface Diagnosis {
  cause: string;
  confidence: 'LOW' | 'MEDIUM' | 'HIGH';
  evidence: string[];
}

/** An offer to create a passkey: run navigator.credentials.create() when the person accepts. */
export interface HealingStep {
  type: 'healing';
  publicKey: OptionsJSON;
  kind: string;
  diagnosis: Diagnosis;
  platform: string;
  unlockMethod: string;
  /** Conditional create (a silent upgrade): run createSilently(), show nothing, no offer. */
  silent?: boolean;
  signals?: SignalCall[];
  [extra: string]: unknown;
}

/** The person is signed in. */
export interface CompletedStep {
  type: 'completed';
  redirect: string;
  method: string;
  healing: string;
  signals?: SignalCall[];
  [extra: string]: unknown;
}

export type Step = PasskeyStep | FallbackStep | HealingStep | CompletedStep;

/** What the page measured, for the server's ClientContext (dev.passkeyflow.core.web.ClientContextReader). */
export interface ClientContextPayload {
  version: string;
  deviceId: string | null;
  /** PublicKeyCredential.getClientCapabilities(), boolean members only. */
  capabilities: Record<string, boolean>;
  userVerifyingPlatformAuthenticator: boolean | null;
  conditionalMediation: boolean | null;
  hints: { platform: string | null; platformVersion: string | null; mobile: boolean | null } | null;
  lastLogin: { identifier: string; credentialId: string | null } | null;
}

export interface CollectOptions {
  /** Include this module's localStorage device id (default true). */
  deviceId?: boolean;
  /** Include the last-login hint (default true). */
  lastLogin?: boolean;
  /**
   * Report the immediateGet capability (default false): only for a page that runs the first step in
   * place, within the click's transient activation, which immediate UI mode needs.
   */
  immediateUiMode?: boolean;
}

export function collectClientContext(options?: CollectOptions): Promise<ClientContextPayload>;
export function attachClientContext(form: HTMLFormElement,
  options?: CollectOptions & { field?: string; identifierField?: string }): () => void;
export function readLastLogin(): { identifier: string; credentialId: string | null } | null;
export function rememberLastLogin(identifier: string, credentialId?: string | null): void;
export function forgetLastLogin(): void;
export function deviceId(): string | null;
export function takeSignedInCredentialId(): string | null;
export function performSignals(signals: SignalCall[] | null | undefined): SignalResult[];
export function classifyError(name: string): 'cancelled' | 'exists' | 'misconfiguration' | 'unsupported' | 'other';
export function base64urlToBuffer(value: string): ArrayBuffer;
export function bufferToBase64url(buffer: ArrayBuffer | ArrayBufferView): string;
export function parseRequestOptions(json: OptionsJSON): PublicKeyCredentialRequestOptions;
export function parseCreationOptions(json: OptionsJSON): PublicKeyCredentialCreationOptions;
export function credentialToJSON(credential: PublicKeyCredential): Record<string, unknown>;

export class PasskeyFlowServerError extends Error {
  readonly status: number;
}

export interface Endpoints {
  /** Receives the credential JSON of a get(). */
  passkey?: string;
  /** Receives {name, message, elapsedMillis} when get() throws. */
  passkeyError?: string;
  /** Receives {elapsedMillis} when get() in immediate UI mode rejects with NotAllowedError. */
  immediateRejection?: string;
  /** Receives the credential JSON of a create(). */
  healing?: string;
  /** Receives {name, message, elapsedMillis} when create() throws. */
  healingError?: string;
  /** Receives the credential JSON of a conditional get() (default: passkey). */
  conditional?: string;
  /** Receives {} when the browser declines a silent offer (conditional create); answers the explicit offer. */
  silentDeclined?: string;
}

/** How long createSilently() waits for the browser before it treats the request as declined, in ms. */
export const SILENT_CREATE_WAIT_MILLIS: number;

export interface ClientOptions {
  endpoints: Endpoints;
  headers?: Record<string, string> | (() => Record<string, string>);
  navigate?: (url: string) => void;
  fetch?: typeof fetch;
  testHooks?: { notAllowedErrorAfterMillis?: number } | null;
}

export interface CeremonyErrorDetail {
  ceremony: 'get' | 'create';
  mode: 'modal' | 'immediate' | 'conditional';
  name: string;
  message: string;
  elapsedMillis: number;
  kind: ReturnType<typeof classifyError>;
}

export interface ClientEventMap {
  step: CustomEvent<{ step: Step }>;
  waiting: CustomEvent<{ step: PasskeyStep; reason: 'button' | 'calmRetry' }>;
  offer: CustomEvent<{ step: HealingStep }>;
  ceremonystart: CustomEvent<{ ceremony: 'get' | 'create'; mode: 'modal' | 'immediate' | 'conditional'; attempt: number }>;
  ceremonysuccess: CustomEvent<{ ceremony: 'get' | 'create'; mode: string; elapsedMillis: number; credentialId: string }>;
  ceremonyerror: CustomEvent<CeremonyErrorDetail>;
  signal: CustomEvent<SignalResult>;
  redirect: CustomEvent<{ url: string }>;
  servererror: CustomEvent<{ status: number; message: string }>;
  unsupported: CustomEvent<Record<string, never>>;
}

export class PasskeyFlowClient extends EventTarget {
  constructor(options: ClientOptions);
  static supported(): boolean;
  readonly endpoints: Readonly<Endpoints>;
  /** True while a ceremony of this client runs or its result is being posted. */
  readonly busy: boolean;
  /** The last ceremony error, or null. */
  readonly lastError: CeremonyErrorDetail | null;
  run(step: Step): Promise<void>;
  signals(signals: SignalCall[] | null | undefined): SignalResult[];
  signIn(step: PasskeyStep): Promise<void>;
  createPasskey(step: HealingStep): Promise<void>;
  createSilently(step: HealingStep, options?: { waitMillis?: number }): Promise<void>;
  startConditional(publicKey: OptionsJSON): Promise<boolean>;
  abortConditional(): void;
  post(url: string, body: unknown): Promise<unknown>;
  addEventListener<K extends keyof ClientEventMap>(type: K, listener: (event: ClientEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions): void;
}
