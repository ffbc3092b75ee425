/**
 * The ordinary corpus is split in two by a hash of each message id: the training half teaches the confidence model
 * what proper council mail looks like; the measuring half is never trained on and gives the false-alarm figure.
 */
import { createHash } from 'node:crypto';

export function isTrainingHalf(id: string): boolean {
  return createHash('sha256').update(id).digest()[0]! % 2 === 0;
}

/**
 * The real published messages are split the same way, but by their source, so that several messages quoted in one
 * case (one councillor's emails, one decision) fall in the same half and the measuring half shares no case with
 * training. From session 9 the training half trains the models and its errors may be read; the other half is
 * reported and never read.
 */
export function isRealTrainingHalf(m: { id: string; source?: string }): boolean {
  return isTrainingHalf(m.source ?? m.id);
}
