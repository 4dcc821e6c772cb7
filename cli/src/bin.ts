/** The `orange` executable: parses the command line and runs the command. */
import { buildProgram } from './main.js';

buildProgram()
  .parseAsync(process.argv)
  .catch(async (error: unknown) => {
    // Loaded only on failure: the error types come with the SDK.
    const { reportError } = await import('./report-error.js');
    reportError(error, process.argv);
  });
