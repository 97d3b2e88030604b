// Owns `npm run bench`: starts bench/worker.ts in its own process group and hands it each interrupt exactly once.
//
// Why two processes: `tsx` (the npm script's runner) relays Ctrl-C to its child and SIGKILLs it when the child does not
// acknowledge within tens of milliseconds, which a busy benchmark (parsing 10,000 envelopes) cannot promise; a
// SIGKILLed bench would leave the lab's Dovecot and Postfix running. This process does nothing but wait, so it always
// answers in time; the worker, outside the terminal's process group, gets one orderly SIGINT and stops the lab. Should
// this process be killed outright, the worker sees its IPC channel close and cleans up all the same.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

// --expose-gc: the Heron sync benchmark collects garbage before it takes the engine's memory baseline.
const worker = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./worker.ts', import.meta.url))], {
  detached: true,
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});

let relayed = false;
const relay = (signal: NodeJS.Signals): void => {
  // npm, tsx and the terminal may each deliver the same Ctrl-C; a second one must not cut the worker's cleanup short.
  if (relayed) return;
  relayed = true;
  worker.kill(signal);
};
process.on('SIGINT', relay);
process.on('SIGTERM', relay);
process.on('SIGHUP', relay);

worker.on('error', (error) => {
  process.stderr.write(`bench: cannot start bench/worker.ts: ${error.message}\n`);
  process.exit(1);
});
worker.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
