import { createHash } from 'node:crypto';
import { postgreSplitterOptions, splitQuery } from 'dbgate-query-splitter';

export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  /** Runs only where the timescaledb extension can be created. */
  requiresTimescale: boolean;
  /** Statements run one by one outside a transaction (continuous aggregates demand it). */
  transactional: boolean;
  statements: string[];
}

export class MigrationFileError extends Error {
  override readonly name = 'MigrationFileError';
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const DIRECTIVE = /^--\s*(requires|transaction):\s*(\S+)\s*$/;

/** Parses one versioned file: `NNNN_name.sql`, optional header directives `-- requires: timescaledb`, `-- transaction: none`. */
export function parseMigrationFile(fileName: string, text: string): MigrationFile {
  const match = FILE_NAME.exec(fileName);
  if (!match) throw new MigrationFileError(`migration file name ${fileName} must look like 0001_what_it_does.sql`);
  let requiresTimescale = false;
  let transactional = true;
  for (const line of text.split('\n')) {
    if (!line.startsWith('--')) break;
    const directive = DIRECTIVE.exec(line);
    if (!directive) continue;
    const [, key, value] = directive;
    if (key === 'requires' && value === 'timescaledb') requiresTimescale = true;
    else if (key === 'transaction' && value === 'none') transactional = false;
    else throw new MigrationFileError(`${fileName}: unknown directive "${line.trim()}"`);
  }
  const statements = (splitQuery(text, postgreSplitterOptions) as string[]).map((s) => s.trim()).filter((s) => stripComments(s) !== '');
  if (statements.length === 0) throw new MigrationFileError(`${fileName} has no SQL statements`);
  return {
    version: Number(match[1]),
    name: fileName,
    checksum: createHash('sha256').update(text).digest('hex'),
    requiresTimescale,
    transactional,
    statements,
  };
}

/** Versions in order, each once. */
export function orderMigrations(files: MigrationFile[]): MigrationFile[] {
  const sorted = [...files].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) {
      throw new MigrationFileError(`${sorted[i - 1]!.name} and ${sorted[i]!.name} share version ${sorted[i]!.version}`);
    }
  }
  return sorted;
}

function stripComments(statement: string): string {
  return statement
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/--[^\n]*/g, '')
    .trim();
}
