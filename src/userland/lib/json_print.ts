/**
 * lib/json_print.c: print text or JSON from one call, `print_string(PRINT_ANY, key, fmt, v)`.
 * In C the state (the json writer, `_SL_`) is global; here it lives in a JsonPrint object,
 * one per running command, which also buffers stdout (as stdio does for a pipe).
 */
import { JsonWriter } from "./json_writer.ts";
import { sprintf } from "./printf.ts";

export const PRINT_FP = 1;
export const PRINT_JSON = 2;
export const PRINT_ANY = 4;
export type OutputType = number;

export class JsonPrint {
  /** buffered stdout text */
  protected outBuf: string[] = [];
  jw: JsonWriter | undefined;
  pretty = 0;
  /** `_SL_`: "\\" with -oneline, "\n" otherwise */
  SL = "\n";

  /** fprintf(stdout, …) */
  printf(fmt: string, ...args: unknown[]): void {
    this.outBuf.push(args.length ? sprintf(fmt, ...args) : fmt.replace(/%%/g, "%"));
  }

  /** raw text to stdout */
  puts(s: string): void {
    this.outBuf.push(s);
  }

  takeOutput(): string {
    const s = this.outBuf.join("");
    this.outBuf = [];
    return s;
  }

  private isJson(t: OutputType): boolean {
    return this.jw !== undefined && (t & PRINT_JSON || t & PRINT_ANY) !== 0;
  }

  private isFp(t: OutputType): boolean {
    return this.jw === undefined && (t & PRINT_FP || t & PRINT_ANY) !== 0;
  }

  /** lib/json_print.c: __new_json_obj() */
  private newJsonObjInner(json: number, haveArray: boolean): void {
    if (json) {
      this.jw = new JsonWriter((s) => this.outBuf.push(s));
      if (this.pretty) this.jw.pretty = true;
      if (haveArray) this.jw.jsonwStartArray();
    }
  }

  /** lib/json_print.c: __delete_json_obj() */
  private deleteJsonObjInner(haveArray: boolean): void {
    if (this.jw) {
      if (haveArray) this.jw.jsonwEndArray();
      this.jw.jsonwDestroy();
      this.jw = undefined;
    }
  }

  /** lib/json_print.c: new_json_obj() */
  newJsonObj(json: number): void {
    this.newJsonObjInner(json, true);
  }

  /** lib/json_print.c: delete_json_obj() */
  deleteJsonObj(): void {
    this.deleteJsonObjInner(true);
  }

  /** lib/json_print.c: new_json_obj_plain() */
  newJsonObjPlain(json: number): void {
    this.newJsonObjInner(json, false);
  }

  /** lib/json_print.c: delete_json_obj_plain() */
  deleteJsonObjPlain(): void {
    this.deleteJsonObjInner(false);
  }

  /** lib/json_print.c: is_json_context() */
  isJsonContext(): boolean {
    return this.jw !== undefined;
  }

  /** lib/json_print.c: open_json_object() */
  openJsonObject(str: string | null): void {
    if (this.isJson(PRINT_JSON)) {
      if (str) this.jw!.jsonwName(str);
      this.jw!.jsonwStartObject();
    }
  }

  /** lib/json_print.c: close_json_object() */
  closeJsonObject(): void {
    if (this.isJson(PRINT_JSON)) this.jw!.jsonwEndObject();
  }

  /** lib/json_print.c: open_json_array() */
  openJsonArray(type: OutputType, str: string | null): void {
    if (this.isJson(type)) {
      if (str) this.jw!.jsonwName(str);
      this.jw!.jsonwStartArray();
    } else if (this.isFp(type)) {
      this.printf("%s", str);
    }
  }

  /** lib/json_print.c: close_json_array() */
  closeJsonArray(type: OutputType, str: string | null): void {
    if (this.isJson(type)) this.jw!.jsonwEndArray();
    else if (this.isFp(type)) this.printf("%s", str);
  }

