/** The message being composed, read through Office.js into the check API's request shape. */
import type { CheckRequest } from './check-client.js';
import { getBodyText, getValue, office, type ComposeItem, type EmailAddressDetails } from './office.js';

function addresses(list: EmailAddressDetails[] | undefined): string[] {
  const out: string[] = [];
  for (const entry of list ?? []) {
    const address = entry && typeof entry.emailAddress === 'string' ? entry.emailAddress.trim().toLowerCase() : '';
    if (address) out.push(address);
  }
  return out;
}

export class NoItem extends Error {
  constructor() {
    super('no compose item');
    this.name = 'NoItem';
  }
}

export function composeItem(): ComposeItem {
  const item = office()?.context.mailbox.item;
  if (!item) throw new NoItem();
  return item;
}

/** Reads every field at once. A body that cannot be read is an error (there is nothing to check). */
export async function readMessage(item: ComposeItem): Promise<CheckRequest> {
  const [subject, text, to, cc, bcc, from] = await Promise.all([
    getValue(item.subject),
    getBodyText(item),
    getValue(item.to),
    getValue(item.cc),
    getValue(item.bcc),
    getValue(item.from),
  ]);
  if (typeof text !== 'string') throw new Error('body unreadable');
  const sender = (from && from.emailAddress) || office()?.context.mailbox.userProfile?.emailAddress || '';
  // Built field by field: object spread would pull an ES2017 helper into the ES2016 bundle.
  const message: CheckRequest = {
    channel: 'email',
    from: sender.trim().toLowerCase() || 'unknown@invalid',
    to: addresses(to),
    cc: addresses(cc),
    bcc: addresses(bcc),
    text,
  };
  if (typeof subject === 'string') message.subject = subject;
  return message;
}
