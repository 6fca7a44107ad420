import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PYTHON = resolve(import.meta.dirname, '../../../.venv/bin/python');

export interface PeerResult {
  code: number | null;
  output: string;
}

/** Runs an independent MQTT client program; resolves with its exit code and output, never throws. */
export function runPeer(command: string, args: string[], input?: string, timeoutMs = 20_000): Promise<PeerResult> {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
    child.stdin.end(input ?? '');
  });
}

/** paho-mqtt (PyPI): connect, publish QoS 1, exit 0 only after the PUBACK. */
export const PAHO_PUBLISH = `
import sys, paho.mqtt.client as mqtt
host, port, client_id, username, password, topic = sys.argv[1:7]
payload = sys.stdin.buffer.read()
client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311)
client.username_pw_set(username, password)
client.connect(host, int(port))
client.loop_start()
info = client.publish(topic, payload, qos=1)
info.wait_for_publish(timeout=15)
ok = info.is_published()
client.disconnect()
client.loop_stop()
sys.exit(0 if ok else 3)
`;

export interface TestPki {
  caFile: string;
  serverCert: Buffer;
  serverKey: Buffer;
  ca: Buffer;
  clientCertFile: string;
  clientKeyFile: string;
  /** SHA-256 of the client certificate, lower-case hex, as the gateways table stores it. */
  clientFingerprint: string;
}

/** A throwaway CA, a server certificate for 127.0.0.1 and one client certificate, made with openssl. */
export async function makeTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'broker-pki-'));
  const at = (file: string) => join(dir, file);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=gridsight-test-ca');
  for (const [name, cn, ext] of [
    ['server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', 'gateway', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    await openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(at(`${name}.ext`), `${ext}\n`);
    await openssl('x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at(`${name}.pem`), '-days', '2', '-extfile', at(`${name}.ext`));
  }
  const { stdout } = await openssl('x509', '-in', at('client.pem'), '-noout', '-fingerprint', '-sha256');
  const clientFingerprint = (stdout.split('=')[1] ?? '').trim().replace(/:/g, '').toLowerCase();
  return {
    caFile: at('ca.pem'),
    ca: readFileSync(at('ca.pem')),
    serverCert: readFileSync(at('server.pem')),
    serverKey: readFileSync(at('server.key')),
    clientCertFile: at('client.pem'),
    clientKeyFile: at('client.key'),
    clientFingerprint,
  };
}
