// write-good (a reference point in the benchmark only) ships no types.
declare module 'write-good' {
  const writeGood: (text: string) => { index: number; offset: number; reason: string }[];
  export default writeGood;
}
