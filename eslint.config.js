// Lint: TypeScript rules plus the layering the design requires (shared imports neither side; main and renderer never meet).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const crossing = (target) => ({
  regex: `(^|/)${target}(/|$)`,
  message: `This import crosses a layer boundary (DESIGN.md: shared imports neither side; src-main and src-renderer never import each other).`,
});

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'build-renderer/', 'test-results/', 'playwright-report/', '.lab/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            crossing('src-main'),
            crossing('src-renderer'),
            { regex: '^node:', message: 'shared/ runs on both sides: no Node APIs here.' },
            { regex: '^(fs|path|net|tls|os|crypto|child_process|http|https|events|stream|buffer|url)$', message: 'shared/ runs on both sides: no Node APIs here.' },
            { regex: '^(electron|react|dexie|imapflow|nodemailer|mailparser|ws)$', message: 'shared/ must stay free of process-specific libraries.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', 'indexedDB', 'localStorage', '__dirname'],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [crossing('src-renderer')] }] },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            crossing('src-main'),
            { regex: '^node:', message: 'The renderer is sandboxed web content: no Node APIs.' },
            { regex: '^(electron|imapflow|nodemailer|mailparser|ws)$', message: 'The renderer never touches the network or Electron directly; ask the engine.' },
          ],
        },
      ],
    },
  },
);
