// safeStorage behind the engine's Cipher: Linux basic_text / unknown count as no key store (A13, finding 5).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSafeStorageCipher, isSafeStorageUsable, type SafeStorageLike } from '../../src-main/electron/safe-storage-cipher';

type Backend = ReturnType<SafeStorageLike['getSelectedStorageBackend']>;

function fakeSafeStorage(backend: Backend, available = true): SafeStorageLike & { encrypted: string[] } {
  const encrypted: string[] = [];
  return {
    encrypted,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain: string) => {
      encrypted.push(plain);
      return Buffer.from(`enc:${Buffer.from(plain).toString('base64')}`);
    },
    decryptString: (data: Buffer) => Buffer.from(data.toString().slice(4), 'base64').toString(),
  };
}

describe('safeStorage cipher', () => {
  for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const) {
    it(`is available on Linux with ${backend}, and round-trips`, () => {
      const cipher = createSafeStorageCipher(fakeSafeStorage(backend), 'linux');
      assert.equal(cipher.isAvailable(), true);
      assert.equal(cipher.decrypt(cipher.encrypt('pässword')), 'pässword');
    });
  }

  for (const backend of ['basic_text', 'unknown'] as const) {
    it(`treats Linux ${backend} as unavailable and refuses to encrypt`, () => {
      const storage = fakeSafeStorage(backend);
      const cipher = createSafeStorageCipher(storage, 'linux');
      assert.equal(cipher.isAvailable(), false);
      assert.throws(() => cipher.encrypt('secret'), /key store is not available/);
      assert.deepEqual(storage.encrypted, []);
    });
  }

  it('is unavailable whenever isEncryptionAvailable() is false', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const cipher = createSafeStorageCipher(fakeSafeStorage('gnome_libsecret', false), platform);
      assert.equal(cipher.isAvailable(), false, platform);
      assert.throws(() => cipher.encrypt('secret'));
    }
  });

  it('ignores the Linux backend on macOS and Windows', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      assert.equal(isSafeStorageUsable(fakeSafeStorage('unknown'), platform), true, platform);
    }
  });

  it('re-checks on every call (the answer changes at ready)', () => {
    let backend: Backend = 'unknown';
    const storage = { ...fakeSafeStorage('unknown'), getSelectedStorageBackend: () => backend };
    const cipher = createSafeStorageCipher(storage, 'linux');
    assert.equal(cipher.isAvailable(), false);
    backend = 'gnome_libsecret';
    assert.equal(cipher.isAvailable(), true);
  });

  it('says unavailable when safeStorage throws', () => {
    const storage = {
      ...fakeSafeStorage('gnome_libsecret'),
      isEncryptionAvailable: () => {
        throw new Error('not ready');
      },
    };
    assert.equal(createSafeStorageCipher(storage, 'linux').isAvailable(), false);
  });
});
