/**
 * Bad input from outside (a file, stdin, a mailbox): the message is meant for the person who gave it and is
 * shown as one line, never with a stack trace.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
