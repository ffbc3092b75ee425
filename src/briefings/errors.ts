/** Why a command was refused. The HTTP layer maps the code to a status; the message is shown to the user. */
export type DomainErrorCode =
  | 'invalid' // 400: the input is wrong (unknown group, neutral title names a group)
  | 'forbidden' // 403: this person may not do this
  | 'not-found' // 404
  | 'conflict' // 409: the state does not allow it (already decided, closed round, same-matter rule)
  | 'busy'; // 503: the ledger could not commit after retries

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** A stable id for the rule that refused (`same-matter`, `round-closed`), for clients and tests. */
    readonly rule?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (message: string, rule?: string) => new DomainError('invalid', message, rule);
export const forbidden = (message: string, rule?: string) => new DomainError('forbidden', message, rule);
export const notFound = (message: string) => new DomainError('not-found', message);
export const conflict = (message: string, rule?: string) => new DomainError('conflict', message, rule);
