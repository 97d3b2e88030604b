// Electron safeStorage behind the engine's Cipher interface (security.md finding 5 and A13).

import type { SafeStorage } from 'electron';
import type { Cipher } from '../engine/secrets';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>;

/**
 * Linux backends that do not really protect a secret: `basic_text` encrypts with a key hard-coded in
 * Chromium (as good as plain text, yet isEncryptionAvailable() is true), and `unknown` means safeStorage
 * was asked before `ready`, so nothing is known yet.
 */
export const UNSAFE_LINUX_BACKENDS: ReadonlySet<string> = new Set(['basic_text', 'unknown']);

/** Whether safeStorage can protect a secret right now. Asked every time: the answer changes at `ready`. */
export function isSafeStorageUsable(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): boolean {
  try {
    if (!safeStorage.isEncryptionAvailable()) return false;
    if (platform === 'linux' && UNSAFE_LINUX_BACKENDS.has(safeStorage.getSelectedStorageBackend())) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * The engine's Cipher over safeStorage. When it is not usable, isAvailable() is false (the secret store
 * then keeps passwords in memory only) and encrypt() refuses rather than write a weakly protected secret.
 */
export function createSafeStorageCipher(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): Cipher {
  return {
    isAvailable: () => isSafeStorageUsable(safeStorage, platform),
    encrypt(plain) {
      if (!isSafeStorageUsable(safeStorage, platform)) {
        throw new Error('The operating system key store is not available, so Heron will not write this password to disk.');
      }
      return safeStorage.encryptString(plain);
    },
    decrypt(data) {
      // Decrypting is allowed whatever the backend: the data was written when the store was usable.
      return safeStorage.decryptString(data);
    },
  };
}