  private printNum(jfmt: string, type: OutputType, key: string | null, fmt: string | null, value: number | bigint): void {
    if (this.isJson(type)) {
      if (key) this.jw!.jsonwName(key);
      this.jw!.jsonwNumber(jfmt, value);
    } else if (this.isFp(type) && fmt !== null) {
      this.printf(fmt, value);
    }
  }

  /** lib/json_print.c: print_int() */
  printInt(type: OutputType, key: string | null, fmt: string | null, value: number): void {
    this.printNum("%d", type, key, fmt, value);
  }

  /** lib/json_print.c: print_uint() */
  printUint(type: OutputType, key: string | null, fmt: string | null, value: number): void {
    this.printNum("%u", type, key, fmt, value);
  }

  /** lib/json_print.c: print_u64() / print_lluint() */
  printU64(type: OutputType, key: string | null, fmt: string | null, value: number | bigint): void {
    this.printNum("%u", type, key, fmt, value);
  }

  /** lib/json_print.c: print_hhu()/print_hu() */
  printHu(type: OutputType, key: string | null, fmt: string | null, value: number): void {
    this.printNum("%u", type, key, fmt, value);
  }

  /** lib/json_print.c: print_float() */
  printFloat(type: OutputType, key: string | null, fmt: string | null, value: number): void {
    this.printNum("%g", type, key, fmt, value);
  }

  /** lib/json_print.c: print_color_string() */
  printString(type: OutputType, key: string | null, fmt: string | null, value: string | null): void {
    if (this.isJson(type)) {
      if (key && value === null) this.jw!.jsonwName(key);
      else if (!key && value !== null) this.jw!.jsonwString(value);
      else {
        this.jw!.jsonwName(key ?? "");
        this.jw!.jsonwString(value ?? "");
      }
    } else if (this.isFp(type) && fmt !== null) {
      this.printf(fmt, value);
    }
  }

  /** lib/json_print.c: __print_color_bool() */
  private printBoolInner(type: OutputType, key: string | null, fmt: string | null, value: boolean, str: string): void {
    if (this.isJson(type)) {
      if (key) this.jw!.jsonwName(key);
      this.jw!.jsonwBool(value);
    } else if (this.isFp(type) && fmt !== null) {
      this.printf(fmt, str);
    }
  }

  /** lib/json_print.c: print_bool() */
  printBool(type: OutputType, key: string | null, fmt: string | null, value: boolean): void {
    this.printBoolInner(type, key, fmt, value, value ? "true" : "false");
  }

  /** lib/json_print.c: print_on_off() */
  printOnOff(type: OutputType, key: string | null, fmt: string | null, value: boolean | number): void {
    this.printBoolInner(type, key, fmt, !!value, value ? "on" : "off");
  }

  /** lib/json_print.c: print_0xhex() — "%#llx" string in JSON */
  print0xhex(type: OutputType, key: string | null, fmt: string | null, hex: number | bigint): void {
    if (this.isJson(type)) {
      this.printString(PRINT_JSON, key, null, sprintf("%#llx", hex));
    } else if (this.isFp(type) && fmt !== null) {
      this.printf(fmt, hex);
    }
  }

  /** lib/json_print.c: print_hex() — "%x" string in JSON */
  printHex(type: OutputType, key: string | null, fmt: string | null, hex: number): void {
    if (this.isJson(type)) {
      const b1 = sprintf("%x", hex);
      if (key) {
        this.jw!.jsonwName(key);
        this.jw!.jsonwString(b1);
      } else this.jw!.jsonwString(b1);
    } else if (this.isFp(type) && fmt !== null) {
      this.printf(fmt, hex);
    }
  }

  /** lib/json_print.c: print_null() */
  printNull(type: OutputType, key: string | null, fmt: string | null, value: string | null): void {
    if (this.isJson(type)) {
      if (key) this.jw!.jsonwName(key);
      this.jw!.jsonwNull();
    } else if (this.isFp(type) && fmt !== null) {
      this.printf(fmt, value);
    }
  }

  /** lib/json_print.c: print_nl() */
  printNl(): void {
    if (!this.jw) this.printf("%s", this.SL);
  }
}
