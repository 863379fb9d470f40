import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const libPatterns = [
  { group: ['@app/*/*'], message: 'Import a lib only through its entry point @app/<lib>.' },
  { group: ['**/libs/**', '../../*'], message: 'Import other libs through @app/<lib>, never by path.' },
];
const kafkajsOutsideMessaging = {
  name: 'kafkajs',
  message: 'kafkajs stays behind libs/messaging so the client can be swapped.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.dist.*/**',
      'node_modules/**',
      'coverage/**',
      '.tools/**',
      '.run/**',
      'scripts/kafka/.build/**',
      'scripts/kafka/.data/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      // Decorated properties need their type written out: SWC emits design:type Object for an inferred one.
      '@typescript-eslint/no-inferrable-types': ['error', { ignoreProperties: true }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      'no-restricted-imports': ['error', { patterns: libPatterns, paths: [kafkajsOutsideMessaging] }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', 'test/**/*.ts'],
    rules: {
      // Cross-module suites compose the monolith from src/ and their helpers from test/.
      'no-restricted-imports': ['error', { patterns: [libPatterns[0]], paths: [kafkajsOutsideMessaging] }],
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The pages' browser modules: the browser loads their sibling modules and nothing else; the API's response
    // types come from the server's views as type-only imports, which the build erases.
    files: ['src/portal/assets/**/*.ts', 'libs/*/src/**/assets/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./[\\w-]+\\.js$)',
              allowTypeImports: true,
              message:
                'A page module imports its sibling modules (./name.js); anything else for its types only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/messaging/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: libPatterns }] },
  },
);
