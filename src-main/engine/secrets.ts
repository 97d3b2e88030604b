// Account passwords: kept in main only, encrypted by the OS key store (desktop) or in memory / a 0600 file (browser mode).

import path from 'node:path';
import type { PasswordStorage } from '../../shared/model';
import { readJsonFile, writePrivateFile } from './private-file';

/** Encrypts with the operating system's key store; Electron's safeStorage behind an adapter. */
export interface Cipher {
  isAvailable(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

export interface SecretStore {
  /** Whether this store can encrypt what it writes to disk. */
  readonly canEncrypt: boolean;
  get(accountId: string): Promise<string | null>;
  /** Keeps the secret; `remember` asks to keep it across restarts. Returns how it was actually kept. */
  set(accountId: string, secret: string, remember: boolean): Promise<PasswordStorage>;
  delete(accountId: string): Promise<void>;
  storageOf(accountId: string): Promise<PasswordStorage>;
}

type SecretFile = Record<string, string>;

/** One JSON file of secrets by account id, rewritten whole (atomically, 0600) on every change. */
function secretFile(file: string) {
  const load = () => readJsonFile<SecretFile>(file, {});
  return {
    load,
    async put(accountId: string, value: string): Promise<void> {
      const all = await load();
      all[accountId] = value;
      await writePrivateFile(file, JSON.stringify(all));
    },
    async remove(accountId: string): Promise<void> {
      const all = await load();
      if (!(accountId in all)) return;
      delete all[accountId];
      await writePrivateFile(file, JSON.stringify(all));
    },
  };
}

/** Desktop: secrets encrypted with the cipher in `secrets.json`; without a working key store, memory only. */
export function createEncryptedSecretStore(profileDir: string, cipher: Cipher): SecretStore {
  const file = secretFile(path.join(profileDir, 'secrets.json'));
  const memory = new Map<string, string>();

  return {
    get canEncrypt() {
      return cipher.isAvailable();
    },
    async get(accountId) {
      if (memory.has(accountId)) return memory.get(accountId) ?? null;
      const stored = (await file.load())[accountId];
      return stored === undefined ? null : cipher.decrypt(Buffer.from(stored, 'base64'));
    },
    async set(accountId, secret, remember) {
      memory.set(accountId, secret);
      if (!remember || !cipher.isAvailable()) return 'memory';
      await file.put(accountId, cipher.encrypt(secret).toString('base64'));
      return 'encrypted';
    },
    async delete(accountId) {
      memory.delete(accountId);
      await file.remove(accountId);
    },
    async storageOf(accountId) {
      if (accountId in (await file.load())) return 'encrypted';
      return memory.has(accountId) ? 'memory' : 'none';
    },
  };
}

/**
 * Browser mode has no OS key store: a password lives in memory for this run, unless the person asked to
 * remember it; then it goes into `passwords.json`, readable only by the user (0600) and NOT encrypted,
 * which the UI says in so many words.
 */
export function createBrowserSecretStore(profileDir: string): SecretStore {
  const file = secretFile(path.join(profileDir, 'passwords.json'));
  const memory = new Map<string, string>();

  return {
    canEncrypt: false,
    async get(accountId) {
      return memory.get(accountId) ?? (await file.load())[accountId] ?? null;
    },
    async set(accountId, secret, remember) {
      memory.set(accountId, secret);
      // Not remembering now also forgets a password remembered before.
      if (remember) await file.put(accountId, secret);
      else await file.remove(accountId);
      return remember ? 'plain-file' : 'memory';
    },
    async delete(accountId) {
      memory.delete(accountId);
      await file.remove(accountId);
    },
    async storageOf(accountId) {
      if (accountId in (await file.load())) return 'plain-file';
      return memory.has(accountId) ? 'memory' : 'none';
    },
  };
}
