/**
 * The ordinary corpus is split in two by a hash of each message id: the training half teaches the confidence model
 * what proper council mail looks like; the measuring half is never trained on and gives the false-alarm figure.
 */
import { createHash } from 'node:crypto';

export function isTrainingHalf(id: string): boolean {
  return createHash('sha256').update(id).digest()[0]! % 2 === 0;
}
