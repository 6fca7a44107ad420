// Shared by every mocha run: TypeScript through tsx, and the reporter that ends on the summary
// line CI reads. Which files run is up to the caller (scripts/test.mjs runs them all).
module.exports = {
  'node-option': ['import=tsx'],
  reporter: './scripts/summary-reporter.cjs',
  timeout: 30000,
  exit: true,
};
