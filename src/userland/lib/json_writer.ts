/**
 * lib/json_writer.c: the streaming JSON writer iproute2 prints `-j` output with (byte for byte:
 * no spaces in the compact form, 4-space indentation and "key": value with -p).
 */
import { sprintf } from "./printf.ts";

export class JsonWriter {
  private depth = 0;
  private sep = "";
  pretty = false;

  constructor(private readonly put: (s: string) => void) {}

  /** lib/json_writer.c: jsonw_indent() */
  private jsonwIndent(): void {
    for (let i = 0; i < this.depth; ++i) this.put("    ");
  }

  /** lib/json_writer.c: jsonw_eol() */
  private jsonwEol(): void {
    if (!this.pretty) return;
    this.put("\n");
    this.jsonwIndent();
  }

  /** lib/json_writer.c: jsonw_eor() */
  private jsonwEor(): void {
    if (this.sep !== "") this.put(this.sep);
    this.sep = ",";
  }

  /** lib/json_writer.c: jsonw_puts() — C escapes, no Unicode escaping */
  private jsonwPuts(str: string): void {
    let s = '"';
    for (const c of str) {
      switch (c) {
        case "\t": s += "\\t"; break;
        case "\n": s += "\\n"; break;
        case "\r": s += "\\r"; break;
        case "\f": s += "\\f"; break;
        case "\b": s += "\\b"; break;
        case "\\": s += "\\\\"; break;
        case '"': s += '\\"'; break;
        default: s += c;
      }
    }
    this.put(s + '"');
  }

  /** lib/json_writer.c: jsonw_destroy() — the final newline */
  jsonwDestroy(): void {
    this.put("\n");
  }

  /** lib/json_writer.c: jsonw_begin() */
  private jsonwBegin(c: string): void {
    this.jsonwEor();
    this.put(c);
    ++this.depth;
    this.sep = "";
  }

  /** lib/json_writer.c: jsonw_end() */
  private jsonwEnd(c: string): void {
    --this.depth;
    if (this.sep !== "") this.jsonwEol();
    this.put(c);
    this.sep = ",";
  }

  /** lib/json_writer.c: jsonw_name() */
  jsonwName(name: string): void {
    this.jsonwEor();
    this.jsonwEol();
    this.sep = "";
    this.jsonwPuts(name);
    this.put(":");
    if (this.pretty) this.put(" ");
  }

  /** lib/json_writer.c: jsonw_printf() */
  jsonwPrintf(fmt: string, ...args: unknown[]): void {
    this.jsonwEor();
    this.put(sprintf(fmt, ...args));
  }

  /** lib/json_writer.c: jsonw_start_object() */
  jsonwStartObject(): void {
    this.jsonwBegin("{");
  }

  /** lib/json_writer.c: jsonw_end_object() */
  jsonwEndObject(): void {
    this.jsonwEnd("}");
  }

  /** lib/json_writer.c: jsonw_start_array() */
  jsonwStartArray(): void {
    this.jsonwBegin("[");
    if (this.pretty) this.put(" ");
  }

  /** lib/json_writer.c: jsonw_end_array() */
  jsonwEndArray(): void {
    if (this.pretty && this.sep) this.put(" ");
    this.sep = "";
    this.jsonwEnd("]");
  }

  /** lib/json_writer.c: jsonw_string() */
  jsonwString(value: string): void {
    this.jsonwEor();
    this.jsonwPuts(value);
  }

  /** lib/json_writer.c: jsonw_bool() */
  jsonwBool(v: boolean): void {
    this.jsonwPrintf("%s", v ? "true" : "false");
  }

  /** lib/json_writer.c: jsonw_null() */
  jsonwNull(): void {
    this.jsonwPrintf("null");
  }

  /** lib/json_writer.c: jsonw_uint()/jsonw_u64()/jsonw_int()… — a number */
  jsonwNumber(fmt: string, v: number | bigint): void {
    this.jsonwPrintf(fmt, v);
  }
}
