import * as assert from 'node:assert/strict';
import { generateMnemonic } from '@orange-cloud/sdk';
import {
  checkConfirmationWord,
  numberedWords,
  ordinal,
  wordsToConfirm,
} from './mnemonic-confirmation.js';

describe('mnemonic confirmation', () => {
  it('asks for distinct positions in order', () => {
    for (let i = 0; i < 50; i++) {
      const positions = wordsToConfirm(12);
      assert.equal(positions.length, 3);
      assert.equal(new Set(positions).size, 3);
      assert.deepEqual(
        [...positions].sort((a, b) => a - b),
        positions,
      );
      assert.ok(positions.every((p) => p >= 0 && p < 12));
    }
  });

  it('refuses to ask for more words than there are', () => {
    assert.throws(() => wordsToConfirm(2, 3), RangeError);
  });

  it('accepts the right word, ignoring case and spaces', () => {
    const mnemonic = generateMnemonic();
    const third = mnemonic.split(' ')[2]!;
    assert.equal(checkConfirmationWord(mnemonic, 2, ` ${third.toUpperCase()} `), undefined);
  });

  it('rejects a wrong word and says which one was asked', () => {
    const mnemonic =
      'abandon ability able about above absent absorb abstract absurd abuse access accident';
    assert.equal(
      checkConfirmationWord(mnemonic, 6, 'abstract'),
      'That is not word #7. Check what you wrote down.',
    );
    assert.equal(ordinal(0), '#1');
    assert.throws(() => checkConfirmationWord(mnemonic, 12, 'x'), RangeError);
  });
});

describe('numbered phrase words', () => {
  it('numbers every word from 1, four to a line', () => {
    const phrase = 'a b c d e f g h i j k l';
    assert.equal(
      numberedWords(phrase),
      '1. a   2. b   3. c   4. d\n5. e   6. f   7. g   8. h\n9. i   10. j   11. k   12. l',
    );
  });
});
