/**
 * Laughter in writing: the laughing and eye-rolling emoji and the abbreviations that stand for them. Beside people
 * named by a protected characteristic it is the commonest form everyday prejudice takes in chat ("turned up in his
 * turban 😂", "an Irishman doing sums lol"), where no contemptuous word is used at all. Not the wink, the shrug or
 * "bless her", which are as often kind as mocking.
 */
const LAUGHTER = /😂|🤣|😏|🙄|\blol\b|\blmao\b|\bha(?:ha)+\b/i;

export function laughs(text: string): boolean {
  return LAUGHTER.test(text);
}
