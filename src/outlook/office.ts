/**
 * The small part of Office.js the add-in uses, typed here (the full @types/office-js is large and the handler
 * must not import anything at run time anyway), and promise wrappers over its callback getters.
 *
 * Every wrapper resolves rather than rejects when a getter is missing or fails, with `undefined`, so one
 * unsupported API on an older client degrades one field instead of breaking Send.
 */

export interface AsyncResult<T> {
  status: 'succeeded' | 'failed';
  value: T;
  error?: { message?: string; code?: number };
}

type Callback<T> = (result: AsyncResult<T>) => void;

export interface EmailAddressDetails {
  emailAddress: string;
  displayName?: string;
}

interface Getter<T> {
  getAsync(callback: Callback<T>): void;
}

interface BodyGetter {
  getAsync(coercionType: string, callback: Callback<string>): void;
}

interface SessionData {
  getAsync(name: string, callback: Callback<string>): void;
  setAsync(name: string, value: string, callback: Callback<void>): void;
}

export interface NotificationDetails {
  type: string;
  message: string;
  icon?: string;
  persistent?: boolean;
}

interface NotificationMessages {
  replaceAsync(key: string, details: NotificationDetails, callback?: Callback<void>): void;
  removeAsync(key: string, callback?: Callback<void>): void;
}

export interface ComposeItem {
  subject?: Getter<string>;
  body?: BodyGetter;
  to?: Getter<EmailAddressDetails[]>;
  cc?: Getter<EmailAddressDetails[]>;
  bcc?: Getter<EmailAddressDetails[]>;
  from?: Getter<EmailAddressDetails>;
  sessionData?: SessionData;
  notificationMessages?: NotificationMessages;
}

export interface SmartAlertsCompletedOptions {
  allowEvent: boolean;
  errorMessage?: string;
  cancelLabel?: string;
  commandId?: string;
  sendModeOverride?: string;
}

export interface MailboxEvent {
  completed(options?: SmartAlertsCompletedOptions): void;
}

/** Office single sign-on (IdentityAPI 1.3): the signed-in user's token for the add-in's app registration. */
export interface OfficeAuth {
  getAccessToken(options?: { allowSignInPrompt?: boolean; allowConsentPrompt?: boolean; forMSGraphAccess?: boolean }): Promise<string>;
}

export interface OfficeApi {
  auth?: OfficeAuth;
  actions?: { associate(name: string, handler: (event: MailboxEvent) => void): void };
  onReady?(callback?: () => void): Promise<unknown>;
  context: {
    mailbox: {
      item: ComposeItem | null | undefined;
      userProfile?: { emailAddress?: string };
    };
    requirements?: { isSetSupported(name: string, version?: string): boolean };
    roamingSettings?: { get(name: string): unknown };
  };
  CoercionType?: { Text?: string };
  MailboxEnums?: {
    SendModeOverride?: { PromptUser?: string };
    ItemNotificationMessageType?: { InformationalMessage?: string; ErrorMessage?: string };
  };
}

declare const Office: OfficeApi | undefined;
/** Classic Outlook's JavaScript-only runtime has the same methods here. */
declare const OfficeRuntime: { auth?: OfficeAuth } | undefined;

export function officeAuth(): OfficeAuth | undefined {
  const fromOffice = office()?.auth;
  if (fromOffice && typeof fromOffice.getAccessToken === 'function') return fromOffice;
  const runtime = typeof OfficeRuntime === 'undefined' ? undefined : OfficeRuntime?.auth;
  return runtime && typeof runtime.getAccessToken === 'function' ? runtime : undefined;
}

export function office(): OfficeApi | undefined {
  return typeof Office === 'undefined' ? undefined : Office;
}

export function supports(version: string): boolean {
  try {
    return office()?.context.requirements?.isSetSupported('Mailbox', version) === true;
  } catch {
    return false;
  }
}

function settle<T>(start: (callback: Callback<T>) => void): Promise<T | undefined> {
  return new Promise((resolve) => {
    try {
      start((result) => resolve(result && result.status === 'succeeded' ? result.value : undefined));
    } catch {
      resolve(undefined);
    }
  });
}

export function getValue<T>(getter: Getter<T> | undefined): Promise<T | undefined> {
  return getter ? settle<T>((cb) => getter.getAsync(cb)) : Promise.resolve(undefined);
}

export function getBodyText(item: ComposeItem): Promise<string | undefined> {
  const body = item.body;
  if (!body) return Promise.resolve(undefined);
  const text = office()?.CoercionType?.Text ?? 'text';
  return settle<string>((cb) => body.getAsync(text, cb));
}

export function getSession(item: ComposeItem, name: string): Promise<string | undefined> {
  const data = item.sessionData;
  return data ? settle<string>((cb) => data.getAsync(name, cb)) : Promise.resolve(undefined);
}

export function setSession(item: ComposeItem, name: string, value: string): Promise<void> {
  const data = item.sessionData;
  return data ? settle<void>((cb) => data.setAsync(name, value, cb)).then(() => undefined) : Promise.resolve();
}
