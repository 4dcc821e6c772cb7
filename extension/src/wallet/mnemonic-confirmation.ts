/**
 * After showing a new mnemonic once, the user proves they wrote it down by
 * typing a few of its words back; nothing is stored until they do.
 */
export function wordsToConfirm(
  wordCount: number,
  how = 3,
  random: () => number = Math.random,
): number[] {
  if (how > wordCount) throw new RangeError(`cannot ask for ${how} of ${wordCount} words`);
  const positions = new Set<number>();
  while (positions.size < how) positions.add(Math.floor(random() * wordCount));
  return [...positions].sort((a, b) => a - b);
}

/** The input-box message for one asked word, or undefined when it matches. */
export function checkConfirmationWord(
  mnemonic: string,
  position: number,
  answer: string,
): string | undefined {
  const words = mnemonic.trim().split(/\s+/);
  const expected = words[position];
  if (expected === undefined) throw new RangeError(`the mnemonic has no word ${position + 1}`);
  if (answer.trim().toLowerCase() === expected) return undefined;
  return `That is not word #${position + 1}. Check what you wrote down.`;
}

/** "#3", "#7" and "#11" for the prompt. */
export const ordinal = (position: number) => `#${position + 1}`;

/** The phrase as numbered words, four to a line ("1. apple   2. river …"), so none is skipped. */
export function numberedWords(mnemonic: string, perLine = 4): string {
  const words = mnemonic.trim().split(/\s+/);
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += perLine) {
    lines.push(
      words
        .slice(i, i + perLine)
        .map((word, j) => `${i + j + 1}. ${word}`)
        .join('   '),
    );
  }
  return lines.join('\n');
}
