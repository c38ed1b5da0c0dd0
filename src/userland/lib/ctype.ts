/** <ctype.h> in the C locale */

export function isdigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

export function isspace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\v" || c === "\f" || c === "\r";
}
