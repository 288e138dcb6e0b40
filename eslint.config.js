// ESLint flat config. typescript-eslint `recommended` plus a few type-aware rules (the whole
// `recommendedTypeChecked` set is too noisy for the value it adds), import cycles, and the domain
// boundary: code in src/<domain>/ reaches another domain only through that domain's index.ts.
import { defineConfig, globalIgnores } from 'eslint/config';
import { builtinRules } from 'eslint/use-at-your-own-risk';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const TS_FILES = ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'];
const JS_FILES = ['bin/**/*.js', 'bin/**/*.mjs', 'scripts/**/*.js', 'scripts/**/*.mjs'];

/** ESLint's own recommended rules: the same set as `@eslint/js` recommended, which is not a declared dependency. */
const ESLINT_RECOMMENDED = Object.fromEntries(
  [...builtinRules].filter(([, rule]) => rule.meta?.docs?.recommended).map(([name]) => [name, 'error']),
);

/** Shared infrastructure any domain may import from, deep paths included. */
const KERNELS = ['db', 'http', 'access', 'taxonomy', 'jobs', 'audit']; // plus src/config.ts (a file, never matched)

/**
 * One config per folder depth under src/<domain>/: from a file N folders below src/, `../` × N
 * leads back to src/, so `(../){N}<other>/<anything but index.ts>` is a deep cross-domain import.
 * (A single regex cannot tell `../x/` into another domain from `../x/` inside a nested folder.)
 */
function boundaryRules(maxDepth) {
  const configs = [];
  for (let depth = 1; depth <= maxDepth; depth++) {
    const up = String.raw`(?:\.\./){${depth}}`;
    configs.push({
      name: `vigie/domain-boundary-depth-${depth}`,
      files: [`src/${'*/'.repeat(depth)}*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: String.raw`^${up}(?!(?:${KERNELS.join('|')})/)[^./][^/]*/(?!index\.ts$)`,
                message:
                  "Import another domain through its index.ts (its public API), not its internals. Kernels (db, http, access, taxonomy, jobs, audit, config.ts) are exempt.",
              },
            ],
          },
        ],
      },
    });
  }
  return configs;
}

export default defineConfig(
  globalIgnores([
    'node_modules/',
    'data/',
    '.test-tmp/',
    'dist/',
    'bench/results/',
    'test-artifacts/',
    // Plain JS is linted only in bin/ and scripts/ (this config file and build output are not).
    '**/*.{js,mjs,cjs,jsx}',
    '!bin/**/*.{js,mjs}',
    '!scripts/**/*.{js,mjs}',
  ]),
  {
    name: 'vigie/typescript',
    files: [...TS_FILES, ...JS_FILES],
    // Core rules first, so typescript-eslint can switch off those TypeScript already covers.
    extends: [{ name: 'eslint/recommended', rules: ESLINT_RECOMMENDED }, tseslint.configs.recommended],
    plugins: { 'import-x': importX },
    languageOptions: {
      parserOptions: {
        // .ts files use tsconfig.json; the few .js/.mjs entry points get TypeScript's default project.
        projectService: {
          allowDefaultProject: ['bin/*.js', 'bin/*.mjs', 'scripts/*.js', 'scripts/*.mjs'],
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-undef': 'off', // TypeScript checks names (tseslint turns this off for .ts; the .js entry points are tiny)
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test()/describe() return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'skip', 'todo', 'only'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      'import-x/no-cycle': ['error', { maxDepth: 10, ignoreExternal: true }],
    },
  },
  ...boundaryRules(4),
  {
    // The web console (browser code, its own tsconfig). Nothing user-supplied is ever rendered as HTML.
    name: 'vigie/web',
    files: ['web/src/**/*.{ts,tsx}', 'web/vite.config.ts'],
    extends: [{ name: 'eslint/recommended', rules: ESLINT_RECOMMENDED }, tseslint.configs.recommended],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The two classic hook rules (the compiler-oriented rules of v7's preset are not used: no React Compiler here).
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-undef': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Never render text as HTML (XSS): let React escape it.' },
        { selector: "MemberExpression[property.name='innerHTML']", message: 'Never render text as HTML (XSS).' },
      ],
    },
  },
);
