#!/usr/bin/env node
// Makes a fresh clone runnable: system packages (Debian), node_modules, and a build. Uses only
// Node built-ins, since it runs before `npm ci`. Safe to run again: it does only what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`bootstrap: ${line}\n`);

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const postgresServer = () =>
  existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`));
const javaMajor = () => {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)/.exec(`${out.stderr}${out.stdout}`);
  return match ? Number(match[1]) : 0;
};

// Debian package → whether this machine already has what it provides.
const systemPackages = [
  ['openjdk-17-jre-headless', () => javaMajor() >= 17],
  ['maven', () => has('mvn')],
  ['postgresql', postgresServer],
  // The broker's session store, and mosquitto as the independent MQTT peer and benchmark baseline.
  ['redis-server', () => has('redis-server')],
  ['mosquitto', () => existsSync('/usr/sbin/mosquitto')],
  ['mosquitto-clients', () => has('mosquitto_pub') && has('mosquitto_sub')],
  // The broker's TLS tests make their throwaway CA and certificates with it.
  ['openssl', () => has('openssl')],
  // The edge agent reads RTSP and video through an ffmpeg child process; its tests use Debian's.
  ['ffmpeg', () => has('ffmpeg')],
  // A Compose client to validate deploy/compose/compose.yaml without a Docker engine.
  ['docker-compose', () => has('docker-compose') || spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0],
  ['python3-venv', () => spawnSync('python3', ['-c', 'import venv, ensurepip'], { stdio: 'ignore' }).status === 0],
  // The browser the dispatch worker app's tests drive through playwright-core.
  ['chromium', () => existsSync('/usr/bin/chromium')],
  // The edge agent decodes JPEG frames with libjpeg-turbo's TurboJPEG API when it is there (a third of sharp's CPU).
  ['libturbojpeg0', () => /libturbojpeg\.so\.0\b/.test(spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '')],
];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    say(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

const missing = systemPackages.filter(([, present]) => !present()).map(([name]) => name);
if (missing.length > 0) {
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    say(`missing system packages: ${missing.join(', ')}. Install them (Debian/Ubuntu: sudo apt-get install ${missing.join(' ')}) and run again.`);
    process.exit(1);
  }
  say(`installing ${missing.join(', ')} from Debian (first run only)…`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

const installedLock = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installedLock) || statSync(installedLock).mtimeMs < statSync(join(root, 'package-lock.json')).mtimeMs) {
  say('installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// Python tools the tests drive (paho-mqtt as an independent MQTT client, onnxruntime baselines):
// a private venv, so nothing is installed into the system's Python.
const venv = join(root, '.venv');
const requirements = join(root, 'requirements-dev.txt');
const venvStamp = join(venv, '.requirements-installed');
if (!existsSync(venvStamp) || statSync(venvStamp).mtimeMs < statSync(requirements).mtimeMs) {
  say('installing Python test tools into .venv (pip)…');
  if (!existsSync(join(venv, 'bin', 'python'))) run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
  writeFileSync(venvStamp, new Date().toISOString());
}

say('building (tsc -b)…');
run(join(root, 'node_modules', '.bin', 'tsc'), ['-b']);
