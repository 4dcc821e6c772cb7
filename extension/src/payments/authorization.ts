import { OrangeError, parseAllowance, type TokenTerms } from '@orange-cloud/sdk';

/** For the input box's `validateInput`: the problem with the text, or undefined when it is fine. */
export function validateAllowance(text: string, terms: TokenTerms): string | undefined {
  try {
    parseAllowance(text, terms);
    return undefined;
  } catch (error) {
    if (!(error instanceof OrangeError)) throw error;
    return error.hint ? `${error.message} ${error.hint}` : error.message;
  }
}
