/**
 * Entry point of the `tensile` command (`npx tsx --conditions=source apps/cli/src/main.ts …`,
 * `npm run tensile -- …`, or the `tensile` bin). Runs the command line, then exits with its status
 * straight away: the CPU backend's worker threads and any native GPU handles are released by the
 * commands themselves, and exiting does not wait for garbage collection of leftovers.
 */
import { runCli } from './cli.js';
import { processContext } from './context.js';

const status = await runCli(process.argv.slice(2), processContext());
process.exit(status);
