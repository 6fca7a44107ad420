import { runCommand, isCommandNotFound } from './runCommand.js';
import { lastLines } from './logTail.js';
import { StackError } from './stackError.js';

export const MIN_JAVA_MAJOR = 17;

/** `java -version` prints `openjdk version "17.0.15" …` or, before Java 9, `"1.8.0_292"`. */
export function javaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

export async function checkJava(java: string, env?: NodeJS.ProcessEnv): Promise<number> {
  const where = java.includes('/') ? `${java} does not exist` : `\`${java}\` was not found on PATH`;
  let result;
  try {
    result = await runCommand(java, ['-version'], { env });
  } catch (error) {
    if (!isCommandNotFound(error)) throw error;
    throw new StackError(
      'JAVA_MISSING',
      `Java ${MIN_JAVA_MAJOR}+ is required to run Kafka: ${where}; install openjdk-${MIN_JAVA_MAJOR}-jre-headless`,
      { cause: error },
    );
  }
  const major = javaMajorVersion(result.output);
  if (result.code !== 0 || major === undefined) {
    throw new StackError(
      'JAVA_MISSING',
      `Java ${MIN_JAVA_MAJOR}+ is required to run Kafka, but \`${java} -version\` did not report a version:\n` +
        lastLines(result.output, 10),
    );
  }
  if (major < MIN_JAVA_MAJOR) {
    throw new StackError(
      'JAVA_TOO_OLD',
      `Java ${MIN_JAVA_MAJOR}+ is required to run Kafka, but \`${java}\` is Java ${major}; ` +
        `install openjdk-${MIN_JAVA_MAJOR}-jre-headless and put it first on PATH`,
    );
  }
  return major;
}
