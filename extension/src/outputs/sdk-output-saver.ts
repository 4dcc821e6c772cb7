import { OrangeError, type RequesterSession } from '@orange-cloud/sdk';
import type { SaveOutputs } from './output-saver.js';

/**
 * ADAPTER TO WIRE AT MERGE TIME: the SDK's fetch, verify and safe write of returned files is
 * being written on another branch. Until it lands, a result that lists returned files gets a
 * clear refusal instead of a guess at the protocol.
 */
export function sdkSaveOutputs(_session: RequesterSession): SaveOutputs {
  return async (jobId) => {
    throw new OrangeError(
      'NO_RESULT',
      `Job #${jobId} returned files, but this build of the extension cannot fetch them yet.`,
      { hint: 'Update the extension; the job and its output are unaffected.' },
    );
  };
}
