import { parseArgs } from 'node:util';

export interface SoakOptions {
  durationS: number;
  /** Events per second across all gateways. */
  rate: number;
  gateways: number;
  sampleEveryS: number;
  /** Samples before this are left out of the slope: caches, JIT and pools fill up first. */
  warmupS: number;
  /** The bound on every service's RSS trend after the warm-up. */
  maxSlopeMbPerHour: number;
  /** A new real-world problem appears this often somewhere in the district, so tickets keep being made. */
  newProblemEveryS: number;
  /** Where the private stack keeps its data and logs; a fresh temporary folder when absent. */
  dataDir?: string;
  /** Where soak.json and soak.md go. */
  outDir: string;
}

export const SOAK_USAGE = `usage: npm run soak -- [--duration 30m] [--rate 50] [--gateways 12] [--sample-every 15s]
                       [--warmup 5m] [--max-slope 30] [--new-problem-every 30s] [--data-dir DIR] [--out bench/results]
  durations take s, m or h (a bare number is seconds); --rate is events/s over all gateways;
  --max-slope is MB of RSS per hour after the warm-up, per service`;

export class SoakUsageError extends Error {
  override name = 'SoakUsageError';
}

/** "90", "90s", "5m", "1.5h" → seconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!match) throw new SoakUsageError(`--${option}: "${text}" is not a duration (e.g. 90s, 5m, 1h)`);
  const seconds = Number(match[1]) * ({ s: 1, m: 60, h: 3600 } as const)[(match[2] ?? 's') as 's' | 'm' | 'h'];
  if (seconds <= 0) throw new SoakUsageError(`--${option}: must be more than 0`);
  return seconds;
}

function positive(text: string, option: string, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new SoakUsageError(`--${option}: "${text}" is not a positive ${integer ? 'whole ' : ''}number`);
  }
  return value;
}

// The district has 12 cells of about 400 m; each holds 49 problem sites 50 m apart.
const MAX_GATEWAYS = 500;
// The broker's default per-client limit is 50 messages/s; stay below it so the soak measures memory, not throttling.
const MAX_RATE_PER_GATEWAY = 40;

export function parseSoakOptions(argv: string[], defaultOutDir: string): SoakOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        duration: { type: 'string', default: '30m' },
        rate: { type: 'string', default: '50' },
        gateways: { type: 'string', default: '12' },
        'sample-every': { type: 'string', default: '15s' },
        warmup: { type: 'string' },
        'max-slope': { type: 'string', default: '30' },
        'new-problem-every': { type: 'string', default: '30s' },
        'data-dir': { type: 'string' },
        out: { type: 'string', default: defaultOutDir },
      },
    }));
  } catch (error) {
    throw new SoakUsageError((error as Error).message);
  }
  const durationS = parseDuration(values.duration, 'duration');
  const options: SoakOptions = {
    durationS,
    rate: positive(values.rate, 'rate', false),
    gateways: positive(values.gateways, 'gateways', true),
    sampleEveryS: parseDuration(values['sample-every'], 'sample-every'),
    warmupS: values.warmup === undefined ? Math.min(300, durationS / 5) : parseDuration(values.warmup, 'warmup'),
    maxSlopeMbPerHour: positive(values['max-slope'], 'max-slope', false),
    newProblemEveryS: parseDuration(values['new-problem-every'], 'new-problem-every'),
    outDir: values.out,
  };
  if (values['data-dir'] !== undefined) options.dataDir = values['data-dir'];
  if (options.gateways > MAX_GATEWAYS) throw new SoakUsageError(`--gateways: at most ${MAX_GATEWAYS}`);
  if (options.rate / options.gateways > MAX_RATE_PER_GATEWAY) {
    throw new SoakUsageError(`--rate: ${options.rate}/s over ${options.gateways} gateways is more than ${MAX_RATE_PER_GATEWAY}/s each, above what the broker lets one client publish; add --gateways`);
  }
  if (options.warmupS >= durationS) throw new SoakUsageError('--warmup: must be shorter than --duration, or no sample is left for the slope');
  if (options.sampleEveryS * 3 > durationS - options.warmupS) throw new SoakUsageError('--sample-every: leaves fewer than 3 samples after the warm-up; sample more often or run longer');
  return options;
}
