// The layering rule lives in the lint config: these imports must be refused, and legal ones accepted.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function messagesFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering lint', () => {
  const cases: [string, string, boolean][] = [
    ['shared/x.ts', "import { a } from '../src-main/engine/engine';\nexport const b = a;\n", false],
    ['shared/x.ts', "import { a } from '../src-renderer/store/db';\nexport const b = a;\n", false],
    ['shared/x.ts', "import fs from 'node:fs';\nexport const b = fs;\n", false],
    ['shared/x.ts', "export const b = window.location;\n", false],
    ['src-main/engine/x.ts', "import { a } from '../../src-renderer/store/db';\nexport const b = a;\n", false],
    ['src-renderer/app/x.ts', "import { a } from '../../src-main/engine/engine';\nexport const b = a;\n", false],
    ['src-renderer/app/x.ts', "import net from 'node:net';\nexport const b = net;\n", false],
    ['src-renderer/app/x.ts', "import { a } from '../../shared/errors';\nexport const b = a;\n", true],
    ['src-main/engine/x.ts', "import { a } from '../../shared/errors';\nexport const b = a;\n", true],
  ];
  for (const [file, code, allowed] of cases) {
    it(`${allowed ? 'allows' : 'refuses'} ${code.split('\n')[0]} in ${file}`, async () => {
      const messages = (await messagesFor(file, code)).filter((m) => /no-restricted-(imports|globals)/.test(m));
      assert.equal(messages.length === 0, allowed, messages.join('\n'));
    });
  }
});
