// `npm run doctor -- <host> ...`: the connection doctor on the command line; exits non-zero when a check fails.

import { readFile } from 'node:fs/promises';
import { parseDoctorArgs, UsageError, USAGE } from './cli-args';
import { doctorPassword } from './cli-password';
import { formatReport } from './cli-print';
import { diagnose } from './diagnose';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = parseDoctorArgs(argv);
  const ca = options.caFile ? await readFile(options.caFile, 'utf8') : null;
  const password = await doctorPassword(options.target.username);
  const report = await diagnose(options.target, password, { ca });
  process.stdout.write(formatReport(report, { transcript: options.transcript, loginSkipped: Boolean(options.target.username) && password === null }));
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError;
    process.stderr.write(usage ? `doctor: ${error.message}\n${USAGE}\n` : `doctor: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
