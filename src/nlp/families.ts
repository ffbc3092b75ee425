/**
 * Word families (lexicons/resources/word-clusters.json, built by `npm run build:clusters` from GloVe's vectors): for
 * each of 50,000 common English words, the narrow family of words that mean alike and the broad family that holds it.
 *
 * The file keeps the words sorted and joined by spaces and their families as little-endian 16-bit numbers in base64,
 * so loading it is a split and a copy (a few milliseconds) rather than a 50,000-key object; a word is found by binary
 * search, and callers note the answer on the word (see `said` in judgement.ts), so each word is looked up once.
 */
export interface WordFamiliesFile {
  /** How many narrow families. */
  fine: number;
  words: string;
  families: string;
  coarse: number[];
}

export class WordFamilies {
  private readonly words: string[];
  private readonly families: Uint16Array;
  /** By narrow family: its broad family. */
  readonly coarse: readonly number[];

  constructor(file: WordFamiliesFile) {
    this.words = file.words.split(' ');
    const bytes = Buffer.from(file.families, 'base64');
    this.families = Uint16Array.from({ length: bytes.length >> 1 }, (_, i) => bytes.readUInt16LE(i * 2));
    if (this.families.length !== this.words.length) throw new Error(`word-clusters.json: ${this.words.length} words but ${this.families.length} families`);
    if (file.coarse.length !== file.fine || this.families.some((f) => f >= file.fine))
      throw new Error(`word-clusters.json: families must be numbered below ${file.fine}, each with a broad family`);
    this.coarse = file.coarse;
  }

  /** The word's narrow family, or undefined for a word not among the 50,000 (a name, a rare word, a typo). */
  family(word: string): number | undefined {
    let lo = 0;
    let hi = this.words.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const w = this.words[mid]!;
      if (w === word) return this.families[mid];
      if (w < word) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}
