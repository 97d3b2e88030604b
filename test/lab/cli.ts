// Owns `npm run lab`: starts a lab in the foreground, prints how to reach it as one JSON line, stops it on SIGINT/SIGTERM.
import { startLab } from './lab';

function usage(): never {
  process.stderr.write('usage: tsx test/lab/cli.ts start [--state DIR] [--keep]\n');
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command !== 'start') usage();
  let stateDir: string | undefined;
  let keepState = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--state') {
      stateDir = rest[++i];
      if (!stateDir) usage();
      // A directory the developer named is theirs to inspect afterwards; keep it.
      keepState = true;
    } else if (arg === '--keep') keepState = true;
    else usage();
  }

  const lab = await startLab({ stateDir, keepState });
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`lab: ${signal}, stopping\n`);
    lab.stop().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`lab: stop failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(
    `${JSON.stringify({ host: lab.host, servername: lab.servername, ports: lab.ports, users: lab.users, caFile: lab.caFile, stateDir: lab.stateDir })}\n`,
  );
  // The signal handlers keep the process alive; this timer only guarantees the event loop stays open.
  setInterval(() => undefined, 1 << 30);
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`lab: ${error.message}\n`);
  process.exit(1);
});
