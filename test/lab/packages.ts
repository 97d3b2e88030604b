// Owns making sure the Debian packages the lab runs (dovecot, postfix, openssl ...) are installed, without starting system daemons.
import { execFile } from 'node:child_process';
import { access, rm, writeFile } from 'node:fs/promises';
import { run } from './processes';

/** Debian's hook that tells package scripts whether they may start services; exit 101 means "no". */
const POLICY_RC_D = '/usr/sbin/policy-rc.d';
const POLICY_RC_D_DENY = '#!/bin/sh\n# Temporary, written by Heron test/lab/packages.ts: keep package scripts from starting daemons.\nexit 101\n';
/** Without this answer the postfix package asks a question and, in some answers, writes /etc/postfix/main.cf and starts. */
const POSTFIX_PRESEED = 'postfix postfix/main_mailer_type select No configuration';
const INSTALL_TIMEOUT_MS = 15 * 60_000;

let aptUpdated = false;

/** Names among `names` that dpkg does not list as installed. */
export function missingPackages(names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return Promise.resolve([]);
  return new Promise((resolve) => {
    // dpkg-query exits 1 when any name is unknown but still prints the known ones, so the exit code is ignored.
    execFile('dpkg-query', ['-W', '-f=${Package}\t${db:Status-Status}\n', ...names], (_error, stdout) => {
      const installed = new Set(
        String(stdout)
          .split('\n')
          .map((line) => line.split('\t'))
          .filter(([, status]) => status === 'installed')
          .map(([name]) => (name ?? '').split(':')[0]),
      );
      resolve(names.filter((name) => !installed.has(name)));
    });
  });
}

/** The one-line command a non-root user can run to install `names` the same way this module would. */
export function installCommand(names: readonly string[]): string {
  const steps = [
    'set -e',
    ...(names.includes('postfix') ? [`echo "${POSTFIX_PRESEED}" | debconf-set-selections`] : []),
    `guard=; if [ ! -e ${POLICY_RC_D} ]; then printf "#!/bin/sh\\nexit 101\\n" >${POLICY_RC_D}; chmod 755 ${POLICY_RC_D}; guard=1; fi`,
    'apt-get update',
    `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${names.join(' ')}`,
    `if [ -n "$guard" ]; then rm -f ${POLICY_RC_D}; fi`,
  ];
  return `sudo sh -c '${steps.join('; ')}'`;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs whichever of `names` are missing. As root: apt-get update (once per process) and a non-interactive
 * install, with the postfix preseed and a temporary policy-rc.d so that no system Dovecot or Postfix starts
 * listening on the standard ports. As anyone else: throws an Error whose message is exactly the command to run.
 */
export async function ensureSystemPackages(names: string[]): Promise<void> {
  const missing = await missingPackages(names);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(installCommand(missing));

  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (missing.includes('postfix')) await run('debconf-set-selections', [], { input: `${POSTFIX_PRESEED}\n` });
  const ownPolicy = !(await exists(POLICY_RC_D));
  if (ownPolicy) await writeFile(POLICY_RC_D, POLICY_RC_D_DENY, { mode: 0o755 });
  try {
    if (!aptUpdated) {
      await run('apt-get', ['update'], { env, timeoutMs: INSTALL_TIMEOUT_MS });
      aptUpdated = true;
    }
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, timeoutMs: INSTALL_TIMEOUT_MS });
  } finally {
    if (ownPolicy) await rm(POLICY_RC_D, { force: true });
  }
  const stillMissing = await missingPackages(missing);
  if (stillMissing.length > 0) throw new Error(`apt-get install finished but these packages are still missing: ${stillMissing.join(' ')}`);
}
