// Owns the lab's mail accounts (who exists, their passwords) and the `maillab` system user their mail belongs to.
import { run } from './processes';

export interface LabUser {
  name: string;
  email: string;
  password: string;
}

/** Every lab address lives in this domain; Postfix delivers it to Dovecot and rewrites everything else to the sink. */
export const LAB_DOMAIN = 'maillab.test';
/** Catch-all account: mail for any address outside LAB_DOMAIN lands in its INBOX, so nothing leaves the machine. */
export const SINK_USER = 'sink';
/** System account that owns every maildir; Dovecot's mail processes run as it. */
export const MAIL_SYSTEM_USER = 'maillab';

/** Builds a lab user with the conventional address and a password that is easy to type in a manual session. */
export function labUser(name: string, password = `${name}-pw-lab`): LabUser {
  return { name, email: `${name}@${LAB_DOMAIN}`, password };
}

export const DEFAULT_USERS: readonly LabUser[] = ['alice', 'bob', 'carol', SINK_USER].map((name) => labUser(name));

/**
 * Checks users before they reach the passwd-file, where ':' separates fields and a newline separates users;
 * also insists on the sink, since Postfix's catch-all rule points at it.
 */
export function validateUsers(users: readonly LabUser[]): void {
  const seen = new Set<string>();
  for (const user of users) {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(user.name)) throw new Error(`lab user name ${JSON.stringify(user.name)} must be lower-case letters, digits, '.', '_' or '-'`);
    if (user.email.toLowerCase() !== `${user.name}@${LAB_DOMAIN}`) throw new Error(`lab user ${user.name} must have the address ${user.name}@${LAB_DOMAIN}`);
    if (/[:\r\n]/.test(user.password)) throw new Error(`the password of lab user ${user.name} may not contain ':' or a line break (passwd-file format)`);
    if (seen.has(user.name)) throw new Error(`lab user ${user.name} is listed twice`);
    seen.add(user.name);
  }
  if (!seen.has(SINK_USER)) throw new Error(`lab users must include '${SINK_USER}', the catch-all for outside addresses`);
}

export interface SystemAccount {
  uid: number;
  gid: number;
}

/** uid and primary gid of a system account, or undefined when it does not exist. */
export async function lookupSystemAccount(name: string): Promise<SystemAccount | undefined> {
  try {
    const uid = Number((await run('id', ['-u', name])).trim());
    const gid = Number((await run('id', ['-g', name])).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

const lookup = (): Promise<SystemAccount | undefined> => lookupSystemAccount(MAIL_SYSTEM_USER);

/** Returns the uid/gid of `maillab`, creating the system user (no home, no shell) if it does not exist yet. */
export async function ensureMailSystemUser(): Promise<SystemAccount> {
  const existing = await lookup();
  if (existing) return existing;
  try {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', MAIL_SYSTEM_USER]);
  } catch (error) {
    // Another lab starting at the same moment may have created it first; only fail if it still does not exist.
    const raced = await lookup();
    if (raced) return raced;
    throw error;
  }
  const created = await lookup();
  if (!created) throw new Error(`useradd reported success but ${MAIL_SYSTEM_USER} does not exist`);
  return created;
}
