import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

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
