/**
 * What Grafana's PostgreSQL datasource does to a panel's SQL before sending it, for the macros and
 * variables our dashboards use: `$__timeFilter(col)`, `$__timeFrom()`, `$__timeTo()`, and
 * multi-value variables interpolated as quoted, comma-separated lists.
 */
export function expandGrafanaSql(sql: string, range: { from: Date; to: Date }, variables: Record<string, string[]>): string {
  const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
  let expanded = sql
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_, column: string) => `${column.trim()} BETWEEN ${quote(range.from.toISOString())} AND ${quote(range.to.toISOString())}`)
    .replace(/\$__timeFrom\(\)/g, quote(range.from.toISOString()))
    .replace(/\$__timeTo\(\)/g, quote(range.to.toISOString()));
  for (const [name, values] of Object.entries(variables)) {
    expanded = expanded.replace(new RegExp(`\\$${name}\\b`, 'g'), values.map(quote).join(','));
  }
  const leftover = /\$[A-Za-z_]\w*/.exec(expanded.replace(/'[^']*'/g, ''));
  if (leftover) throw new Error(`unexpanded Grafana variable or macro ${leftover[0]} in:\n${sql}`);
  return expanded;
}
