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

/** lib/color.c: enum color_attr (what a printed value is) */
export const COLOR_IFNAME = 0;
export const COLOR_MAC = 1;
export const COLOR_INET = 2;
export const COLOR_INET6 = 3;
export const COLOR_OPERSTATE_UP = 4;
export const COLOR_OPERSTATE_DOWN = 5;
export const COLOR_NONE = 6;
export type ColorAttr = number;

/** lib/color.c: attr_colors_light / attr_colors_dark as escape sequences */
const COLORS_LIGHT = ["\x1b[36m", "\x1b[33m", "\x1b[35m", "\x1b[34m", "\x1b[32m", "\x1b[31m"];
const COLORS_DARK = ["\x1b[1;36m", "\x1b[1;33m", "\x1b[1;35m", "\x1b[1;34m", "\x1b[1;32m", "\x1b[1;31m"];
const C_CLEAR = "\x1b[0m";

/** lib/color.c: ifa_family_color() */
export function ifaFamilyColor(family: number): ColorAttr {
  return family === 2 ? COLOR_INET : family === 10 ? COLOR_INET6 : COLOR_NONE;
}

/** lib/color.c: oper_state_color() (IF_OPER_UP 6, IF_OPER_DOWN 2) */
export function operStateColor(state: number): ColorAttr {
  return state === 6 ? COLOR_OPERSTATE_UP : state === 2 ? COLOR_OPERSTATE_DOWN : COLOR_NONE;
}

/** lib/color.c: the -c[olor][=always|auto|never] option's value, or undefined if `arg` is not it */
export function matchesColorOpt(arg: string): "always" | "auto" | "never" | undefined {
  const eq = arg.indexOf("=");
  const dup = eq >= 0 ? arg.slice(0, eq) : arg;
  if (dup.length < 2 || !"-color".startsWith(dup)) return undefined;
  if (eq < 0) return "always";
  const v = arg.slice(eq + 1);
  return v === "always" || v === "auto" || v === "never" ? v : undefined;
}

export class JsonPrint {
  /** buffered stdout text */
  protected outBuf: string[] = [];
  jw: JsonWriter | undefined;
  pretty = 0;
  /** `_SL_`: "\\" with -oneline, "\n" otherwise */
  SL = "\n";
  /** the palette once enable_color() ran */
  private colors: string[] | undefined;

  /**
   * lib/color.c: check_enable_color() + set_color_palette(): colors for `always`, or `auto`
   * on a terminal, never with JSON; COLORFGBG naming a dark background picks the bold set
   */
  checkEnableColor(opt: "always" | "auto" | "never", json: boolean, isatty: boolean, colorfgbg: string | undefined): void {
    if (json || opt === "never" || (opt === "auto" && !isatty)) return;
    const semi = colorfgbg?.lastIndexOf(";") ?? -1;
    const last = semi >= 0 ? colorfgbg!.slice(semi + 1) : "";
    this.colors = /^[0-68]$/.test(last) ? COLORS_DARK : COLORS_LIGHT;
  }

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

  /** lib/json_print.c: print_color_string() (print_string() is COLOR_NONE) */
  printString(type: OutputType, key: string | null, fmt: string | null, value: string | null, color: ColorAttr = COLOR_NONE): void {
    if (this.isJson(type)) {
      if (key && value === null) this.jw!.jsonwName(key);
      else if (!key && value !== null) this.jw!.jsonwString(value);
      else {
        this.jw!.jsonwName(key ?? "");
        this.jw!.jsonwString(value ?? "");
      }
    } else if (this.isFp(type) && fmt !== null) {
      if (this.colors !== undefined && color !== COLOR_NONE) {
        // color_fprintf()
        this.outBuf.push(this.colors[color]!);
        this.printf(fmt, value);
        this.outBuf.push(C_CLEAR);
      } else this.printf(fmt, value);
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
