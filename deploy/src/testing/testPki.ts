import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPki {
  /** The folder holding every file below (a fresh temporary one unless given). */
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  ca: Buffer;
  serverCert: Buffer;
  serverKey: Buffer;
  /** SHA-256 of the client certificate, lower-case hex, as the gateways table stores it. */
  clientFingerprint: string;
}

/** A throwaway CA, a server certificate for 127.0.0.1 and one client (gateway) certificate, made with Debian's openssl. */
export async function makeTestPki(dir = mkdtempSync(join(tmpdir(), 'gridsight-pki-'))): Promise<TestPki> {
  const at = (file: string) => join(dir, file);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl('req', '-x509', ...newKey, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=gridsight-test-ca');
  for (const [name, cn, ext] of [
    ['server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', 'gateway', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    await openssl('req', ...newKey, '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(at(`${name}.ext`), `${ext}\n`);
    await openssl('x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at(`${name}.pem`), '-days', '2', '-extfile', at(`${name}.ext`));
  }
  const { stdout } = await openssl('x509', '-in', at('client.pem'), '-noout', '-fingerprint', '-sha256');
  return {
    dir,
    caFile: at('ca.pem'),
    serverCertFile: at('server.pem'),
    serverKeyFile: at('server.key'),
    clientCertFile: at('client.pem'),
    clientKeyFile: at('client.key'),
    ca: readFileSync(at('ca.pem')),
    serverCert: readFileSync(at('server.pem')),
    serverKey: readFileSync(at('server.key')),
    clientFingerprint: (stdout.split('=')[1] ?? '').trim().replace(/:/g, '').toLowerCase(),
  };
}
