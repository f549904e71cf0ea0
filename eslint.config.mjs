import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', 'coverage/', 'bench/data/', 'lambda/image/dist/', 'cli/dist/', 'reports/', '.stryker-tmp/', '**/*.js', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // TypeScript compiles an exported const to `exports.NAME` when CommonJS is emitted (ts-jest, jsii): a local named
    // `exports` (or `module`, `require`) shadows that object and silently turns such a reference into undefined.
    files: ['**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: 'VariableDeclarator[id.name=/^(exports|module|require)$/]', message: 'shadows the CommonJS binding: an exported const of this file would read as undefined' },
        { selector: ':function > Identifier.params[name=/^(exports|module|require)$/]', message: 'shadows the CommonJS binding: an exported const of this file would read as undefined' },
        { selector: 'TSParameterProperty > Identifier.parameter[name=/^(exports|module|require)$/]', message: 'shadows the CommonJS binding: an exported const of this file would read as undefined' },
      ],
    },
  },
  {
    // The CLI's package entry (cli/cdk-backup-dr.cjs) is plain CommonJS for Node.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests build malformed input on purpose.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
