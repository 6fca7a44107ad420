// One mocha run over every workspace's tests; TypeScript through tsx, summary line from our reporter.
module.exports = {
  spec: ['*/test/**/*.test.ts'],
  'node-option': ['import=tsx'],
  reporter: './scripts/summary-reporter.cjs',
  timeout: 30000,
  exit: true,
};
