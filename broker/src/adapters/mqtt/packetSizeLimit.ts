import type { Client } from 'aedes';

interface LengthParser {
  packet: { length: number };
  _parseLength(): boolean;
  _emitError(error: Error): void;
}

/**
 * aedes has no packet size limit and MQTT allows 256 MiB. mqtt-packet learns a packet's length
 * from its fixed header, before the body arrives; checking it there refuses an oversize packet
 * without buffering it. This reaches into mqtt-packet's parser (`_parseLength`), which aedes
 * creates per client; the oversize-packet test guards the hook against an upgrade that moves it.
 */
export function limitPacketSize(client: Client, maxBytes: number, onOversize: (bytes: number) => void): void {
  const parser = (client as unknown as { _parser?: LengthParser })._parser;
  if (!parser || typeof parser._parseLength !== 'function') throw new Error('mqtt-packet parser hook not found: the packet size limit cannot be enforced');
  const parseLength = parser._parseLength;
  parser._parseLength = function limitedParseLength(this: LengthParser): boolean {
    const complete = parseLength.call(this);
    if (complete && this.packet.length > maxBytes) {
      onOversize(this.packet.length);
      this._emitError(new Error(`packet of ${this.packet.length} bytes exceeds the limit of ${maxBytes}`));
      return false;
    }
    return complete;
  };
}
