/**
 * Parses a JSON value or a Python literal (what Ultralytics writes into ONNX metadata with
 * str(): `{0: 'garbage_pile', 1: "it's"}`, `[320, 320]`, `True`, `None`). Nothing is evaluated.
 */
export type Literal = string | number | boolean | null | Literal[] | { [key: string]: Literal };

export function parseLiteral(text: string): Literal {
  const parser = new LiteralParser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('unexpected text after the value');
  return value;
}

class LiteralParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(why: string): never {
    throw new SyntaxError(`${why} at character ${this.pos} of ${JSON.stringify(this.text.slice(0, 80))}`);
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  value(): Literal {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '{') return this.dict();
    if (ch === '[' || ch === '(') return this.list(ch === '[' ? ']' : ')');
    if (ch === "'" || ch === '"') return this.string(ch);
    const word = /^(?:[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)|True|False|None|true|false|null)/.exec(this.text.slice(this.pos));
    if (!word) this.fail('expected a value');
    this.pos += word[0].length;
    switch (word[0]) {
      case 'True':
      case 'true':
        return true;
      case 'False':
      case 'false':
        return false;
      case 'None':
      case 'null':
        return null;
      default:
        return Number(word[0]);
    }
  }

  private dict(): { [key: string]: Literal } {
    const out: { [key: string]: Literal } = {};
    this.pos++;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.value();
      if (typeof key !== 'string' && typeof key !== 'number') this.fail('a key must be a string or a number');
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      out[String(key)] = this.value();
      this.separator('}');
    }
  }

  private list(close: string): Literal[] {
    const out: Literal[] = [];
    this.pos++;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.value());
      this.separator(close);
    }
  }

  private separator(close: string): void {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === ',') this.pos++;
    else if (ch !== close) this.fail(`expected ',' or '${close}'`);
  }

  private string(quote: string): string {
    let out = '';
    this.pos++;
    while (!this.atEnd()) {
      const ch = this.text[this.pos++] as string;
      if (ch === quote) return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = this.text[this.pos++];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '\\': '\\', "'": "'", '"': '"', '/': '/' };
      if (esc !== undefined && esc in simple) out += simple[esc];
      else if (esc === 'u' || esc === 'x') {
        const len = esc === 'u' ? 4 : 2;
        const hex = this.text.slice(this.pos, this.pos + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail('bad escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += len;
      } else this.fail('bad escape');
    }
    return this.fail('unterminated string');
  }
}
