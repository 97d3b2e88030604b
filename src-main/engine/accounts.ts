// The account registry: settings of every account in the profile's accounts.json, never a secret.

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { HeronError } from '../../shared/errors';
import { DEFAULT_KEEP_BODIES_DAYS, DEFAULT_POP3_OPTIONS, type AccountSummary, type IncomingSettings, type OutgoingSettings, type PasswordStorage, type Pop3Options } from '../../shared/model';
import { applyAccountChanges, type RecordChanges } from './account-changes';
import { validateIncoming, validateOutgoing, validatePop3Options } from './validate-settings';
import { readJsonFile, writePrivateFile } from './private-file';

/** A certificate the person confirmed by fingerprint; the PEM lets TLS trust exactly that certificate. */
export interface PinnedCertificate {
  fingerprint256: string;
  pem: string;
}

export interface AccountRecord {
  id: string;
  name: string;
  email: string;
  incoming: IncomingSettings;
  outgoing: OutgoingSettings | null;
  pinnedCertificate: PinnedCertificate | null;
  keepBodiesDays: number | null;
  /** POP3 accounts only; absent on accounts saved before the options existed, which read as DEFAULT_POP3_OPTIONS. */
  pop3?: Pop3Options;
  createdAt: number;
}

interface AccountsFile {
  version: 1;
  accounts: AccountRecord[];
}

export interface AccountRegistry {
  list(): Promise<AccountRecord[]>;
  get(accountId: string): Promise<AccountRecord>;
  add(input: Omit<AccountRecord, 'id' | 'createdAt'>): Promise<AccountRecord>;
  remove(accountId: string): Promise<void>;
  /** Validates and saves; proving a new server works is the engine's job, before it calls this. */
  update(accountId: string, changes: RecordChanges): Promise<AccountRecord>;
}

export function createAccountRegistry(profileDir: string): AccountRegistry {
  const file = path.join(profileDir, 'accounts.json');
  const load = async () => (await readJsonFile<AccountsFile>(file, { version: 1, accounts: [] })).accounts;
  const save = (accounts: AccountRecord[]) => writePrivateFile(file, JSON.stringify({ version: 1, accounts }, null, 2));
  // Writes are chained so two quick additions never read the same old file and drop one of them.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    list: load,
    async get(accountId) {
      const found = (await load()).find((a) => a.id === accountId);
      if (!found) throw new HeronError('not-found', 'That account no longer exists.');
      return found;
    },
    add: (input) =>
      serialized(async () => {
        validateIncoming(input.incoming);
        if (input.outgoing) validateOutgoing(input.outgoing);
        const { pop3, ...settings } = input;
        const options = pop3 ? { pop3: validatePop3Options(pop3, input.incoming.protocol) } : {};
        const record: AccountRecord = { ...settings, ...options, id: randomUUID(), createdAt: Date.now() };
        await save([...(await load()), record]);
        return record;
      }),
    remove: (accountId) =>
      serialized(async () => {
        const accounts = await load();
        await save(accounts.filter((a) => a.id !== accountId));
      }),
    update: (accountId, changes) =>
      serialized(async () => {
        const accounts = await load();
        const index = accounts.findIndex((a) => a.id === accountId);
        const current = accounts[index];
        if (!current) throw new HeronError('not-found', 'That account no longer exists.');
        const updated = applyAccountChanges(current, changes);
        accounts[index] = updated;
        await save(accounts);
        return updated;
      }),
  };
}

/** The display data the renderer may see: the record minus the certificate body, plus how the password is kept. */
export function toSummary(record: AccountRecord, passwordStorage: PasswordStorage): AccountSummary {
  return {
    id: record.id,
    name: record.name,
    email: record.email,
    incoming: { ...record.incoming },
    outgoing: record.outgoing ? { ...record.outgoing } : null,
    pinnedFingerprint256: record.pinnedCertificate?.fingerprint256 ?? null,
    passwordStorage,
    // Accounts saved before this setting existed read as the default.
    keepBodiesDays: record.keepBodiesDays === undefined ? DEFAULT_KEEP_BODIES_DAYS : record.keepBodiesDays,
    pop3: record.incoming.protocol === 'pop3' ? { ...pop3OptionsOf(record) } : null,
    createdAt: record.createdAt,
  };
}

/** How a POP3 account treats the server's copies: as saved, or the defaults for an account saved before they existed. */
export function pop3OptionsOf(record: AccountRecord): Pop3Options {
  return record.pop3 ?? DEFAULT_POP3_OPTIONS;
}
