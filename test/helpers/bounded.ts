/** How long a fuzz case may take before it counts as a hang. Only a hang trips this; it is not a timing assertion. */
export const HANG_MS = 10_000;

/** `p`, or a rejection naming `what` if it has not settled within HANG_MS. */
export function bounded<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`hang: ${what} did not finish in ${HANG_MS} ms`)), HANG_MS);
    }),
  ]);
}
